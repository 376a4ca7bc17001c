"""The working calendar: official 2026 holidays, working-time arithmetic, the seeder and the cache.

Dates are the real 2026 schedule as chinesecalendar 1.11 has it: Spring Festival rest 02-15 … 02-23
with make-up working Saturdays 02-14 and 02-28; Mid-autumn rest 09-25 … 09-27, National Day rest
10-01 … 10-07, with make-up working days Sunday 09-20 and Saturday 10-10. 2027 is unknown to it.
"""

import logging
from datetime import date, datetime, time, timedelta
from io import StringIO
from zoneinfo import ZoneInfo

import pytest
from django.core.management import CommandError, call_command

from workstation import calendar as working_calendar
from workstation.calendar import WorkingCalendar, calendar_warnings, get_calendar
from workstation.management.commands.seed_calendar import package_days, package_years
from workstation.models import CalendarDay, WorkingPeriod

SH = ZoneInfo("Asia/Shanghai")
HOUR = timedelta(hours=1)
DAY = timedelta(hours=7.5)  # one working day with the default hours


def at(y: int, m: int, d: int, hh: int = 0, mm: int = 0) -> datetime:
    return datetime(y, m, d, hh, mm, tzinfo=SH)


@pytest.fixture(autouse=True)
def _fresh_calendar_state(monkeypatch):
    """No calendar cached by an earlier test (its rows were rolled back), no warning already given."""
    monkeypatch.setattr(working_calendar, "_warned_years", set())
    working_calendar.invalidate_calendar_cache()
    yield
    working_calendar.invalidate_calendar_cache()


@pytest.fixture(scope="module")
def cal() -> WorkingCalendar:
    """The package's calendar, without a database: what `seed_calendar` would store."""
    days = package_days(set(package_years()))
    return WorkingCalendar({d: worked for d, (worked, _name) in days.items()}, known_years=package_years())


def seed(*args: str) -> str:
    out = StringIO()
    call_command("seed_calendar", *args, stdout=out)
    return out.getvalue()


# --- which days are worked ---------------------------------------------------------------------


@pytest.mark.parametrize(
    ("day", "worked"),
    [
        (date(2026, 2, 13), True),  # Friday before the festival
        (date(2026, 2, 14), True),  # make-up working Saturday
        (date(2026, 2, 15), False),  # Spring Festival …
        (date(2026, 2, 18), False),
        (date(2026, 2, 23), False),  # … through Monday 02-23
        (date(2026, 2, 24), True),
        (date(2026, 2, 28), True),  # make-up working Saturday
        (date(2026, 3, 1), False),  # ordinary Sunday
        (date(2026, 9, 20), True),  # make-up working Sunday
        (date(2026, 9, 25), False),  # Mid-autumn Festival (a Friday)
        (date(2026, 10, 1), False),
        (date(2026, 10, 7), False),  # last day of National Day
        (date(2026, 10, 8), True),
        (date(2026, 10, 10), True),  # make-up working Saturday
        (date(2026, 10, 11), False),
    ],
)
def test_is_workday_follows_the_2026_official_schedule(cal, day, worked):
    assert cal.is_workday(day) is worked


# --- working-time arithmetic -------------------------------------------------------------------


def test_one_working_day_is_the_same_time_on_the_next_working_day(cal):
    assert cal.add_working_days(at(2026, 1, 9, 16), 1) == at(2026, 1, 12, 16)  # Fri → Mon
    assert cal.add(at(2026, 1, 9, 16), 1, "work_days") == at(2026, 1, 12, 16)


def test_a_start_outside_working_hours_counts_from_the_next_working_moment(cal):
    assert cal.add_working_days(at(2026, 1, 9, 18), 1) == at(2026, 1, 12, 17, 30)  # Fri evening
    assert cal.add_working_hours(at(2026, 1, 10, 10), 2) == at(2026, 1, 12, 10, 30)  # Saturday
    assert cal.add_working_hours(at(2026, 1, 12, 7), 1) == at(2026, 1, 12, 9, 30)  # before 08:30
    assert cal.next_working_moment(at(2026, 1, 9, 18)) == at(2026, 1, 12, 8, 30)
    assert cal.next_working_moment(at(2026, 1, 12, 9)) == at(2026, 1, 12, 9)


