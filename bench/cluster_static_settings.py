"""Production settings with Django's own manifest storage, for the cluster check's
collectstatic only: the same hashed names and staticfiles.json as production's
CompressedManifestStaticFilesStorage, without compressing 1,300 files (a minute on a 2-core
machine) that nginx serves, and compresses, itself."""

from elearning.settings.production import *  # noqa: F403
from elearning.settings.production import STORAGES

STORAGES = {**STORAGES, "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.ManifestStaticFilesStorage"}}
