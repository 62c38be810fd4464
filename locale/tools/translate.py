"""Fill locale/en from a dict of Indonesian msgid -> English, clearing fuzzy guesses.

    .venv/bin/pip install polib   # a translator's tool, not a project dependency
    .venv/bin/python locale/tools/translate.py TRANSLATIONS.py

TRANSLATIONS.py defines T (msgid -> msgstr) and optionally PLURALS (msgid -> (one, many)).
Prints what is still untranslated; `manage.py compilemessages` then builds the .mo.
"""

import runpy
import sys
from pathlib import Path

import polib

PO = Path(__file__).resolve().parents[1] / "en" / "LC_MESSAGES" / "django.po"


def main(path: str) -> None:
    table = runpy.run_path(path)
    singles, plurals = table["T"], table.get("PLURALS", {})
    po = polib.pofile(str(PO))
    for entry in po:
        if entry.obsolete:
            continue
        if entry.msgid_plural and entry.msgid in plurals:
            one, many = plurals[entry.msgid]
            entry.msgstr_plural = {0: one, 1: many}
        elif entry.msgid in singles:
            entry.msgstr = singles[entry.msgid]
        else:
            continue
        if "fuzzy" in entry.flags:
            entry.flags.remove("fuzzy")
            entry.previous_msgid = entry.previous_msgid_plural = entry.previous_msgctxt = None
    for entry in po:
        if not entry.fuzzy:  # "#|" previous-msgid comments only make sense on fuzzy entries
            entry.previous_msgid = entry.previous_msgid_plural = entry.previous_msgctxt = None
    po.save()
    missing = [e.msgid for e in po if not e.obsolete and (not e.translated() or e.fuzzy)]
    print(f"{len(po)} entries, {len(missing)} untranslated or fuzzy")
    for msgid in missing:
        print("  ", msgid)


if __name__ == "__main__":
    main(sys.argv[1])
