"""Template fragments kept in the process.

A fragment's key holds everything the fragment shows, plus the active language, so a kept
fragment never goes stale and nothing has to invalidate it; a bound keeps the memory flat
(the oldest fragment goes first). The engine renders and escapes each fragment once; a
request only looks them up, so a course of 100 lessons costs its outline about what a
course of 5 does."""

from dataclasses import dataclass

from django.template.loader import render_to_string
from django.utils.safestring import mark_safe
from django.utils.translation import get_language

from core.fragments import FragmentMemo

OUTLINE_ITEMS = FragmentMemo(maxsize=8192)
LESSON_BODIES = FragmentMemo(maxsize=256)


@dataclass(frozen=True, slots=True)
class OutlineEntry:
    """One lesson of an outline, as its fragment template sees it."""

    title: str
    url: str
    minutes: int
    done: bool
    current: bool


def outline_html(outline, template_name: str, *, current=None, **flags) -> str:
    """The outline's list items, each rendered once per process by `template_name` with
    `entry` (an OutlineEntry) and `flags` (plain values, part of the key)."""
    language, frozen = get_language(), tuple(sorted(flags.items()))
    done, current_pk = outline.done_ids, (current.pk if current is not None else None)
    parts = []
    for lesson, pk in zip(outline.lessons, outline.ids, strict=True):
        url = getattr(lesson, "outline_url", None) or lesson.url
        key = (template_name, language, frozen, pk, lesson.title, url, lesson.estimated_minutes, pk in done, pk == current_pk)
        html = OUTLINE_ITEMS.get(key)
        if html is None:
            entry = OutlineEntry(title=lesson.title, url=url, minutes=lesson.estimated_minutes, done=pk in done, current=pk == current_pk)
            html = OUTLINE_ITEMS.put(key, render_to_string(template_name, {"entry": entry, **flags}))
        parts.append(html)
    return mark_safe("".join(parts))  # noqa: S308 - every part is the template engine's escaped output
