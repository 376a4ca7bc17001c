"""Joint mediation's service and API (issue 11, item 6): the departments that take part, the
outcomes agreement / partial / failed, and the signed agreement kept as an attachment of the case."""

import datetime as dt

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from cases.models import Attachment, MediationSession
from cases.services import mediation
from cases.services.attachments import MAX_FILE_BYTES
from cases.services.lifecycle import Invalid
from tests.api_helpers import assert_error, client_for, get, post
from tests.personas import walk_to
from tests.uploads import jpeg

PDF = b"%PDF-1.4\n% an agreement\n"


def later(days: int = 1) -> dt.datetime:
    return timezone.now() + dt.timedelta(days=days)


def pdf(name: str = "调解协议书.pdf", content: bytes = PDF, content_type: str = "application/pdf"):
    return SimpleUploadedFile(name, content, content_type=content_type)


def schedule(w, case, **extra):
    return mediation.mediation_schedule(case.pk, actor=w.tiaojie, scheduled_at=later(), place="调解室", **extra)


def departments_of(session) -> set[str]:
    return {p.name for p in session.participants.filter(role="department")}


# --- Who takes part ---------------------------------------------------------------------------


def test_without_a_choice_every_assigned_department_takes_part(world):
    session = schedule(world, walk_to(world, "in_progress"))
    assert departments_of(session) == {"人民调解委员会", "综合行政执法局", "公安分局"}


def test_the_departments_chosen_take_part_an_assigned_one_left_out_and_a_resident_one_added(world):
    w = world
    ids = [w.dept.mediation.pk, w.dept.police.pk, w.dept.market.pk, w.dept.emergency.pk]
    session = schedule(w, walk_to(w, "in_progress"), department_ids=ids)
    assert departments_of(session) == {"人民调解委员会", "公安分局", "市场监管局", "应急管理局"}
    assert session.case.events.last().payload["departments"] == ids


def test_a_department_neither_assigned_nor_at_the_station_is_refused(world):
    w = world
    case = walk_to(w, "in_progress")
    elsewhere = type(w.dept.police).objects.create(code="water", name="水利局")
    with pytest.raises(Invalid) as refused:
        schedule(w, case, department_ids=[w.dept.mediation.pk, elsewhere.pk])
    assert list(refused.value.errors) == ["department_ids"]
    assert not MediationSession.objects.filter(case=case).exists()


def test_no_department_at_all_is_refused(world):
    case = walk_to(world, "in_progress")
    with pytest.raises(Invalid) as refused:
        schedule(world, case, department_ids=[])
    assert refused.value.errors == {"department_ids": ["请至少选择一个参加部门"]}


def test_an_outside_participant_without_a_name_is_named_by_its_row(world):
    case = walk_to(world, "in_progress")
    rows = [
        mediation.ParticipantInput(role="lawyer", name="刘律师"),
        mediation.ParticipantInput(role="elder", organization="老娘舅工作室"),
    ]
    with pytest.raises(Invalid) as refused:
        schedule(world, case, participants=rows)
    assert list(refused.value.errors) == ["participants.1.name"]


# --- Outcomes ---------------------------------------------------------------------------------


@pytest.mark.parametrize("outcome", ["partial", "failed"])
def test_after_a_partial_or_failed_round_another_may_be_scheduled(world, outcome):
    w = world
    case = walk_to(w, "in_progress")
    first = schedule(w, case)
    mediation.mediation_record(case.pk, actor=w.tiaojie, session_id=first.pk, minutes="双方各执一词", outcome=outcome)
    second = schedule(w, case)
    assert (first.round_no, second.round_no) == (1, 2)
    assert (
        MediationSession.objects.get(pk=first.pk).get_outcome_display()
        == {"partial": "部分达成", "failed": "未达成"}[outcome]
    )


def test_a_failed_round_has_no_agreement_text_nor_document(world):
    w = world
    case = walk_to(w, "in_progress")
    session = schedule(w, case)
    for extra, field in [({"agreement": "李某加装接水管"}, "agreement"), ({"document": pdf()}, "document")]:
        with pytest.raises(Invalid) as refused:
            mediation.mediation_record(
                case.pk, actor=w.tiaojie, session_id=session.pk, minutes="未达成一致", outcome="failed", **extra
            )
        assert list(refused.value.errors) == [field]
    assert MediationSession.objects.get(pk=session.pk).status == "scheduled"


def test_attendance_names_only_the_rounds_participants(world):
    w = world
    case = walk_to(w, "in_progress")
    session = schedule(w, case, participants=[mediation.ParticipantInput(role="lawyer", name="刘律师")])
    lawyer = session.participants.get(role="lawyer")
    with pytest.raises(Invalid):
        mediation.mediation_record(
            case.pk, actor=w.tiaojie, session_id=session.pk, minutes="x", outcome="partial", attended_ids=[10**9]
        )
    mediation.mediation_record(
        case.pk, actor=w.tiaojie, session_id=session.pk, minutes="x", outcome="partial", attended_ids=[lawyer.pk]
    )
    assert {p.name for p in session.participants.filter(attended=True)} == {"刘律师"}


