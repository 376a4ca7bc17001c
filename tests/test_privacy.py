"""Need to know (issue 13 item 2) and the view log (item 3).

The policy is tested as a table: each viewer of one case, through the real API, against each kind
of personal data — full or masked — then how full access ends (a department's part done, waived,
returned, the lead's resolution, the case closed past the window), confidential reports, the
masking rules, and the view log: what it records, that it costs one INSERT per request, that the
database refuses to rewrite it, and that admins read it filtered by user and case.
"""

from datetime import timedelta

import pytest
import time_machine
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import IntegrityError, connection, transaction
from django.test import Client

from cases import privacy, viewlog
from cases.masking import mask_address, mask_id_number, mask_name, mask_phone
from cases.models import AccessKind, Case, PersonalDataAccess
from cases.services import dispatching, handling, mediation
from cases.services.intake import PartyInput, case_report
from cases.services.mediation import ParticipantInput
from governance import clock
from tests.api_helpers import get
from tests.personas import report_ac_dispute, walk_to
from tests.uploads import jpeg

NAME, PHONE, ID_NUMBER = "张建国", "13912345678", "330106199001191234"
HOME = "紫金凰小区3幢2单元501室"
ADDRESS = "杭州市上城区紫金凰小区3幢2单元501室"
REPORTER, REPORTER_PHONE = "陈秀英", "13700001111"

FULL, MASKED = "full", "masked"
KINDS = [str(k) for k in privacy.PersonalData]


def file_case(w, *, actor=None, confidential=False) -> Case:
    """The air-conditioner dispute with every kind of personal data: a party with phone, ID
    number and home, the case's address, a source contact, a scene photo."""
    photo = SimpleUploadedFile("现场.jpg", jpeg(), content_type="image/jpeg")  # a real one: uploads are decoded
    return case_report(
        actor=actor or w.wang,
        station=w.station,
        grid=w.grid,
        title="紫金凰小区空调外机噪音纠纷",
        description="楼上空调外机噪音、滴水扰民",
        address=ADDRESS,
        parties=[PartyInput(name=NAME, role="complainant", phone=PHONE, id_number=ID_NUMBER, address=HOME)],
        files=[photo],
        reporter_name=REPORTER,
        reporter_phone=REPORTER_PHONE,
        reporter_confidential=confidential,
    )


def working_case(w, **extra) -> Case:
    """Filed by wang, dispatched jointly (lead 调解; co 执法, 公安, 应急 whose liaison yingji is
    summoned), signed by the lead, with a mediation round naming the party."""
    case = dispatching.case_accept(file_case(w, **extra).pk, actor=w.zhang)
    co = [w.dept.enforcement.pk, w.dept.police.pk, w.dept.emergency.pk]
    dispatching.case_dispatch(case.pk, actor=w.zhang, co_ids=co, reason="需应急管理配合")
    handling.assignment_sign(case.pk, actor=w.tiaojie)
    mediation.mediation_schedule(
        case.pk,
        actor=w.tiaojie,
        scheduled_at=clock.now() + timedelta(days=2),
        place="调解室",
        participants=[ParticipantInput(role="party", name=NAME), ParticipantInput(role="lawyer", name="钱律师")],
    )
    return Case.objects.get(pk=case.pk)


def observed(user, case: Case) -> dict[str, str]:
    """What ``user`` is shown of each kind, read from the API: full or masked."""
    body = get(user, f"/api/cases/{case.pk}/").json()
    party = body["parties"][0]
    participants = get(user, f"/api/cases/{case.pk}/mediations/").json()["results"][0]["participants"]
    party_participant = next(p for p in participants if p["role"] == "party")
    photo = body["attachments"][0]
    download = Client()
    download.force_login(user)
    status = download.get(f"/api/cases/{case.pk}/attachments/{photo['id']}/download/").status_code
    seen = {
        "people": (party["name"], party["phone"]) == (NAME, PHONE),
        "id_numbers": party["id_number"] == ID_NUMBER,
        "addresses": (body["address"], party["address"]) == (ADDRESS, HOME),
        "reporter": (body["reporter_name"], body["reporter_phone"]) == (REPORTER, REPORTER_PHONE),
        "photos": status == 200 and photo["withheld"] is False,
        "mediation": party_participant["name"] == NAME,
    }
    # Masked means masked as DESIGN §9 says, not merely "not the full value".
    masked_forms = {
        "people": (party["name"], party["phone"]) == ("张某", "139****5678"),
        "id_numbers": party["id_number"] == "330***********1234",
        "addresses": (body["address"], party["address"]) == ("杭州市上城区紫金凰小区3幢***", "紫金凰小区3幢***"),
        "reporter": (body["reporter_name"], body["reporter_phone"]) in {("陈某", "137****1111"), ("", "")},
        "photos": status == 403 and photo["withheld"] is True and photo["download_url"] is None,
        "mediation": party_participant["name"] == "张某",
    }
    for kind in KINDS:
        assert seen[kind] or masked_forms[kind], (kind, body)
    # Lawyers, mediators and department representatives act in office: always named.
    assert any(p["name"] == "钱律师" for p in participants)
    return {kind: FULL if seen[kind] else MASKED for kind in KINDS}


