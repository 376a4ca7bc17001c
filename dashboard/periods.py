"""The period a dashboard reads: a day, week, month, quarter, year or a custom range of days.

A period is a half-open span ``[start, end)`` of aware datetimes at midnight in the site's time
zone (Asia/Shanghai): a measure counts a fact in the period when the fact's moment ``t`` has
``start <= t < end``. Weeks start on Monday (ISO). ``previous()`` is the period just before
(环比), ``year_ago()`` the same period a year earlier (同比).
"""

from __future__ import annotations

import calendar
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from django.conf import settings
from django.utils.translation import gettext as _

KINDS = ("day", "week", "month", "quarter", "year", "custom")
# A custom range may span at most this many days (three years and a leap day).
MAX_CUSTOM_DAYS = 3 * 366


class PeriodError(ValueError):
    """Bad period parameters; ``errors`` maps each parameter to its reasons (for a form or a 400)."""

    def __init__(self, errors: dict[str, list[str]]):
        super().__init__("; ".join(f"{k}: {' '.join(v)}" for k, v in errors.items()))
        self.errors = errors


def zone() -> ZoneInfo:
    return ZoneInfo(settings.TIME_ZONE)


def midnight(day: date) -> datetime:
    """The start of ``day`` in the site's time zone, aware."""
    return datetime.combine(day, time.min, tzinfo=zone())


def local_day(moment: datetime) -> date:
    return moment.astimezone(zone()).date()


def _minus_years(day: date, years: int) -> date:
    year = day.year - years
    return day.replace(year=year, day=min(day.day, calendar.monthrange(year, day.month)[1]))


def _add_months(day: date, months: int) -> date:
    index = day.year * 12 + day.month - 1 + months
    return date(index // 12, index % 12 + 1, 1)


@dataclass(frozen=True)
class Period:
    """``kind`` and the local days ``first`` … ``last`` (inclusive) it covers."""

    kind: str
    first: date
    last: date

    def __post_init__(self):
        if self.kind not in KINDS:
            raise ValueError(f"unknown period kind {self.kind!r}")
        if self.last < self.first:
            raise ValueError("a period ends on or after its first day")

    # --- construction -------------------------------------------------------------------------

    @classmethod
    def containing(cls, kind: str, day: date) -> Period:
        """The day, week, month, quarter or year that contains ``day``."""
        if kind == "day":
            return cls(kind, day, day)
        if kind == "week":
            monday = day - timedelta(days=day.weekday())
            return cls(kind, monday, monday + timedelta(days=6))
        if kind == "month":
            first = day.replace(day=1)
            return cls(kind, first, _add_months(first, 1) - timedelta(days=1))
        if kind == "quarter":
            first = date(day.year, (day.month - 1) // 3 * 3 + 1, 1)
            return cls(kind, first, _add_months(first, 3) - timedelta(days=1))
        if kind == "year":
            return cls(kind, date(day.year, 1, 1), date(day.year, 12, 31))
        raise ValueError(f"a {kind!r} period needs its first and last day")

    @classmethod
    def custom(cls, first: date, last: date) -> Period:
        return cls("custom", first, last)

    # --- the span -----------------------------------------------------------------------------

    @property
    def start(self) -> datetime:
        """Inclusive: midnight of the first day, Asia/Shanghai."""
        return midnight(self.first)

    @property
    def end(self) -> datetime:
        """Exclusive: midnight after the last day."""
        return midnight(self.last + timedelta(days=1))

    @property
    def days(self) -> int:
        return (self.last - self.first).days + 1

    def contains(self, moment: datetime) -> bool:
        return self.start <= moment < self.end

    # --- comparisons --------------------------------------------------------------------------

    def previous(self) -> Period:
        """环比: the period of the same kind just before; a custom range, as many days before."""
        if self.kind == "custom":
            return Period.custom(self.first - timedelta(days=self.days), self.first - timedelta(days=1))
        return Period.containing(self.kind, self.first - timedelta(days=1))

    def year_ago(self) -> Period:
        """同比: the same period a year earlier. A week is the week 52 weeks before (Monday to
        Sunday still); a custom range and a day move by a calendar year (29 February → 28th)."""
        if self.kind == "week":
            return Period.containing("week", self.first - timedelta(weeks=52))
        if self.kind in ("day", "custom"):
            return Period(self.kind, _minus_years(self.first, 1), _minus_years(self.last, 1))
        return Period.containing(self.kind, _minus_years(self.first, 1))

    def buckets(self, step: str) -> list[Period]:
        """The days, weeks or months of the period, for a trend; the first and last may be cut
        to the period (a week that starts before the first day begins on the first day)."""
        if step not in ("day", "week", "month"):
            raise ValueError(f"unknown step {step!r}")
        out: list[Period] = []
        day = self.first
        while day <= self.last:
            whole = Period.containing(step, day)
            last = min(whole.last, self.last)
            out.append(Period(step if whole.first == day and whole.last == last else "custom", day, last))
            day = last + timedelta(days=1)
        return out

    # --- words --------------------------------------------------------------------------------

    @property
    def label(self) -> str:
        if self.kind == "day":
            return self.first.isoformat()
        if self.kind == "week":
            year, week, _weekday = self.first.isocalendar()
            return f"{year}-W{week:02d}"
        if self.kind == "month":
            return f"{self.first:%Y-%m}"
        if self.kind == "quarter":
            return f"{self.first.year}-Q{(self.first.month - 1) // 3 + 1}"
        if self.kind == "year":
            return str(self.first.year)
        return f"{self.first.isoformat()}~{self.last.isoformat()}"

    def as_params(self) -> dict[str, str]:
        """Query parameters that :func:`parse_period` reads back to this period."""
        if self.kind == "custom":
            return {"period": "custom", "start": self.first.isoformat(), "end": self.last.isoformat()}
        return {"period": self.kind, "date": self.first.isoformat()}


def _date(params, name: str, errors: dict[str, list[str]]) -> date | None:
    raw = (params.get(name) or "").strip()
    if not raw:
        return None
    try:
        return date.fromisoformat(raw)
    except ValueError:
        errors.setdefault(name, []).append(_("日期格式应为 YYYY-MM-DD：%(value)s") % {"value": raw})
        return None


def parse_period(params, *, today: date, default: str = "month") -> Period:
    """The period named by query parameters, or :class:`PeriodError` saying what is wrong.

    - ``period``: day | week | month | quarter | year | custom (default ``default``);
    - ``date``: any day in it, ``YYYY-MM-DD`` (default ``today``);
    - for ``custom``: ``start`` and ``end``, both days included, at most three years apart.
    """
    errors: dict[str, list[str]] = {}
    kind = (params.get("period") or default).strip()
    if kind not in KINDS:
        errors["period"] = [_("未知的统计周期：%(value)s") % {"value": kind}]
        raise PeriodError(errors)
    if kind == "custom":
        first, last = _date(params, "start", errors), _date(params, "end", errors)
        if not errors:
            if first is None:
                errors["start"] = [_("请填写开始日期")]
            if last is None:
                errors["end"] = [_("请填写结束日期")]
        if not errors and last < first:
            errors["end"] = [_("结束日期不能早于开始日期")]
        if not errors and (last - first).days + 1 > MAX_CUSTOM_DAYS:
            errors["end"] = [_("自定义周期最长 %(days)s 天") % {"days": MAX_CUSTOM_DAYS}]
        if errors:
            raise PeriodError(errors)
        return Period.custom(first, last)
    day = _date(params, "date", errors)
    if errors:
        raise PeriodError(errors)
    return Period.containing(kind, day or today)