def test_the_lunch_break_is_not_working_time(cal):
    assert cal.add_working_hours(at(2026, 1, 12, 11), 2) == at(2026, 1, 12, 14, 30)
    assert cal.add_working_hours(at(2026, 1, 12, 12, 30), 1) == at(2026, 1, 12, 14, 30)
    assert cal.working_time_between(at(2026, 1, 12, 11), at(2026, 1, 12, 14)) == 1.5 * HOUR
    # A due time that reaches the end of a period stays there rather than jumping to 13:30.
    assert cal.add_working_hours(at(2026, 1, 12, 8, 30), 3.5) == at(2026, 1, 12, 12)


def test_deadlines_skip_the_spring_festival_and_use_make_up_saturdays(cal):
    start = at(2026, 2, 13, 10)  # Friday
    assert cal.add_working_days(start, 1) == at(2026, 2, 14, 10)  # make-up Saturday
    assert cal.add_working_days(start, 2) == at(2026, 2, 24, 10)  # after the nine days of rest
    assert cal.add_working_days(start, 6) == at(2026, 2, 28, 10)  # the second make-up Saturday
    assert cal.working_time_between(at(2026, 2, 14, 17, 30), at(2026, 2, 24, 8, 30)) == timedelta(0)


def test_deadlines_skip_mid_autumn_and_national_day(cal):
    assert cal.add_working_days(at(2026, 9, 18, 9), 1) == at(2026, 9, 20, 9)  # Fri → make-up Sunday
    assert cal.add_working_days(at(2026, 9, 24, 17), 1) == at(2026, 9, 28, 17)  # 09-25 is Mid-autumn
    assert cal.add_working_days(at(2026, 9, 30, 15), 1) == at(2026, 10, 8, 15)
    assert cal.add_working_days(at(2026, 9, 30, 15), 3) == at(2026, 10, 10, 15)  # make-up Saturday


def test_clock_hours_ignore_the_calendar(cal):
    assert cal.add(at(2026, 2, 16, 10), 4, "clock_hours") == at(2026, 2, 16, 14)  # on a holiday
    assert cal.add(at(2026, 1, 9, 22), 24, "clock_hours") == at(2026, 1, 10, 22)  # into Saturday
    result = cal.add(datetime(2026, 1, 9, 14, tzinfo=ZoneInfo("UTC")), 2, "clock_hours")
    assert result == at(2026, 1, 10, 0)
    assert result.utcoffset() == 8 * HOUR  # returned in Asia/Shanghai


@pytest.mark.parametrize(
    "start",
    [
        at(2026, 1, 12, 9, 17),  # inside a period
        at(2026, 1, 12, 12, 40),  # lunch
        at(2026, 1, 12, 17, 30),  # exactly the end of the day
        at(2026, 1, 9, 23, 59),  # Friday night
        at(2026, 2, 14, 16),  # make-up Saturday
        at(2026, 2, 17, 10),  # Spring Festival
        at(2026, 9, 30, 17, 29),  # the minute before National Day
    ],
)
@pytest.mark.parametrize(
    "amount",
    [timedelta(0), timedelta(minutes=1), HOUR, 3.5 * HOUR, DAY, 16 * HOUR, 5 * DAY, 15 * DAY],
)
def test_adding_then_measuring_gives_back_the_amount(cal, start, amount):
    due = cal.add_working_time(start, amount)
    assert cal.working_time_between(start, due) == amount
    assert cal.working_time_between(due, start) == -amount
    assert due.tzinfo is not None and due.utcoffset() == 8 * HOUR