def row(*full: str) -> dict[str, str]:
    return {kind: FULL if kind in full else MASKED for kind in KINDS}


EVERYTHING = KINDS
BUT_ID = [k for k in KINDS if k != "id_numbers"]

# viewer × kind → full / masked (DESIGN §9 and issue 13 item 2), while the case is worked.
TABLE = {
    "zhang": row(*EVERYTHING),  # chief of the station
    "tiaojie": row(*EVERYTHING),  # lead department, assignment live (signed)
    "zhifa": row(*BUT_ID),  # co-department, assignment live (pending)
    "yingji": row(*BUT_ID),  # liaison officer summoned to the case, summons open
    "wang": row(*EVERYTHING),  # the grid worker who filed it
    "lingdao": row(),  # the district's leader
}


@pytest.mark.parametrize("persona", list(TABLE))
def test_who_sees_what_while_the_case_is_worked(world, persona):
    case = working_case(world)
    assert observed(getattr(world, persona), case) == TABLE[persona]


def test_a_grid_worker_sees_masked_data_on_what_another_filed_in_their_grid(world):
    case = working_case(world, actor=world.zhang)  # a walk-in the chief typed, in wang's grid
    assert observed(world.wang, case) == row()


def test_the_policy_is_the_same_for_one_case_and_for_a_list_row(world):
    """A list reads the policy's facts in its query (annotations); a detail from its rows."""
    case = working_case(world)
    for persona in TABLE:
        user = getattr(world, persona)
        listed = privacy.with_visibility_facts(Case.objects.filter(pk=case.pk), user).get()
        alone = Case.objects.get(pk=case.pk)
        assert privacy.visibility(user, listed) == privacy.visibility(user, alone), persona


# --- When full access ends ------------------------------------------------------------------------


def test_a_co_department_goes_masked_once_its_part_is_recorded(world):
    case = working_case(world)
    handling.assignment_sign(case.pk, actor=world.zhifa)
    assert observed(world.zhifa, case) == row(*BUT_ID)
    handling.part_record(case.pk, actor=world.zhifa, text="已到场核实")
    assert observed(world.zhifa, case) == row()


def test_a_co_department_goes_masked_once_its_part_is_waived(world):
    case = working_case(world)
    police = case.assignments.get(department=world.dept.police)
    handling.part_waive(case.pk, actor=world.zhang, assignment_id=police.pk, reason="公安无需到场")
    assert observed(world.gongan, case) == row()


def test_a_returned_department_no_longer_sees_the_case_at_all(world):
    case = working_case(world)
    request = handling.return_request(case.pk, actor=world.tiaojie, reason="非调解事项，应由执法主办")
    handling.return_decide(case.pk, actor=world.zhang, request_id=request.pk, approve=True)
    assert get(world.tiaojie, f"/api/cases/{case.pk}/").status_code == 404


def test_the_lead_goes_masked_once_it_has_resolved_and_the_chief_keeps_full_data(world):
    case = working_case(world)
    for co in (world.zhifa, world.gongan):
        handling.assignment_sign(case.pk, actor=co)
        handling.part_record(case.pk, actor=co, text="已配合")
    emergency = case.assignments.get(department=world.dept.emergency)
    handling.part_waive(case.pk, actor=world.zhang, assignment_id=emergency.pk, reason="无需到场")
    handling.case_resolve(case.pk, actor=world.tiaojie, text="外机已移位")
    assert observed(world.tiaojie, case) == row()
    assert observed(world.zhang, case) == row(*EVERYTHING)


