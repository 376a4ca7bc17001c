"""The work list as an Excel export: the same cases, through the same gate and filters.

Personal data is masked whoever exports (a spreadsheet travels further than a page): the
contact's name and phone as 张** and 138****1234; parties and addresses are not written.
"""

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from cases.api.filters import CaseFilter
from cases.masking import mask_name, mask_phone
from cases.selectors import CASE_ROW, work_list
from exports.registry import ExportInputError, Table, as_query, register

CASE_COLUMNS = (
    gettext_lazy("编号"),
    gettext_lazy("标题"),
    gettext_lazy("工作站"),
    gettext_lazy("网格"),
    gettext_lazy("类别"),
    gettext_lazy("来源"),
    gettext_lazy("紧急程度"),
    gettext_lazy("状态"),
    gettext_lazy("督办等级"),
    gettext_lazy("主办部门"),
    gettext_lazy("上报时间"),
    gettext_lazy("办理期限"),
    gettext_lazy("办结时间"),
    gettext_lazy("返工次数"),
    gettext_lazy("来源联系人"),
    gettext_lazy("来源联系电话"),
)
# Rows read from the database per round trip while writing.
CHUNK = 2000


def _row(case) -> tuple:
    return (
        case.number,
        case.title,
        case.station.name,
        case.grid.name if case.grid else "",
        str(case.category) if case.category else "",
        case.get_source_display(),
        case.get_urgency_display(),
        case.get_status_display(),
        case.get_ladder_display(),
        case.lead_department.name if case.lead_department else "",
        case.reported_at,
        case.handle_due_at,
        case.resolved_at,
        case.rework_count,
        mask_name(case.reporter_name),
        mask_phone(case.reporter_phone),
    )


def _described(filterset: CaseFilter) -> list[str]:
    lines = []
    for name, value in filterset.form.cleaned_data.items():
        if value in (None, "", [], ()):
            continue
        label = filterset.filters[name].label or name
        shown = ", ".join(map(str, value)) if isinstance(value, list | tuple) else str(value)
        lines.append(f"{label}: {shown}")
    return lines


@register("cases", gettext_lazy("案件列表"))
def case_list(user, params: dict[str, list[str]]) -> Table:
    """The cases of the user's work list (the access gate) narrowed by the API's case filters."""
    filterset = CaseFilter(as_query(params), queryset=work_list(user))
    if not filterset.is_valid():
        raise ExportInputError({name: list(errors) for name, errors in filterset.errors.items()})
    cases = filterset.qs.select_related(*CASE_ROW).order_by("-reported_at", "-id")
    count = cases.count()
    return Table(
        title=_("案件列表"),
        columns=[str(column) for column in CASE_COLUMNS],
        rows=(_row(case) for case in cases.iterator(chunk_size=CHUNK)),
        count=count,
        described=_described(filterset),
    )
