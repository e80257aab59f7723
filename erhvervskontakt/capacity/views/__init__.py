"""Capacity planning pages, for managers only (see access.py)."""

from erhvervskontakt.capacity.views.edit import override_remove, overrides, settings_edit
from erhvervskontakt.capacity.views.plan import plan, plan_csv, simulate
from erhvervskontakt.capacity.views.roster import roster, roster_fill, roster_import

__all__ = [
    "override_remove",
    "overrides",
    "plan",
    "plan_csv",
    "roster",
    "roster_fill",
    "roster_import",
    "settings_edit",
    "simulate",
]
