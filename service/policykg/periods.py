"""Dates of any precision (2012, 2012-06, 2012-06-06), as the texts state them: the one check that such a date is on
the calendar, and the first and last day it can denote. The annotation model, the argument assessment, the REST API,
the pages, the AIF import and the drafting intake all read dates through here."""

from __future__ import annotations

import calendar
import re
from datetime import date

PERIOD = re.compile(r"^\d{4}(-\d{2}(-\d{2})?)?$")
"""An ISO date of any precision: YYYY, YYYY-MM or YYYY-MM-DD."""


def check_period(value: str) -> str:
    """``value`` if it is an ISO date of some precision that the calendar has (not 2012-02-31, 2012-13, 0000);
    else :class:`ValueError` saying which."""
    if not PERIOD.match(value):
        raise ValueError(f"not a date (YYYY, YYYY-MM or YYYY-MM-DD): {value!r}")
    try:
        period_start(value)
        period_end(value)
    except ValueError as err:
        raise ValueError(f"not a calendar date: {value} ({err})") from None
    return value


def period_start(value: str) -> date:
    """The first day an ISO date of any precision can denote."""
    parts = [int(p) for p in value[:10].split("-")]
    return date(parts[0], parts[1] if len(parts) > 1 else 1, parts[2] if len(parts) > 2 else 1)


def period_end(value: str) -> date:
    """The last day an ISO date of any precision can denote: "as of June 2023" includes everything dated in June."""
    parts = [int(p) for p in value[:10].split("-")]
    if len(parts) == 1:
        return date(parts[0], 12, 31)
    if len(parts) == 2:
        return date(parts[0], parts[1], calendar.monthrange(parts[0], parts[1])[1])
    return date(parts[0], parts[1], parts[2])
