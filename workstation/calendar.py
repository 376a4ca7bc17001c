"""The working calendar: which days are worked, and deadline arithmetic in working time.

The facts live in two tables: ``CalendarDay`` (holidays and make-up working days 调休, seeded by
``manage.py seed_calendar`` from the chinesecalendar package and corrected by admins) and
``WorkingPeriod`` (the working hours of a working day). :class:`WorkingCalendar` is the pure core:
it takes those facts as plain values and never touches the database. :func:`get_calendar` builds
one from the tables and caches it in the process.

Which days are worked, in order:

1. A ``CalendarDay`` row for the date wins (there is one row per date; an admin row replaces the
   package's, and the seeder never overwrites it).
2. Otherwise Monday–Friday are worked, Saturday and Sunday are not.
3. A year with no ``CalendarDay`` row at all is *unknown*: rule 2 applies, a warning is logged once
   per process per year, and :func:`calendar_warnings` tells admins. Nothing raises.

Counting convention. Working time is a clock that runs only inside the working periods (default
08:30–12:00 and 13:30–17:30, a 7.5 h working day) of working days, to the second:

- ``working_time_between(a, b)`` is how far that clock moved from ``a`` to ``b`` (negative if
  ``b`` is before ``a``). It measures elapsed time for the 80 % warning and for holds.
- ``add_working_hours(start, h)`` is the *earliest* moment at which ``h`` hours of working time
  have elapsed since ``start``. So a start outside working hours counts from the next working
  moment, and a due time that reaches the end of a period stays there (12:00, not 13:30).
- ``add_working_days(start, n)`` is ``add_working_hours(start, n × working-day length)``: the
  same working-time offset ``n`` working days later.
- ``clock_hours`` is plain ``start + n`` hours; the calendar is ignored (urgent cases).

Hence ``working_time_between(start, add(start, x)) == x`` for every start and every x ≥ 0.
Worked examples with the default hours and real 2026 data:

- Fri 2026-01-09 16:00 + 1 working day → Mon 2026-01-12 16:00 (1.5 h Friday + 6 h Monday).
- Fri 2026-01-09 18:00 + 1 working day → counts from Mon 08:30 → Mon 2026-01-12 17:30.
- Mon 2026-01-12 11:00 + 2 working hours → 1 h to 12:00, lunch, 1 h from 13:30 → 14:30.
- Fri 2026-02-13 10:00 + 1 working day → Sat 2026-02-14 10:00 (a make-up working Saturday);
  + 2 working days → Tue 2026-02-24 10:00 (Spring Festival holidays run 02-15 … 02-23).
"""

import logging
import threading
import time as monotonic_clock
from collections.abc import Callable, Iterable, Mapping
from datetime import UTC, date, datetime, time, timedelta, tzinfo
from zoneinfo import ZoneInfo

from django.db import transaction
from django.db.models.signals import post_delete, post_save
from django.utils import timezone
from django.utils.translation import gettext as _

from workstation.models import CalendarDay, WorkingPeriod

logger = logging.getLogger("workstation.calendar")

SHANGHAI = ZoneInfo("Asia/Shanghai")
DEFAULT_PERIODS: tuple[tuple[time, time], ...] = ((time(8, 30), time(12, 0)), (time(13, 30), time(17, 30)))

# The values of cases.models.TimeUnit; spelled out here so the calendar does not import cases.
WORK_HOURS = "work_hours"
WORK_DAYS = "work_days"
CLOCK_HOURS = "clock_hours"

# Warn about unknown years before deadlines reach them: the State Council publishes next year's
# schedule in the autumn, and three months cover every default time limit with room to spare.
WARN_AHEAD = timedelta(days=92)

_warned_years: set[int] = set()
_warned_lock = threading.Lock()


def _warn_unknown_year(year: int) -> None:
    with _warned_lock:
        if year in _warned_years:
            return
        _warned_years.add(year)
    logger.warning(
        "No working-calendar data for %s: counting Monday–Friday as working days. "
        "Run `manage.py seed_calendar` or enter the year's holidays in the admin.",
        year,
    )


