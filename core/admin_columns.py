"""Listing columns for the Wagtail admin in the site's conventions."""

import datetime

from django.utils import timezone
from django.utils.formats import date_format
from wagtail.admin.ui.tables import Column


class WitaDateColumn(Column):
    """A date or time as the rest of the site prints it ("28 November 2026", times in WITA),
    instead of Wagtail's relative "2 jam yang lalu"; "—" when empty."""

    def get_value(self, instance):
        value = super().get_value(instance)
        if value is None or value == "":
            return "—"
        if isinstance(value, datetime.datetime):
            return date_format(timezone.localtime(value), "j F Y H:i") + " WITA"
        if isinstance(value, datetime.date):
            return date_format(value, "j F Y")
        return value
