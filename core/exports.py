"""Spreadsheet exports that a spreadsheet program opens safely (DESIGN.md invariant 7)."""

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
