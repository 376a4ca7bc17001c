"""Page objects: what a person does on each page, by role and label (STYLE.md)."""

from __future__ import annotations

from collections.abc import Iterable

from playwright.sync_api import Page, expect

PASSWORD = "Demo@2026"  # every persona's (tests/personas.py)


class LoginPage:
    def __init__(self, page: Page) -> None:
        self.page = page

    def sign_in(self, username: str, password: str = PASSWORD) -> None:
        self.page.goto("/accounts/login/")
        self.page.get_by_label("用户名").fill(username)
        self.page.get_by_label("密码").fill(password)
        self.page.get_by_role("button", name="登录").click()
        expect(self.page.get_by_role("button", name="退出")).to_be_visible()


class TopBar:
    def __init__(self, page: Page) -> None:
        self.page = page
        self.count = page.get_by_role("status", name="未读通知")

    def open_bell(self) -> None:
        self.page.locator("details.bell > summary").click()

    def notices(self):
        return self.page.locator("#bell-menu li.notice")

    def mark_all_read(self) -> None:
        self.page.locator("#bell-menu").get_by_role("button", name="全部标为已读").click()


class WorkList:
    def __init__(self, page: Page) -> None:
        self.page = page
        self.rows = page.locator("#case-list li.case-row")

    def filter_status(self, label: str) -> None:
        self.page.get_by_label("状态").select_option(label=label)

    def open_case(self, title: str) -> None:
        self.page.get_by_role("link", name=title).click()


class MyReports:
    def __init__(self, page: Page) -> None:
        self.page = page
        self.report_button = page.get_by_role("link", name="上报", exact=True)
        self.rows = page.locator("#case-list li.case-row")


class CasePage:
    """The case page: its action buttons and small forms, the parties, a refusal."""

    def __init__(self, page: Page) -> None:
        self.page = page
        self.actions = page.get_by_role("region", name="可执行的操作")
        self.parties = page.get_by_role("region", name="当事人")
        # the case's own line under its title (a mediation round has a status line too)
        self.status = page.get_by_role("main").locator("article.case-page > .meta .status")

    def open(self, case_id: int, anchor: str = "") -> None:
        self.page.goto(f"/cases/{case_id}/{anchor}")

    def button(self, label: str):
        return self.actions.get_by_role("button", name=label, exact=True)

    def summary(self, label: str):
        """An action's disclosure (a ``<details>``' summary: it has no role)."""
        return self.actions.locator("summary").get_by_text(label, exact=True)

    def form(self, label: str):
        """The small form of one action, to find its fields by label."""
        summary = self.page.locator("summary").get_by_text(label, exact=True)  # relative to the details
        return self.actions.locator("details").filter(has=summary)

    def open_form(self, label: str):
        self.summary(label).click()
        return self.form(label)

    def refusal(self):
        return self.actions.get_by_role("alert").first


def sign_in(page: Page, username: str) -> TopBar:
    """Log in through the form as a persona (tests/personas.py); the top bar of the landing page."""
    LoginPage(page).sign_in(username)
    return TopBar(page)


class ReportPage:
    """上报 on the phone: what the worker types, picks and taps."""

    def __init__(self, page: Page) -> None:
        self.page = page
        self.suggestion = page.locator("#suggestion")
        self.previews = page.locator("#photo-previews img")
        self.pending = page.locator("#pending li")
        self.status = page.locator("#report-status")

    def open(self) -> None:
        self.page.goto("/report/")
        expect(self.page.get_by_role("heading", name="上报")).to_be_visible()

    def type_report(self, title: str, description: str, address: str = "") -> None:
        self.page.wait_for_load_state()  # the page's scripts listen before the first keystroke
        self.page.get_by_label("标题").press_sequentially(title)  # as typed: the suggestion listens to input
        self.page.get_by_label("情况描述").fill(description)
        self.page.get_by_label("地址").fill(address)

    def add_party(self, name: str, phone: str, role: str) -> None:
        party = self.page.locator("#party-forms fieldset.party").last
        if party.get_by_label("姓名").input_value():
            self.page.get_by_role("button", name="添加当事人").click()
            party = self.page.locator("#party-forms fieldset.party").last
        party.get_by_label("姓名").fill(name)
        party.get_by_label("电话").fill(phone)
        party.get_by_label("在事件中的身份").select_option(label=role)

    def attach_photo(self, name: str, content: bytes) -> None:
        self.page.get_by_label("照片").set_input_files([{"name": name, "mimeType": "image/png", "buffer": content}])

    def submit(self) -> None:
        self.page.get_by_role("button", name="提交上报").click()

    def kept_photo_count(self) -> int:
        return self.page.evaluate("document.querySelector('[name=photos]').files.length")


class IntakeDesk:
    """受理台: the chief's queue of new reports, the chosen one beside its possible duplicates."""

    def __init__(self, page: Page) -> None:
        self.page = page
        self.rows = page.locator("#intake-list li.intake-row")
        self.chosen = page.get_by_role("region", name="所选报告")

    def open(self) -> None:
        self.page.get_by_role("link", name="受理台").click()

    def duplicate(self, number: str):
        return self.chosen.locator("article.duplicate").filter(has_text=number)

    def merge_into(self, number: str, reason: str) -> None:
        card = self.duplicate(number)
        card.get_by_label("并案理由").fill(reason)
        card.get_by_role("button", name=f"并入 {number}").click()


class DispatchPlan:
    """The 4+X plan on an accepted case's page, dispatched as it is or overridden."""

    def __init__(self, page: Page) -> None:
        self.page = page
        self.region = page.get_by_role("region", name="按方案分拨")

    def dispatch_by_plan(self) -> None:
        self.region.get_by_role("button", name="按方案分拨").click()