def _duration(start: time, end: time) -> timedelta:
    return datetime.combine(date.min, end) - datetime.combine(date.min, start)


def _merge_periods(periods: Iterable[tuple[time, time]]) -> tuple[tuple[time, time], ...]:
    """Sort the periods and merge any that overlap or touch; drop empty ones."""
    merged: list[tuple[time, time]] = []
    for start, end in sorted(p for p in periods if p[1] > p[0]):
        if merged and start <= merged[-1][1]:
            merged[-1] = (merged[-1][0], max(end, merged[-1][1]))
        else:
            merged.append((start, end))
    return tuple(merged)


class WorkingCalendar:
    """Working days and working time, from plain facts. See the module docstring for the rules.

    ``overrides`` maps a date to whether it is worked (the ``CalendarDay`` rows). ``periods`` are
    the working hours of a working day; none means the default 08:30–12:00, 13:30–17:30.
    ``known_years`` are the years the data covers; by default the years of the overrides.
    """

    def __init__(
        self,
        overrides: Mapping[date, bool],
        periods: Iterable[tuple[time, time]] = DEFAULT_PERIODS,
        known_years: Iterable[int] | None = None,
        tz: tzinfo = SHANGHAI,
    ) -> None:
        self.overrides = dict(overrides)
        self.periods = _merge_periods(periods) or DEFAULT_PERIODS
        if known_years is None:
            known_years = {d.year for d in self.overrides}
        self.known_years = frozenset(known_years)
        self.tz = tz
        self.day_length = sum((_duration(s, e) for s, e in self.periods), timedelta(0))

    # --- days ------------------------------------------------------------------------------

    def is_workday(self, day: date) -> bool:
        worked = self.overrides.get(day)
        if worked is not None:
            return worked
        if day.year not in self.known_years:
            _warn_unknown_year(day.year)
        return day.weekday() < 5

    def unknown_years(self, today: date, ahead: timedelta = WARN_AHEAD) -> list[int]:
        """Years from ``today`` to ``today + ahead`` that the calendar has no data for."""
        return [y for y in range(today.year, (today + ahead).year + 1) if y not in self.known_years]

    def _periods_on(self, day: date) -> list[tuple[datetime, datetime]]:
        if not self.is_workday(day):
            return []
        return [
            (datetime.combine(day, s, tzinfo=self.tz), datetime.combine(day, e, tzinfo=self.tz))
            for s, e in self.periods
        ]

    def _local(self, moment: datetime) -> datetime:
        if timezone.is_naive(moment):
            raise ValueError(f"the working calendar needs aware datetimes, got {moment!r}")
        return moment.astimezone(self.tz)

    # --- working time ----------------------------------------------------------------------

    def next_working_moment(self, moment: datetime) -> datetime:
        """``moment`` if it is inside working hours, else the start of the next working period."""
        cursor = self._local(moment)
        day = cursor.date()
        while True:
            for start, end in self._periods_on(day):
                if end > cursor:
                    return max(start, cursor)
            day += timedelta(days=1)

    def add_working_time(self, start: datetime, amount: timedelta) -> datetime:
        """The earliest moment at which ``amount`` of working time has elapsed since ``start``."""
        if amount < timedelta(0):
            raise ValueError(f"cannot add a negative amount of working time: {amount}")
        cursor = self._local(start)
        if not amount:
            return cursor
        remaining = amount
        day = cursor.date()
        # Ends: every year falls back to Monday–Friday outside the finitely many override rows.
        while True:
            for period_start, period_end in self._periods_on(day):
                if period_end <= cursor:
                    continue
                begin = max(period_start, cursor)
                available = period_end - begin
                if remaining <= available:
                    return begin + remaining
                remaining -= available
            day += timedelta(days=1)

    def add_working_hours(self, start: datetime, hours: float) -> datetime:
        return self.add_working_time(start, timedelta(hours=hours))

    def add_working_days(self, start: datetime, days: int) -> datetime:
        return self.add_working_time(start, days * self.day_length)

    def add_clock_hours(self, start: datetime, hours: float) -> datetime:
        # Through UTC, so the result is right even in a zone with daylight saving time.
        return (self._local(start).astimezone(UTC) + timedelta(hours=hours)).astimezone(self.tz)

    def add(self, start: datetime, amount: int, unit: str) -> datetime:
        """``start`` plus ``amount`` of ``unit`` (a ``cases.models.TimeUnit`` value)."""
        adders: dict[str, Callable[[datetime, int], datetime]] = {
            WORK_HOURS: self.add_working_hours,
            WORK_DAYS: self.add_working_days,
            CLOCK_HOURS: self.add_clock_hours,
        }
        try:
            adder = adders[unit]
        except KeyError:
            raise ValueError(f"unknown time unit {unit!r}") from None
        return adder(start, amount)

    def working_time_between(self, a: datetime, b: datetime) -> timedelta:
        """Working time elapsed from ``a`` to ``b``; negative when ``b`` is before ``a``."""
        a, b = self._local(a), self._local(b)
        if b < a:
            return -self.working_time_between(b, a)
        total = timedelta(0)
        day = a.date()
        while day <= b.date():
            for period_start, period_end in self._periods_on(day):
                low, high = max(period_start, a), min(period_end, b)
                if high > low:
                    total += high - low
            day += timedelta(days=1)
        return total