def test_working_time_for_the_80_percent_warning(cal):
    start = at(2026, 9, 29, 9)  # Tuesday; then 09-30, 10-08, 10-09, 10-10 (Saturday), 10-12
    due = cal.add_working_days(start, 5)
    assert due == at(2026, 10, 12, 9)
    elapsed = cal.working_time_between(start, at(2026, 10, 9, 12))
    assert elapsed == (7 + 7.5 + 7.5 + 3.5) * HOUR  # the holidays in between count nothing
    assert elapsed / cal.working_time_between(start, due) == pytest.approx(0.68)


def test_naive_datetimes_and_unknown_units_are_refused(cal):
    with pytest.raises(ValueError, match="aware"):
        cal.add_working_hours(datetime(2026, 1, 12, 9), 1)
    with pytest.raises(ValueError, match="unit"):
        cal.add(at(2026, 1, 12, 9), 1, "fortnights")
    with pytest.raises(ValueError, match="negative"):
        cal.add_working_hours(at(2026, 1, 12, 9), -1)


def test_custom_working_hours():
    cal = WorkingCalendar({}, [(time(9), time(17))], known_years={2026})
    assert cal.day_length == 8 * HOUR
    assert cal.add_working_days(at(2026, 1, 9, 16), 1) == at(2026, 1, 12, 16)
    assert cal.add_working_hours(at(2026, 1, 12, 16), 2) == at(2026, 1, 13, 10)


# --- years the data does not know ------------------------------------------------------------


def test_a_deadline_into_an_unknown_year_counts_monday_to_friday_and_warns_once(cal, caplog):
    caplog.set_level(logging.WARNING, logger="workstation.calendar")
    start = at(2026, 12, 24, 10)  # Thursday
    # 12-25, 28, 29, 30, 31, then 2027: Fri 01-01 (no data, so a working day), 04 … 08, 11 … 14.
    assert cal.add_working_days(start, 15) == at(2027, 1, 14, 10)
    assert cal.add_working_days(start, 10) == at(2027, 1, 7, 10)
    assert cal.working_time_between(start, at(2027, 1, 14, 10)) == 15 * DAY
    warnings = [r for r in caplog.records if r.name == "workstation.calendar"]
    assert len(warnings) == 1
    assert warnings[0].levelno == logging.WARNING and "2027" in warnings[0].getMessage()


def test_unknown_years_looks_three_months_ahead(cal):
    assert cal.unknown_years(date(2026, 6, 1)) == []
    assert cal.unknown_years(date(2026, 11, 1)) == [2027]
    assert cal.unknown_years(date(2027, 3, 1)) == [2027]


# --- the seeder ----------------------------------------------------------------------------------


@pytest.mark.django_db
def test_seed_calendar_stores_the_package_days_with_chinese_names():
    seed("--years", "2026")
    rows = {r.date: r for r in CalendarDay.objects.all()}
    assert {d.year for d in rows} == {2026}
    assert len(rows) == len(package_days({2026}))
    assert (rows[date(2026, 2, 14)].is_workday, rows[date(2026, 2, 14)].name) == (True, "春节调休上班")
    assert (rows[date(2026, 2, 17)].is_workday, rows[date(2026, 2, 17)].name) == (False, "春节")
    assert rows[date(2026, 9, 20)].name == "国庆节调休上班"
    assert rows[date(2026, 9, 25)].name == "中秋节"
    assert rows[date(2026, 10, 1)].name == "国庆节"
    assert rows[date(2026, 4, 6)].name == "清明节"
    assert {r.source for r in rows.values()} == {CalendarDay.Source.PACKAGE}


@pytest.mark.django_db
def test_seed_calendar_is_idempotent():
    seed("--years", "2025-2026")
    before = list(CalendarDay.objects.values_list("id", "date", "is_workday", "name", "source"))
    out = seed("--years", "2025-2026")
    assert "新增 0 天，更新 0 天，删除 0 天" in out
    assert list(CalendarDay.objects.values_list("id", "date", "is_workday", "name", "source")) == before