@pytest.mark.parametrize(
    ("days_after_close", "chief", "filer"),
    [(1, row(*EVERYTHING), row(*EVERYTHING)), (8, row(), row())],
)
def test_a_closed_case_goes_masked_for_everyone_after_the_window(world, days_after_close, chief, filer):
    case = walk_to(world, "closed")
    moment = Case.objects.get(pk=case.pk).closed_at + timedelta(days=days_after_close)
    with time_machine.travel(moment, tick=False):
        for user, expected in ((world.zhang, chief), (world.wang, filer)):
            shown = privacy.visibility(user, Case.objects.get(pk=case.pk))
            assert row(*shown.full) == expected


def test_the_window_is_a_setting(world, settings):
    case = walk_to(world, "closed")
    settings.PERSONAL_DATA_DAYS_AFTER_CLOSE = 0
    assert privacy.visibility(world.zhang, Case.objects.get(pk=case.pk)) == privacy.MASKED


# --- Confidential reports (匿名/保密举报) -----------------------------------------------------------


@pytest.mark.parametrize(
    ("persona", "reporter_shown"),
    [("zhang", True), ("wang", True), ("tiaojie", False), ("zhifa", False), ("lingdao", None)],
)
def test_a_confidential_reporter_is_hidden_from_the_departments(world, persona, reporter_shown):
    case = working_case(world, confidential=True)
    user = getattr(world, persona)
    body = get(user, f"/api/cases/{case.pk}/").json()
    events = get(user, f"/api/cases/{case.pk}/events/").json()["results"]
    filing = next(e for e in events if e["action"] == "report")
    assert body["reporter_confidential"] is True
    if reporter_shown:
        assert (body["reporter"]["username"], body["reporter_name"]) == ("wang", REPORTER)
        assert filing["actor"]["username"] == "wang"
    elif reporter_shown is False:  # a department: hidden, not even masked, even while live
        assert (body["reporter"], body["reporter_name"], body["reporter_phone"]) == (None, "", "")
        assert body["personal_data"]["reporter_hidden"] is True
        assert filing["actor"] is None
        assert body["parties"][0]["phone"] == PHONE  # the rest of their grant stands
    else:  # a leader: masked as always
        assert (body["reporter_name"], body["reporter_phone"]) == ("陈某", "137****1111")


def test_the_case_page_says_the_report_is_confidential(world):
    case = working_case(world, confidential=True)
    for user in (world.zhang, world.tiaojie):
        client = Client()
        client.force_login(user)
        page = client.get(f"/cases/{case.pk}/").content.decode()
        assert "保密举报：上报人身份对承办部门保密" in page
    assert "王网格" not in page and REPORTER not in page  # tiaojie's page: no reporter, no filer
    assert "（保密）" in page  # the timeline's filing line


def test_the_report_form_and_the_api_take_the_confidential_flag(world):
    client = Client()
    client.force_login(world.wang)
    form = {
        "idempotency_key": "8d1e0a56-2f7b-4c1e-9a51-0c6c1b1f6a01",
        "title": "楼道堆物",
        "description": "3幢楼道堆放杂物",
        "grid": world.grid.pk,
        "urgency": "normal",
        "reporter_confidential": "on",
        "parties-TOTAL_FORMS": "0",
        "parties-INITIAL_FORMS": "0",
    }
    assert client.post("/report/", form).status_code == 302
    assert Case.objects.get(title="楼道堆物").reporter_confidential is True
    payload = {
        "station": world.station.pk,
        "grid": world.grid.pk,
        "title": "楼道堆物二",
        "description": "5幢楼道堆放杂物",
        "reporter_confidential": True,
    }
    response = client.post("/api/cases/", payload, content_type="application/json")
    assert response.status_code == 201, response.content
    assert response.json()["reporter_confidential"] is True


# --- The pages show it the same way ---------------------------------------------------------------