class Inbox:
    """The department inbox (部门待办): tabs with counts, rows, and signing from a row."""

    def __init__(self, page: Page) -> None:
        self.page = page
        self.rows = page.locator("#inbox li.case-row")

    def tab(self, label: str):
        return self.page.locator("#inbox .tabs a", has_text=label)

    def count(self, label: str):
        return self.tab(label).locator(".count")

    def row(self, title: str):
        return self.rows.filter(has_text=title)


class Timeline:
    """流转记录 on the case page: one line per step, oldest first (time, what, who, reason)."""

    def __init__(self, page: Page) -> None:
        self.page = page
        self.steps = page.get_by_role("region", name="流转记录").locator("ol.timeline > li")

    def last(self):
        return self.steps.last

    def what_and_who(self) -> list[str]:
        """Each step as "<what> <who>", without its time and reason."""
        return self.steps.evaluate_all(
            """items => items.map(li => {
                const what = li.querySelector('strong').textContent.trim();
                const who = Array.from(li.childNodes).filter(n => n.nodeType === Node.TEXT_NODE)
                    .map(n => n.textContent.trim()).filter(Boolean).join(' ');
                return `${what} ${who}`;
            })"""
        )


class Decisions:
    """审批: the chief's list of pending return, extension and hold requests."""

    def __init__(self, page: Page) -> None:
        self.page = page
        self.list = page.get_by_role("region", name="待审批申请")

    def open(self) -> None:
        self.page.get_by_role("link", name="审批", exact=True).click()
        expect(self.page.get_by_role("heading", name="审批", exact=True)).to_be_visible()

    def request(self, action: str, department: str):
        """One pending request's card (``action``: 审批退单 …) by the department that asked."""
        return self.list.get_by_role("article", name=f"{action} · {department}")


class MediationPanel:
    """联合调处 on the case page: schedule a round, record what it came to, schedule the next
    from the last. Rounds are articles named 第 N 轮; each form is found by its name."""

    def __init__(self, page: Page) -> None:
        self.page = page
        self.region = page.get_by_role("region", name="联合调处")
        self.rounds = self.region.locator("article.mediation-round")

    def round(self, number: int):
        """Round ``number`` as listed: time, place, status, participants, minutes, outcome."""
        return self.region.get_by_role("article", name=f"第 {number} 轮", exact=True)

    def _form(self, name: str):
        """The form called ``name``, opened if it sits in a closed disclosure."""
        summary = self.region.locator("summary").get_by_text(name, exact=True)
        if summary.count() and not summary.locator("xpath=..").evaluate("details => details.open"):
            summary.click()
        return self.region.get_by_role("form", name=name, exact=True)

    @staticmethod
    def _moment(when) -> str:
        return when if isinstance(when, str) else when.strftime("%Y-%m-%dT%H:%M")

    def schedule(
        self,
        *,
        when,
        place: str,
        departments: Iterable[str] = (),
        outside: Iterable[tuple[str, str, str]] = (),
        submit: bool = True,
    ):
        """安排联合调处: ``when`` a datetime or "YYYY-MM-DDTHH:MM"; ``departments`` ticked besides
        those ticked already (the assigned ones); ``outside`` as (role label, name, organisation),
        e.g. ("律师", "刘律师", "浙江某某律师事务所"), a row each (添加参与人 adds one)."""
        form = self._form("安排联合调处")
        self._fill_schedule(form, when=when, place=place, departments=departments, outside=outside)
        if submit:
            form.get_by_role("button", name="安排联合调处", exact=True).click()
        return form

    def schedule_next(self, *, when, submit: bool = True):
        """安排下一轮: the form comes prefilled from the last round; only a new time is typed."""
        form = self._form("安排下一轮")
        form.get_by_label("调处时间").fill(self._moment(when))
        if submit:
            form.get_by_role("button", name="安排下一轮", exact=True).click()
        return form

    def _fill_schedule(self, form, *, when, place, departments, outside) -> None:
        form.get_by_label("调处时间").fill(self._moment(when))
        form.get_by_label("调处地点").fill(place)
        for department in departments:
            form.get_by_role("checkbox", name=department, exact=True).check()
        for role, name, organization in outside:
            row = form.locator("fieldset.outside-participant").last
            if row.get_by_label("姓名").input_value():
                form.get_by_role("button", name="添加参与人").click()
                row = form.locator("fieldset.outside-participant").last
            row.get_by_label("身份").select_option(label=role)
            row.get_by_label("姓名").fill(name)
            row.get_by_label("单位").fill(organization)

    def record(
        self,
        *,
        minutes: str,
        outcome: str,
        agreement: str = "",
        attended: Iterable[str] | None = None,
        document: dict | None = None,
        submit: bool = True,
    ):
        """记录调处结果 of the open round: ``outcome`` 达成协议 / 部分达成 / 未达成; ``attended``
        the participants who came, by name (None: as ticked, everyone); ``document`` the agreement
        file as Playwright takes it ({"name", "mimeType", "buffer"})."""
        form = self._form("记录调处结果")
        form.get_by_label("调处笔录").fill(minutes)
        if attended is not None:
            came = set(attended)
            boxes = form.locator("fieldset.attendance input[type=checkbox]")
            for index in range(boxes.count()):
                box = boxes.nth(index)
                box.set_checked(box.get_attribute("data-name") in came)
        form.get_by_role("radio", name=outcome, exact=True).check()
        if agreement:
            form.get_by_label("协议内容").fill(agreement)
        if document is not None:
            form.get_by_label("调解协议书").set_input_files([document])
        if submit:
            form.get_by_role("button", name="记录调处结果", exact=True).click()
        return form
