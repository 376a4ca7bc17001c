"""Periods of the dashboard: their spans in Asia/Shanghai, 环比 and 同比, buckets, parameters."""

import datetime as dt
from zoneinfo import ZoneInfo

import pytest

from dashboard.periods import Period, PeriodError, parse_period

TZ = ZoneInfo("Asia/Shanghai")
TODAY = dt.date(2026, 11, 29)


def test_a_month_is_half_open_at_local_midnight():
    november = Period.containing("month", dt.date(2026, 11, 17))
    assert november.start == dt.datetime(2026, 11, 1, tzinfo=TZ)
    assert november.end == dt.datetime(2026, 12, 1, tzinfo=TZ)
    assert november.contains(dt.datetime(2026, 11, 30, 23, 59, tzinfo=TZ))
    assert not november.contains(dt.datetime(2026, 11, 30, 16, 0, tzinfo=dt.UTC))  # 1 Dec 00:00 local


@pytest.mark.parametrize(
    ("kind", "day", "previous", "year_ago"),
    [
        ("day", "2028-02-29", ("2028-02-28", "2028-02-28"), ("2027-02-28", "2027-02-28")),
        ("week", "2026-11-25", ("2026-11-16", "2026-11-22"), ("2025-11-24", "2025-11-30")),
        ("month", "2026-01-15", ("2025-12-01", "2025-12-31"), ("2025-01-01", "2025-01-31")),
        ("quarter", "2026-05-01", ("2026-01-01", "2026-03-31"), ("2025-04-01", "2025-06-30")),
        ("year", "2026-07-01", ("2025-01-01", "2025-12-31"), ("2025-01-01", "2025-12-31")),
    ],
)
def test_previous_and_a_year_ago(kind, day, previous, year_ago):
    period = Period.containing(kind, dt.date.fromisoformat(day))
    assert (period.previous().first.isoformat(), period.previous().last.isoformat()) == previous
    assert (period.year_ago().first.isoformat(), period.year_ago().last.isoformat()) == year_ago


def test_a_custom_range_compares_with_as_many_days_before():
    period = Period.custom(dt.date(2026, 11, 10), dt.date(2026, 11, 19))
    assert (period.previous().first, period.previous().last) == (dt.date(2026, 10, 31), dt.date(2026, 11, 9))
    assert period.year_ago() == Period.custom(dt.date(2025, 11, 10), dt.date(2025, 11, 19))


def test_buckets_are_cut_to_the_period():
    november = Period.containing("month", TODAY)
    weeks = november.buckets("week")
    assert (weeks[0].first, weeks[0].last) == (dt.date(2026, 11, 1), dt.date(2026, 11, 1))  # a Sunday
    assert (weeks[-1].first, weeks[-1].last) == (dt.date(2026, 11, 30), dt.date(2026, 11, 30))
    assert len(november.buckets("day")) == 30
    assert [b.label for b in Period.containing("year", TODAY).buckets("month")][:2] == ["2026-01", "2026-02"]


def test_parameters():
    assert parse_period({}, today=TODAY) == Period.containing("month", TODAY)
    assert parse_period({"period": "week", "date": "2026-11-25"}, today=TODAY).first == dt.date(2026, 11, 23)
    got = parse_period({"period": "custom", "start": "2026-11-01", "end": "2026-11-10"}, today=TODAY)
    assert got.days == 10 and got.as_params() == {"period": "custom", "start": "2026-11-01", "end": "2026-11-10"}


@pytest.mark.parametrize(
    ("params", "field"),
    [
        ({"period": "decade"}, "period"),
        ({"period": "month", "date": "2026-13-01"}, "date"),
        ({"period": "custom", "end": "2026-11-10"}, "start"),
        ({"period": "custom", "start": "2026-11-10", "end": "2026-11-01"}, "end"),
        ({"period": "custom", "start": "2020-01-01", "end": "2026-01-01"}, "end"),
    ],
)
def test_bad_parameters_say_which_and_why(params, field):
    with pytest.raises(PeriodError) as refused:
        parse_period(params, today=TODAY)
    assert field in refused.value.errors
