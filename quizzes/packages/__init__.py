"""Course packages (curriculum/README.md): a course as a folder of YAML, Markdown and CSV.

`reader` turns files into a `CoursePackage` (pure, no database); `loader` writes one into
Wagtail pages, quizzes and questions; `exporter` writes a live course back into files.
Both directions meet in the `CoursePackage`, so "what would change" is a comparison of two
packages: the uploaded one and the export of what is live.
"""

from .errors import PackageError

__all__ = ["PackageError"]
