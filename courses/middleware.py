"""A publication refused by a course's checks (JP basis, courses/publishing.py) is an
expected outcome, not a server error, whichever admin path asked for it.

The edit form asks the checks first and shows the message in the form. The workflow's
approve dialogue (the dashboard, the page listing) publishes through Wagtail's own view,
which has no place for the message: without this, the reviewer got a 500. The approval runs
in a transaction (`TaskState.approve` is atomic), so nothing of it was kept; here the reviewer
gets the reasons as an error message on the page's edit view, and the task stays open.
"""

from django.contrib import messages
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.translation import gettext as _

from .publishing import PublishRefused


class PublishRefusedMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_exception(self, request, exception):
        if not isinstance(exception, PublishRefused) or not request.path.startswith("/admin/"):
            return None
        messages.error(request, _("Kursus tidak diterbitkan: %(reasons)s") % {"reasons": " ".join(exception.messages)})
        kwargs = request.resolver_match.kwargs if request.resolver_match else {}
        page_id = kwargs.get("page_id") or kwargs.get("pk")
        target = reverse("wagtailadmin_pages:edit", args=[page_id]) if page_id else request.META.get("HTTP_REFERER") or "/admin/"
        if request.headers.get("x-requested-with") == "XMLHttpRequest" or "workflow/action/" in request.path:
            from wagtail.admin.modal_workflow import render_modal_workflow

            # the approve dialogue expects its JSON answer; send it to the edit view
            return render_modal_workflow(request, "", None, {}, json_data={"step": "success", "redirect": target})
        return redirect(target)
