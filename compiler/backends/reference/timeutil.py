"""Time arithmetic shared by the reference evaluator: as-of instants, local dates, months."""

from __future__ import annotations

import calendar
from datetime import date, datetime, timedelta, timezone

__all__ = ["add_months", "as_of_micros", "local_date", "local_minutes", "months_between", "past_as_of"]

_EPOCH = datetime(1970, 1, 1, tzinfo=timezone.utc)


def as_of_micros(day: date, zone) -> int:
    """The instant `day 00:00` in `zone`, as UTC microseconds since the epoch.

    >>> from rubric.check import parse_zone
    >>> as_of_micros(date(2024, 6, 3), parse_zone("UTC+8")) == as_of_micros(date(2024, 6, 2), parse_zone("UTC")) + 16 * 3600 * 10**6
    True
    """
    local = datetime(day.year, day.month, day.day, tzinfo=zone)
    delta = local.astimezone(timezone.utc) - _EPOCH
    return (delta.days * 86_400 + delta.seconds) * 1_000_000 + delta.microseconds


def _to_datetime(micros: int, zone) -> datetime:
    return (_EPOCH + timedelta(microseconds=micros)).astimezone(zone)


def local_date(micros: int, zone) -> date:
    return _to_datetime(micros, zone).date()


def local_minutes(micros: int, zone) -> int:
    """Minutes after local midnight of an instant (seconds ignored: 20:59:59 is minute 1259)."""
    moment = _to_datetime(micros, zone)
    return moment.hour * 60 + moment.minute


def local_time_fraction(micros: int, zone) -> float:
    moment = _to_datetime(micros, zone)
    return moment.hour * 60 + moment.minute + (moment.second + moment.microsecond / 1e6) / 60


def add_months(day: date, months: int) -> date:
    """Add calendar months, clipping the day to the month's end.

    >>> add_months(date(2024, 1, 31), 1)
    datetime.date(2024, 2, 29)
    """
    index = day.year * 12 + (day.month - 1) + months
    year, month = divmod(index, 12)
    last = calendar.monthrange(year, month + 1)[1]
    return date(year, month + 1, min(day.day, last))


def months_between(start: date, end: date) -> int:
    """Whole calendar months m with add_months(start, m) <= end (0 when end < start + 1 month).

    >>> months_between(date(2024, 1, 31), date(2024, 2, 29))
    1
    """
    months = (end.year - start.year) * 12 + (end.month - start.month)
    while months > 0 and add_months(start, months) > end:
        months -= 1
    return max(months, 0)


def past_as_of(day: date, cadence: str, steps: int) -> date:
    """The as-of date `steps` assessments before `day`."""
    if cadence == "monthly":
        return add_months(day, -steps)
    return day - timedelta(days=(7 if cadence == "weekly" else 1) * steps)
