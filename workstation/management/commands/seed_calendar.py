"""Fill the working calendar (``CalendarDay``) from the chinesecalendar package.

1. Every holiday the package lists becomes a rest-day row named in Chinese (春节, 国庆节 …), and
   every make-up working day a working-day row (春节调休上班 …), with ``source="package"``.
2. Rows an admin entered or corrected (``source="admin"``) are never touched: admin wins.
3. Package rows in the seeded years that the package no longer lists are deleted, so a newer
   package version can correct an older one.

Running it twice changes nothing the second time. Years the package does not know (it stops at
its last published year) are refused: enter those in the admin's 工作日历 instead.
"""

from datetime import date

import chinese_calendar
from chinese_calendar import constants
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import transaction

from workstation.calendar import invalidate_calendar_cache
from workstation.models import CalendarDay

# The package's own Chinese names are short forms (清明, 端午); ours read as on the notices.
HOLIDAY_NAMES = {
    "New Year's Day": "元旦",
    "Spring Festival": "春节",
    "Tomb-sweeping Day": "清明节",
    "Labour Day": "劳动节",
    "Dragon Boat Festival": "端午节",
    "Mid-autumn Festival": "中秋节",
    "National Day": "国庆节",
    "Anti-Fascist 70th Day": "抗战胜利70周年纪念日",
}
MAKE_UP_SUFFIX = "调休上班"


def chinese_name(english: str) -> str:
    if english in HOLIDAY_NAMES:
        return HOLIDAY_NAMES[english]
    try:
        return constants.Holiday(english).chinese
    except ValueError:
        return english


def package_years() -> list[int]:
    return sorted({d.year for d in constants.holidays} | {d.year for d in constants.workdays})


def package_days(years: set[int]) -> dict[date, tuple[bool, str]]:
    """``{date: (is_workday, name)}`` for the package's holidays and make-up days in ``years``."""
    days = {d: (False, chinese_name(n)) for d, n in constants.holidays.items() if d.year in years}
    days |= {d: (True, chinese_name(n) + MAKE_UP_SUFFIX) for d, n in constants.workdays.items() if d.year in years}
    return days


def parse_years(value: str) -> set[int]:
    """``2026``, ``2024-2026`` or ``2024,2026``."""
    years: set[int] = set()
    try:
        for part in value.split(","):
            first, _, last = part.strip().partition("-")
            years.update(range(int(first), int(last or first) + 1))
    except ValueError:
        raise CommandError(f"--years 应形如 2026、2024-2026 或 2024,2026，而不是 {value!r}") from None
    return years


class Command(BaseCommand):
    help = "从 chinesecalendar 包导入法定节假日和调休上班日；不覆盖管理员维护的日期。"

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--years", help="如 2024-2026；默认导入包里的全部年份")

    def handle(self, *args: object, years: str | None = None, **options: object) -> None:
        known = package_years()
        wanted_years = parse_years(years) if years else set(known)
        missing = sorted(wanted_years - set(known))
        if missing:
            raise CommandError(
                f"chinesecalendar {chinese_calendar.__version__} 没有 {', '.join(map(str, missing))} 年的数据"
                f"（收录 {known[0]}–{known[-1]} 年），请在『工作日历』中手工录入。"
            )

        wanted = package_days(wanted_years)
        with transaction.atomic():
            existing = {
                row.date: row
                for row in CalendarDay.objects.select_for_update().filter(date__year__in=sorted(wanted_years))
            }
            to_create, to_update, kept = [], [], 0
            for day, (is_workday, name) in sorted(wanted.items()):
                row = existing.get(day)
                if row is None:
                    to_create.append(
                        CalendarDay(date=day, is_workday=is_workday, name=name, source=CalendarDay.Source.PACKAGE)
                    )
                elif row.source == CalendarDay.Source.ADMIN:
                    kept += 1
                elif (row.is_workday, row.name) != (is_workday, name):
                    row.is_workday, row.name = is_workday, name
                    to_update.append(row)
            package_rows = {day: row for day, row in existing.items() if row.source == CalendarDay.Source.PACKAGE}
            stale = [row.pk for day, row in package_rows.items() if day not in wanted]
            # A row an admin adds meanwhile makes a conflict; theirs wins, like every admin row.
            CalendarDay.objects.bulk_create(to_create, ignore_conflicts=True)
            CalendarDay.objects.bulk_update(to_update, ["is_workday", "name"])
            CalendarDay.objects.filter(pk__in=stale).delete()
            # Bulk writes send no signals.
            transaction.on_commit(invalidate_calendar_cache)
        invalidate_calendar_cache()

        span = f"{min(wanted_years)}–{max(wanted_years)}"
        self.stdout.write(
            f"工作日历 {span}：新增 {len(to_create)} 天，更新 {len(to_update)} 天，"
            f"删除 {len(stale)} 天，保留管理员维护的 {kept} 天。"
        )
