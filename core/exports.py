"""Spreadsheet exports that a spreadsheet program opens safely (DESIGN.md invariant 7)."""

import csv
import io

from django.http import HttpResponse
from django.utils import timezone

FORMULA_TRIGGERS = ("=", "+", "-", "@", "\t", "\r", "\n", "\uff1d", "\uff0b", "\uff0d", "\uff20")


def spreadsheet_safe(value):
    """Text that a spreadsheet would run as a formula is prefixed with a quote.

    Numbers stay numbers; only strings can carry a formula. Full-width variants count too,
    as some spreadsheet programs normalise them.
    """
    if isinstance(value, str) and value.startswith(FORMULA_TRIGGERS):
        return "'" + value
    return value


class SafeSpreadsheetExportMixin:
    """For Wagtail index views with `list_export`: every exported cell goes through
    `spreadsheet_safe`, in CSV and XLSX alike (Wagtail itself protects only XLSX)."""

    def get_preprocess_function(self, field, value, export_format):
        inner = super().get_preprocess_function(field, value, export_format)

        def preprocess(v):
            return spreadsheet_safe(inner(v) if inner else v)

        return preprocess


def spreadsheet_response(*, filename: str, fmt: str, title: str, filters: list[tuple[str, str]], header: list[str], rows) -> HttpResponse:
    """An XLSX (or, with fmt="csv", a CSV with BOM) download: a title, the filters that made
    it and the time it was made, a blank line, then the header and rows. Every cell is safe."""
    preamble = [[title], *[[key, value] for key, value in filters], ["Dibuat", timezone.localtime().strftime("%Y-%m-%d %H:%M WITA")], []]
    if fmt == "csv":
        buffer = io.StringIO()
        writer = csv.writer(buffer)
        for line in [*preamble, header, *rows]:
            writer.writerow([spreadsheet_safe(v) for v in line])
        response = HttpResponse("\ufeff" + buffer.getvalue(), content_type="text/csv; charset=utf-8")
    else:
        from openpyxl import Workbook

        workbook = Workbook()
        sheet = workbook.active
        sheet.title = "Laporan"
        for line in [*preamble, header, *rows]:
            sheet.append([spreadsheet_safe(v) for v in line])
        buffer = io.BytesIO()
        workbook.save(buffer)
        response = HttpResponse(buffer.getvalue(), content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
        fmt = "xlsx"
    response["Content-Disposition"] = f'attachment; filename="{filename}.{fmt}"'
    return response