# --- The agreement document -------------------------------------------------------------------


def test_the_agreement_document_is_an_attachment_of_the_case_behind_its_gate(world):
    w = world
    case = walk_to(w, "in_progress")
    session = schedule(w, case)
    held = mediation.mediation_record(
        case.pk,
        actor=w.tiaojie,
        session_id=session.pk,
        minutes="双方同意移机",
        outcome="agreement",
        agreement="李某三日内移机",
        document=pdf(),
    )
    document = held.agreement_document
    assert (document.case_id, document.purpose, document.original_name) == (case.pk, "agreement", "调解协议书.pdf")
    assert document.get_purpose_display() == "调解协议书"
    assert case.events.last().payload["document"] == document.pk
    url = f"/api/cases/{case.pk}/attachments/{document.pk}/download/"
    assert b"".join(client_for(w.zhang).get(url).streaming_content) == PDF
    assert client_for(w.shijian).get(url).status_code == 404
    rounds = get(w.zhang, f"/api/cases/{case.pk}/mediations/").json()["results"]
    assert rounds[0]["agreement_document"]["download_url"] == url


@pytest.mark.parametrize(
    ("upload", "reason"),
    [
        (pdf("协议.docx", b"PK\x03\x04", "application/vnd.openxmlformats"), "不是允许的类型"),
        (pdf("协议.pdf", b"%PDF" + b"0" * MAX_FILE_BYTES), "超过 10 MB"),
    ],
)
def test_a_document_that_is_not_a_pdf_or_photo_or_too_large_is_refused_by_the_api(world, upload, reason):
    w = world
    case = walk_to(w, "in_progress")
    session = schedule(w, case)
    data = {"session_id": session.pk, "minutes": "双方同意", "outcome": "agreement", "agreement": "移机"}
    response = post(
        w.tiaojie, f"/api/cases/{case.pk}/record_mediation/", {**data, "document": upload}, format="multipart"
    )
    body = assert_error(response, 400, "invalid")
    assert reason in body["errors"]["document"][0]
    assert not Attachment.objects.filter(case=case).exists()
    assert MediationSession.objects.get(pk=session.pk).status == "scheduled"


def test_the_api_records_a_partial_round_with_a_photo_of_the_paper(world):
    w = world
    case = walk_to(w, "in_progress")
    session = schedule(w, case)
    photo = pdf("协议照片.jpg", jpeg(), "image/jpeg")
    data = {"session_id": session.pk, "minutes": "部分达成", "outcome": "partial", "agreement": "先加装接水管"}
    response = post(
        w.tiaojie, f"/api/cases/{case.pk}/record_mediation/", {**data, "document": photo}, format="multipart"
    )
    assert response.status_code == 200, response.json()
    assert response.json()["outcome"] == "partial"
    assert response.json()["agreement_document"]["original_name"] == "协议照片.jpg"


def test_the_old_outcome_names_are_no_longer_accepted(world):
    w = world
    case = walk_to(w, "in_progress")
    session = schedule(w, case)
    data = {"session_id": session.pk, "minutes": "继续", "outcome": "continue"}
    body = assert_error(post(w.tiaojie, f"/api/cases/{case.pk}/record_mediation/", data), 400, "invalid")
    assert list(body["errors"]) == ["outcome"]


def test_the_api_takes_the_departments_by_id(world):
    w = world
    case = walk_to(w, "in_progress")
    payload = {
        "scheduled_at": later().isoformat(),
        "place": "调解室",
        "department_ids": [w.dept.mediation.pk, w.dept.market.pk],
        "participants": [{"role": "elder", "name": "周伯明", "organization": "老娘舅工作室"}],
    }
    response = post(w.tiaojie, f"/api/cases/{case.pk}/schedule_mediation/", payload, format="json")
    assert response.status_code == 201, response.json()
    assert {(p["role"], p["name"]) for p in response.json()["participants"]} == {
        ("department", "人民调解委员会"),
        ("department", "市场监管局"),
        ("elder", "周伯明"),
    }


def test_the_migration_maps_continue_to_partial_and_no_agreement_to_failed(world):
    """The data step of cases/migrations/0012, run on rows holding the old values (and back)."""
    import importlib

    from django.apps import apps

    step = importlib.import_module("cases.migrations.0012_mediation_outcomes_agreement_document")
    w = world
    rounds = []
    for old in ["continue", "no_agreement"]:
        case = walk_to(w, "in_progress")
        session = schedule(w, case)
        mediation.mediation_record(case.pk, actor=w.tiaojie, session_id=session.pk, minutes="x", outcome="partial")
        MediationSession.objects.filter(pk=session.pk).update(outcome=old)
        rounds.append(session.pk)
    step._rename(step.FORWARD)(apps, None)
    assert [MediationSession.objects.get(pk=pk).outcome for pk in rounds] == ["partial", "failed"]
    step._rename(step.BACKWARD)(apps, None)
    assert [MediationSession.objects.get(pk=pk).outcome for pk in rounds] == ["continue", "no_agreement"]
