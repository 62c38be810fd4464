"""Account activation for people on the roster (the only way to get a learner account)."""

from allauth.account.adapter import get_adapter
from allauth.core import ratelimit
from django.conf import settings
from django.contrib import messages
from django.contrib.auth import login
from django.core import signing
from django.core.mail import send_mail
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.debug import sensitive_post_parameters

from .forms import ActivationPasswordForm, ActivationRequestForm
from .models import Employee
from .services import ActivationRefused, account_activate, employee_find_for_activation

ACTIVATION_SALT = "integritas.activation"
ACTIVATION_MAX_AGE = 60 * 60 * 48


def _activation_link(request, employee: Employee) -> str:
    token = signing.dumps({"e": employee.pk, "m": employee.email.lower()}, salt=ACTIVATION_SALT)
    return f"{settings.SITE_BASE_URL}{reverse('activation_confirm', args=[token])}"


@never_cache
def activation_request(request):
    if request.user.is_authenticated:
        return redirect("/")
    form = ActivationRequestForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        nip, email = form.cleaned_data["nip"], form.cleaned_data["email"]
        if not ratelimit.consume(request, action="activate", key=nip or email):
            form.add_error(None, _("Terlalu banyak percobaan aktivasi. Coba lagi beberapa saat lagi."))
        else:
            try:
                employee = employee_find_for_activation(nip=nip, email=email)
            except ActivationRefused as refusal:
                form.add_error(None, refusal.message)
            else:
                context = {"employee": employee, "link": _activation_link(request, employee), "hours": ACTIVATION_MAX_AGE // 3600}
                send_mail(
                    subject=_("[Integritas] Aktivasi akun Anda"),
                    message=render_to_string("organizations/email/activation.txt", context),
                    from_email=None,
                    recipient_list=[employee.email],
                )
                return redirect("activation_sent")
    return render(request, "organizations/activation_request.html", {"form": form})


def activation_sent(request):
    return render(request, "organizations/activation_sent.html")


@never_cache
@sensitive_post_parameters("password1", "password2")
def activation_confirm(request, token):
    try:
        payload = signing.loads(token, salt=ACTIVATION_SALT, max_age=ACTIVATION_MAX_AGE)
        employee = Employee.objects.select_related("opd").get(pk=payload["e"])
    except (signing.BadSignature, Employee.DoesNotExist, KeyError, TypeError):
        return render(request, "organizations/activation_invalid.html", status=400)
    if employee.user_id or not employee.active or employee.email.lower() != payload["m"]:
        return render(request, "organizations/activation_invalid.html", status=400)
    form = ActivationPasswordForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            user = account_activate(
                employee_id=employee.pk, email=payload["m"], password=form.cleaned_data["password1"]
            )
        except ActivationRefused as refusal:
            form.add_error(None, refusal.message)
        else:
            login(request, user, backend="allauth.account.auth_backends.AuthenticationBackend")
            messages.success(request, _("Akun Anda aktif. Selamat datang, %(name)s!") % {"name": employee.full_name})
            return redirect(get_adapter(request).get_login_redirect_url(request))
    return render(request, "organizations/activation_confirm.html", {"form": form, "employee": employee})