# --- the calendar from the database ---------------------------------------------------------

# Signals invalidate the cache in this process only; the time limit bounds how long another
# process (a Celery worker, another web worker) keeps counting with rows an admin has changed.
CACHE_SECONDS = 60.0
_cache: tuple[float, WorkingCalendar] | None = None


def load_calendar() -> WorkingCalendar:
    """A fresh calendar from the ``CalendarDay`` and ``WorkingPeriod`` rows (two queries)."""
    overrides = dict(CalendarDay.objects.values_list("date", "is_workday"))
    periods = list(WorkingPeriod.objects.values_list("start", "end"))
    return WorkingCalendar(
        overrides,
        periods or DEFAULT_PERIODS,
        known_years={d.year for d in overrides},
        tz=timezone.get_default_timezone(),
    )


def get_calendar() -> WorkingCalendar:
    """The working calendar, cached in the process for up to ``CACHE_SECONDS``."""
    global _cache
    cached = _cache
    now = monotonic_clock.monotonic()
    if cached is not None and now - cached[0] < CACHE_SECONDS:
        return cached[1]
    calendar = load_calendar()
    _cache = (now, calendar)
    return calendar


def invalidate_calendar_cache() -> None:
    global _cache
    _cache = None


def _on_calendar_change(*, using: str = "default", **_kwargs: object) -> None:
    invalidate_calendar_cache()
    # Another thread may reload the old rows before this transaction commits: drop it again then.
    transaction.on_commit(invalidate_calendar_cache, using=using)


def connect_signals() -> None:
    """Invalidate the cached calendar whenever a calendar day or working period changes."""
    for model in (CalendarDay, WorkingPeriod):
        name = model.__name__
        post_save.connect(_on_calendar_change, sender=model, dispatch_uid=f"workstation.calendar.save.{name}")
        post_delete.connect(_on_calendar_change, sender=model, dispatch_uid=f"workstation.calendar.delete.{name}")


def calendar_warnings(today: date | None = None) -> list[str]:
    """Messages for admins about years, now or coming soon, that have no holiday data."""
    today = today or timezone.localdate()
    return [
        _("%(year)s 年的法定节假日安排尚未录入，按周一至周五计算工作日，请在『工作日历』中补录。") % {"year": year}
        for year in get_calendar().unknown_years(today)
    ]
