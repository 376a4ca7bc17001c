"""Every table of the dashboard page as an Excel export (registered in ``exports.registry``):
the same period, scope and table the page shows, through the same reach."""

from django.utils.translation import gettext as _

from dashboard.page import TABLES, one_table
from dashboard.tables import TITLES
from exports.registry import ExportInputError, Table, as_query, register


def _builder(key: str):
    def build(user, params: dict[str, list[str]]) -> Table:
        asked, table = one_table(user, as_query(params), key)
        if asked.errors:
            raise ExportInputError(asked.errors)
        period, scope = asked.period, asked.scope
        described = [f"{_('统计周期')}: {period.label}"]
        described += [f"{name}: {value}" for name, value in scope.as_params().items()]
        return Table(
            title=f"{table.title} {period.label}",
            columns=table.columns,
            rows=[row.cells for row in table.rows],
            count=len(table.rows),
            described=described,
        )

    return build


for _key in TABLES:
    register(f"dashboard-{_key}", TITLES[_key])(_builder(_key))
