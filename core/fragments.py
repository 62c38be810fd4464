"""Rendered fragments kept in the process, for `courses.fragments` (outline items, lesson
bodies) and the `{% memo %}` tag (site chrome). A key holds everything the fragment shows plus
the active language, so a kept fragment never goes stale; the bound drops the oldest first."""

import threading

from django.template.loader import render_to_string
from django.utils.translation import get_language


class FragmentMemo:
    def __init__(self, maxsize: int):
        self.maxsize = maxsize
        self._items: dict = {}
        self._lock = threading.Lock()

    def get(self, key):
        return self._items.get(key)  # a dict read is atomic: no lock on the hot path

    def put(self, key, html: str) -> str:
        with self._lock:
            while len(self._items) >= self.maxsize:
                del self._items[next(iter(self._items))]
            self._items[key] = html
        return html

    def render(self, template_name: str, context: dict, key: tuple, request=None) -> str:
        key = (template_name, get_language(), key)
        html = self.get(key)
        if html is None:
            html = self.put(key, render_to_string(template_name, context, request=request))
        return html
