"""Who may see which certificate."""

from django.db.models import Q, QuerySet
from django.http import Http404

from organizations.models import Role
from organizations.permissions import has_role, sees_all_opds
from organizations.selectors import employee_for_user, opds_visible_to

from .models import Certificate


def certificates_visible_to(user) -> QuerySet[Certificate]:
    """The registry: HR, auditors and observers see all; a coordinator those issued in, or
    held by someone now in, their OPDs."""
    if not user.is_authenticated or not user.has_perm("certificates.view_certificate"):
        return Certificate.objects.none()
    if sees_all_opds(user):
        return Certificate.objects.all()
    if has_role(user, Role.COORDINATOR):
        opds = opds_visible_to(user).values("pk")
        return Certificate.objects.filter(Q(opd__in=opds) | Q(employee__opd__in=opds))
    return Certificate.objects.none()


def access_certificate(user, pk) -> Certificate:
    try:
        return certificates_visible_to(user).get(pk=pk)
    except (Certificate.DoesNotExist, ValueError, TypeError):
        raise Http404 from None


def certificates_of(user) -> QuerySet[Certificate]:
    employee = employee_for_user(user)
    if employee is None:
        return Certificate.objects.none()
    return Certificate.objects.filter(employee=employee)


def access_own_certificate(user, pk) -> Certificate:
    """The learner's own certificate; 404 for someone else's and for a missing one alike."""
    try:
        return certificates_of(user).get(pk=pk)
    except (Certificate.DoesNotExist, ValueError, TypeError):
        raise Http404 from None


def verification_code_normalize(text: str) -> str:
    """What someone typed or pasted into the verification form, as a code: the short code as
    printed (any case, grouped with spaces or hyphens) or the whole verification URL."""
    text = (text or "").strip()
    marker = "/verifikasi/"
    if marker in text:
        text = text.split(marker, 1)[1]
        for stop in "/?#":
            text = text.split(stop, 1)[0]
    elif "kode=" in text:
        text = text.split("kode=", 1)[1].split("&", 1)[0]
    from urllib.parse import unquote

    text = unquote(text)
    return "".join(text.split()).replace("-", "").lower()


def certificate_by_code(code: str) -> Certificate:
    code = verification_code_normalize(code)
    if not code.isalnum() or len(code) > 32:
        raise Http404
    try:
        return Certificate.objects.select_related("replaced_by").get(code=code)
    except Certificate.DoesNotExist:
        raise Http404 from None


def certificate_signature_state(certificate: Certificate) -> dict:
    """The stored file checked now: does it still have the recorded SHA-256, and is its
    electronic signature valid, by whom, when. Cached per file hash and trust roots, since a
    scanned QR code may be opened many times and validation takes a few tens of ms."""
    import hashlib

    from django.conf import settings
    from django.core.cache import cache

    from .signing import pdf_signature_check

    try:
        with certificate.pdf.open("rb") as handle:
            content = handle.read()
    except (FileNotFoundError, ValueError, OSError):
        return {"file": False, "hash_matches": False, "signed": False, "valid": False, "problem": ""}
    digest = hashlib.sha256(content).hexdigest()
    roots = ",".join(getattr(settings, "SIGNING_TRUST_ROOTS", []) or [])
    key = "certificates:signature:" + hashlib.sha256(f"{digest}|{roots}".encode()).hexdigest()
    state = cache.get(key)
    if state is None:
        state = pdf_signature_check(content)
        cache.set(key, state, 60 * 60)
    return {**state, "file": True, "hash_matches": digest == certificate.sha256}