def test_the_case_page_masks_for_a_leader_and_notes_the_withheld_photo(world):
    case = working_case(world)
    client = Client()
    client.force_login(world.lingdao)
    page = client.get(f"/cases/{case.pk}/").content.decode()
    for secret in (NAME, PHONE, ID_NUMBER, HOME, REPORTER, REPORTER_PHONE, "/download/"):
        assert secret not in page, secret
    assert "张某" in page and "139****5678" in page and "330***********1234" in page
    assert "杭州市上城区紫金凰小区3幢***" in page
    assert "按需知悉：部分个人信息已对您脱敏。" in page
    assert "可能拍到当事人，按需知悉不向您显示" in page


def test_the_case_page_shows_a_co_department_names_but_not_id_numbers(world):
    case = working_case(world)
    client = Client()
    client.force_login(world.zhifa)
    page = client.get(f"/cases/{case.pk}/").content.decode()
    assert NAME in page and PHONE in page and HOME in page and "/download/" in page
    assert ID_NUMBER not in page and "330***********1234" in page


# --- Masking --------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("address", "masked"),
    [
        ("浙江省杭州市西湖区文新街道紫金凰小区3幢2单元501室", "浙江省杭州市西湖区文新街道紫金凰小区3幢***"),
        ("紫金凰小区12号楼3单元1102", "紫金凰小区12号楼***"),
        ("翠苑一区五栋302室", "翠苑一区五栋***"),
        ("银泰城B座1203", "银泰城B座***"),
        ("文三路478号华星时代广场A座8楼", "文三路478号华星时代广场A座***"),
        ("金桥大厦15楼1502室", "金桥大厦***"),  # 15楼 is a floor: the building is 金桥大厦
        ("城西路15号", "城西路***"),  # a house on a road: the road, not the house
        ("张家村5组23号", "张家村5组***"),  # a village house: the group, not the house
        ("紫金凰小区1-2-301", "紫金凰小区***"),  # building-unit-room in digits: the compound
        ("紫金凰小区3幢", "紫金凰小区3幢"),  # nothing past the building: nothing to cut
        ("紫金凰小区", "紫金凰小区"),
        ("东头老张家隔壁", "东头老***"),  # nothing recognised: at most half
        ("", ""),
    ],
)
def test_an_address_is_cut_after_the_building(address, masked):
    assert mask_address(address) == masked


@pytest.mark.parametrize(
    ("name", "masked"),
    [("张建国", "张某"), ("李四", "李某"), ("欧阳娜娜", "欧阳某"), ("司马光", "司马某"), ("王", "某"), ("", "")],
)
def test_a_name_keeps_the_family_name(name, masked):
    assert mask_name(name) == masked


def test_phone_and_id_number_shapes():
    assert mask_phone("13812341234") == "138****1234"
    assert mask_id_number("330106199001191234") == "330***********1234"
    assert mask_id_number("33010619900119123X") == "330***********123X"


# --- The view log ---------------------------------------------------------------------------------


def logged(user=None, case=None):
    rows = PersonalDataAccess.objects.all()
    if user is not None:
        rows = rows.filter(user=user)
    if case is not None:
        rows = rows.filter(case=case)
    return list(rows.order_by("id").values_list("kind", "channel", "fields"))


def test_the_case_page_and_the_api_detail_log_what_they_show_in_full(world):
    case = working_case(world)
    for user in (world.zhifa, world.lingdao):
        client = Client()
        client.force_login(user)
        client.get(f"/cases/{case.pk}/")
        get(user, f"/api/cases/{case.pk}/")
    shown = sorted(BUT_ID)
    assert logged(world.zhifa, case) == [
        ("view", "page:case", shown),
        ("view", "api:case", sorted(k for k in BUT_ID if k != "mediation")),
    ]
    assert logged(world.lingdao) == []  # masked everywhere: nothing to log


def test_a_download_is_logged_and_a_refused_one_is_not(world):
    case = working_case(world)
    attachment = case.attachments.get()
    url = f"/api/cases/{case.pk}/attachments/{attachment.pk}/download/"
    for user in (world.zhifa, world.lingdao):
        client = Client()
        client.force_login(user)
        client.get(url)
    rows = PersonalDataAccess.objects.filter(kind=AccessKind.DOWNLOAD)
    assert [(r.user, r.case_id, r.fields, r.detail) for r in rows] == [
        (world.zhifa, case.pk, ["photos"], f"#{attachment.pk} 现场.jpg")
    ]


