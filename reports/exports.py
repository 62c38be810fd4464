"""Spreadsheet renderers for report rows: the data comes from selectors, the formats here.
Every cell goes through `spreadsheet_safe`; the filters and the as-of date head the file."""

import csv
import io

from django.http import HttpResponse
from django.utils import timezone

from core.exports import spreadsheet_safe


def spreadsheet_response(*, filename: str, fmt: str, title: str, filters: list[tuple[str, str]], header: list[str], rows) -> HttpResponse:
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