@pytest.mark.django_db
def test_seed_calendar_corrects_its_own_rows_but_never_an_admin_row():
    seed("--years", "2026")
    # An admin decides the make-up Saturday 10-10 is a rest day after all, and adds a local one.
    CalendarDay.objects.filter(date=date(2026, 10, 10)).update(
        is_workday=False, name="区里统一安排休息", source=CalendarDay.Source.ADMIN
    )
    CalendarDay.objects.create(date=date(2026, 3, 2), is_workday=False, name="防汛调休")
    # A package row the package no longer lists, and one whose name was damaged.
    CalendarDay.objects.create(date=date(2026, 3, 3), is_workday=False, source=CalendarDay.Source.PACKAGE)
    CalendarDay.objects.filter(date=date(2026, 10, 1)).update(name="?")

    out = seed("--years", "2026")

    assert "更新 1 天，删除 1 天，保留管理员维护的 1 天" in out
    admin_row = CalendarDay.objects.get(date=date(2026, 10, 10))
    assert (admin_row.is_workday, admin_row.name, admin_row.source) == (False, "区里统一安排休息", "admin")
    assert CalendarDay.objects.get(date=date(2026, 3, 2)).source == CalendarDay.Source.ADMIN
    assert not CalendarDay.objects.filter(date=date(2026, 3, 3)).exists()
    assert CalendarDay.objects.get(date=date(2026, 10, 1)).name == "国庆节"
    assert get_calendar().is_workday(date(2026, 10, 10)) is False  # the admin row wins


@pytest.mark.django_db
def test_seed_calendar_refuses_years_the_package_does_not_know():
    with pytest.raises(CommandError, match="2027"):
        seed("--years", "2026-2027")
    assert not CalendarDay.objects.exists()


# --- the calendar from the database ----------------------------------------------------------


@pytest.mark.django_db
def test_get_calendar_is_cached_and_an_admin_edit_invalidates_it(django_assert_num_queries):
    seed("--years", "2026")
    monday = date(2026, 3, 2)
    first = get_calendar()
    assert first.is_workday(monday)
    with django_assert_num_queries(0):
        assert get_calendar() is first

    day = CalendarDay.objects.create(date=monday, is_workday=False, name="防汛调休")  # admin adds
    assert get_calendar().is_workday(monday) is False

    day.is_workday = True  # admin corrects
    day.save()
    assert get_calendar().is_workday(monday) is True

    CalendarDay.objects.get(date=date(2026, 2, 28)).delete()  # admin removes a make-up Saturday
    assert get_calendar().is_workday(date(2026, 2, 28)) is False


@pytest.mark.django_db
def test_get_calendar_uses_working_periods_and_defaults_without_them():
    assert get_calendar().periods == ((time(8, 30), time(12)), (time(13, 30), time(17, 30)))
    WorkingPeriod.objects.create(start=time(9), end=time(12))
    WorkingPeriod.objects.create(start=time(14), end=time(18))
    cal = get_calendar()
    assert cal.day_length == 7 * HOUR
    assert cal.add_working_hours(at(2026, 1, 12, 11), 2) == at(2026, 1, 12, 15)


@pytest.mark.django_db
def test_admin_entering_next_years_holiday_makes_the_year_known(caplog):
    seed("--years", "2026")
    CalendarDay.objects.create(date=date(2027, 1, 1), is_workday=False, name="元旦")
    caplog.set_level(logging.WARNING, logger="workstation.calendar")
    assert get_calendar().add_working_days(at(2026, 12, 24, 10), 15) == at(2027, 1, 15, 10)
    assert not [r for r in caplog.records if r.name == "workstation.calendar"]


@pytest.mark.django_db
def test_calendar_warnings_name_the_missing_years():
    assert len(calendar_warnings(date(2026, 11, 20))) == 2  # nothing seeded: 2026 and 2027
    seed("--years", "2026")
    assert calendar_warnings(date(2026, 6, 1)) == []
    assert calendar_warnings(date(2026, 11, 20)) == [
        "2027 年的法定节假日安排尚未录入，按周一至周五计算工作日，请在『工作日历』中补录。"
    ]