def test_the_case_list_logs_the_addresses_it_shows_in_one_insert(world, django_assert_num_queries):
    for _ in range(3):
        report_ac_dispute(world)
    client = Client()
    client.force_login(world.zhang)
    client.get("/api/cases/")  # the calendar and sessions warm up
    before = PersonalDataAccess.objects.count()
    with django_assert_num_queries(QUERIES_OF_THE_CASE_LIST):
        client.get("/api/cases/")
    for _ in range(7):
        report_ac_dispute(world)
    with django_assert_num_queries(QUERIES_OF_THE_CASE_LIST):
        body = client.get("/api/cases/").json()
    assert len(body["results"]) == 10
    assert PersonalDataAccess.objects.count() == before + 3 + 10
    assert {(kind, channel, tuple(fields)) for kind, channel, fields in logged(world.zhang)} == {
        ("view", "api:cases", ("addresses",))
    }


# Session, user, memberships, grids of memberships, the page, and the view log's one INSERT for
# the whole page (tests/test_api_lists.py pins the same less the session, with a token).
QUERIES_OF_THE_CASE_LIST = 6


def test_an_export_is_logged_with_its_rows_and_cases(world):
    case = working_case(world)
    written = viewlog.record_export(world.lingdao, "dashboard:stations", 12)
    assert written == 1
    written = viewlog.record_export(
        world.zhang, "cases:xlsx", 1, cases_fields=[(case, privacy.visibility(world.zhang, case))]
    )
    assert written == 2
    exports = PersonalDataAccess.objects.filter(kind=AccessKind.EXPORT).order_by("id")
    assert [(r.user, r.case_id, r.channel, r.rows) for r in exports] == [
        (world.lingdao, None, "dashboard:stations", 12),
        (world.zhang, None, "cases:xlsx", 1),
        (world.zhang, case.pk, "cases:xlsx", None),
    ]


def test_the_database_refuses_to_rewrite_the_log(world):
    case = working_case(world)
    viewlog.record_views(world.zhang, [(case, ["people"])], channel="page:case")
    entry = PersonalDataAccess.objects.get()
    for statement in (
        "UPDATE cases_personaldataaccess SET channel = 'x'",
        "DELETE FROM cases_personaldataaccess",
    ):
        with pytest.raises(IntegrityError, match="append-only"), transaction.atomic(), connection.cursor() as cursor:
            cursor.execute(statement)
    with pytest.raises(ValueError, match="append-only"):
        entry.save()
    with pytest.raises(ValueError, match="append-only"):
        entry.delete()
    assert PersonalDataAccess.objects.get().channel == "page:case"


def test_admins_read_the_log_filtered_by_user_and_case(world):
    from workstation.models import User

    first, second = working_case(world), walk_to(world, "dispatched")
    viewlog.record_views(world.zhang, [(first, ["people"]), (second, ["people"])], channel="page:case")
    viewlog.record_views(world.tiaojie, [(first, ["people", "id_numbers"])], channel="api:case")
    admin = User.objects.create_superuser("admin", password="x")
    client = Client()
    client.force_login(admin)
    base = "/admin/cases/personaldataaccess/"
    assert client.get(base).status_code == 200
    by_user = client.get(base, {"user__id__exact": world.tiaojie.pk})
    assert by_user.status_code == 200 and by_user.context["cl"].result_count == 1
    assert "姓名和电话、身份证号" in by_user.content.decode()
    by_case = client.get(base, {"case__id__exact": second.pk})
    assert by_case.status_code == 200 and by_case.context["cl"].result_count == 1
    by_number = client.get(base, {"q": first.number})
    assert by_number.context["cl"].result_count == 2
    # Read-only: no add, change or delete.
    entry = PersonalDataAccess.objects.first()
    assert client.post(f"{base}{entry.pk}/delete/", {"post": "yes"}).status_code == 403
    assert PersonalDataAccess.objects.count() == 3


def test_a_summoned_liaison_officer_goes_masked_once_their_departments_part_is_waived(world):
    case = working_case(world)
    emergency = case.assignments.get(department=world.dept.emergency)
    handling.part_waive(case.pk, actor=world.zhang, assignment_id=emergency.pk, reason="无需应急管理到场")
    assert observed(world.yingji, case) == row()
