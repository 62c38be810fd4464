"""System checks for settings that would quietly undo a guarantee."""

from pathlib import Path

from django.conf import settings
from django.core.checks import Error, register


def _inside(child: Path, parent: Path) -> bool:
    child, parent = child.resolve(), parent.resolve()
    return child == parent or parent in child.parents


@register()
def private_root_is_not_public(app_configs, **kwargs):
    """INTEGRITAS_PRIVATE_ROOT inside (or around) a publicly served directory would put the
    certificates and evidence packs under a public URL again."""
    private = Path(settings.PRIVATE_ROOT)
    errors = []
    for setting in ("MEDIA_ROOT", "STATIC_ROOT"):
        public = getattr(settings, setting, None)
        if public and (_inside(private, Path(public)) or _inside(Path(public), private)):
            errors.append(
                Error(
                    f"PRIVATE_ROOT ({private}) and {setting} ({public}) overlap: private files would be public.",
                    hint="Set INTEGRITAS_PRIVATE_ROOT to a directory outside DJANGO_MEDIA_ROOT and DJANGO_STATIC_ROOT.",
                    id="integritas.E001",
                )
            )
    return errors
