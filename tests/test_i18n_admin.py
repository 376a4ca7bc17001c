"""Translations compile and apply; every admin page renders, without N+1; case data is read-only."""

import datetime as dt
import re
import shutil
from io import StringIO
from pathlib import Path

import polib
import pytest
from django.apps import apps
from django.conf import settings as django_settings
from django.contrib import admin
from django.core.management import CommandError, call_command
from django.db import connection
from django.test.signals import setting_changed
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone, translation

from cases.masking import mask_id_number, mask_name, mask_phone
from cases.models import (
    Assignment,
    Attachment,
    Case,
    CaseEvent,
    CaseStatus,
    Category,
    Extension,
    Feedback,
    Hold,
    KeywordRule,
    MediationParticipant,
    MediationSession,
    Party,
    PersonalDataAccess,
    ReturnRequest,
    SlaRule,
    Summons,
    Supervision,
)
from notifications.models import Notification, NotificationDelivery
from workstation.models import (
    CalendarDay,
    Department,
    Grid,
    Membership,
    StationDepartment,
    User,
    WorkingPeriod,
    Workstation,
)

OUR_APPS = ("workstation", "cases", "notifications")
CJK = re.compile(r"[\u3400-\u9fff\uff00-\uffef\u3000-\u303f]")
PO_PATH = Path(django_settings.BASE_DIR) / "locale" / "en" / "LC_MESSAGES" / "django.po"


def _forget_loaded_catalogues():
    # Django caches catalogues per process; the same signal override_settings sends drops them.
    setting_changed.send(sender=None, setting="LOCALE_PATHS", value=django_settings.LOCALE_PATHS, enter=True)


@pytest.fixture(scope="module", autouse=True)
def _compiled_translations():
    call_command("compiletranslations", stdout=StringIO(), stderr=StringIO())
    _forget_loaded_catalogues()


def registered(*app_labels):
    return sorted(
        (model for model in admin.site._registry if model._meta.app_label in app_labels),
        key=lambda model: model._meta.label,
    )


def changelist_url(model):
    return reverse(f"admin:{model._meta.app_label}_{model._meta.model_name}_changelist")


def _ids(model):
    return model._meta.label


# --- compiletranslations ------------------------------------------------------------------


@pytest.fixture
def locale_dir(tmp_path, settings):
    settings.LOCALE_PATHS = [tmp_path]
    folder = tmp_path / "en" / "LC_MESSAGES"
    folder.mkdir(parents=True)
    return folder


def test_compiletranslations_writes_a_readable_mo(locale_dir):
    shutil.copy(PO_PATH, locale_dir / "django.po")
    out = StringIO()

    call_command("compiletranslations", stdout=out)

    assert "django.po" in out.getvalue()
    compiled = {entry.msgid: entry.msgstr for entry in polib.mofile(str(locale_dir / "django.mo"))}
    assert compiled["案件"] == "Case"
    assert compiled["办理中"] == "In progress"
    assert not list(locale_dir.glob(".django.*"))  # no temporary file left behind


@pytest.mark.parametrize(
    ("content", "complaint"),
    [
        ('msgid "案件"\nmsgstr "Case\n', "syntax error"),
        ('msgid "案件"\nmsgstr "Case"\nmsgstr "Case again"\n', "Syntax error"),
        ('msgid "案件"\nmsgstr "Case"\n\nmsgid "案件"\nmsgstr "Case again"\n', "already exists"),
        ('#, python-format\nmsgid "%(year)s 年"\nmsgstr "Year %(yaer)s"\n', "placeholders"),
    ],
    ids=["unterminated", "two-msgstr", "duplicate", "placeholder"],
)
def test_compiletranslations_fails_loudly_on_a_broken_po(locale_dir, content, complaint):
    (locale_dir / "django.po").write_text(content, encoding="utf-8")

    with pytest.raises(CommandError, match=complaint):
        call_command("compiletranslations", stdout=StringIO())
    assert not (locale_dir / "django.mo").exists()


def test_compiletranslations_fails_without_catalogues(locale_dir):
    with pytest.raises(CommandError, match=r"No \.po files"):
        call_command("compiletranslations", stdout=StringIO())


# --- the English catalogue ------------------------------------------------------------------


def test_catalogue_is_complete_and_final():
    catalogue = polib.pofile(str(PO_PATH))
    assert not catalogue.metadata_is_fuzzy
    assert [entry.msgid for entry in catalogue.untranslated_entries()] == []
    assert [entry.msgid for entry in catalogue.fuzzy_entries()] == []
    assert [entry.msgid for entry in catalogue if CJK.search(entry.msgstr)] == []


def _model_strings(model):
    opts = model._meta
    yield opts.verbose_name
    yield opts.verbose_name_plural
    for field in opts.get_fields():
        if not hasattr(field, "verbose_name") or field.auto_created:
            continue
        yield field.verbose_name
        yield field.help_text
        for _value, label in field.flatchoices or ():
            yield label


@pytest.mark.parametrize("model", [m for label in OUR_APPS for m in apps.get_app_config(label).get_models()], ids=_ids)
def test_every_model_string_has_an_english_translation(model):
    with translation.override("en"):
        untranslated = [str(text) for text in _model_strings(model) if CJK.search(str(text))]
    assert untranslated == []


def test_verbose_names_and_choices_follow_the_language():
    with translation.override("en"):
        assert str(Case._meta.verbose_name) == "Case"
        assert str(CaseStatus.IN_PROGRESS.label) == "In progress"
        assert str(Membership._meta.get_field("role").verbose_name) == "Role"
        assert str(apps.get_app_config("cases").verbose_name) == "Case handling"
    with translation.override("zh-hans"):
        assert str(Case._meta.verbose_name) == "案件"
        assert str(CaseStatus.IN_PROGRESS.label) == "办理中"
        assert str(Membership._meta.get_field("role").verbose_name) == "角色"
        assert str(apps.get_app_config("cases").verbose_name) == "案件办理"


# --- admin ----------------------------------------------------------------------------------


def make_rows(tag: str) -> dict:
    """One row of every registered model, named by tag so a second set can sit beside the first."""
    now = timezone.now()
    n = ord(tag) - ord("A") + 1
    user = User.objects.create_user(f"user{tag}", password="x", display_name=f"User {tag}", phone="13800001234")
    station = Workstation.objects.create(code=f"S{tag}", name=f"Station {tag}")
    department = Department.objects.create(code=f"dept-{tag.lower()}", name=f"Department {tag}")
    presence = StationDepartment.objects.create(
        station=station, department=department, presence="liaison", liaison_officer=user
    )
    grid = Grid.objects.create(station=station, code=f"G{tag}", name=f"Grid {tag}")
    membership = Membership.objects.create(user=user, role="grid_worker", station=station)
    membership.grids.add(grid)
    CalendarDay.objects.create(date=dt.date(2030, 1, n), is_workday=False, name="Holiday")
    WorkingPeriod.objects.create(start=dt.time(8 + n), end=dt.time(9 + n))

    parent = Category.objects.create(code=f"parent-{tag.lower()}", name=f"Parent {tag}")
    category = Category.objects.create(
        code=f"child-{tag.lower()}", name=f"Child {tag}", parent=parent, owner=department, clarity="blurred"
    )
    category.co_departments.add(department)
    KeywordRule.objects.create(category=category, keyword=f"keyword {tag}")
    SlaRule.objects.create(category=category, urgency="normal", handle_amount=5)

    case = Case.objects.create(
        number=f"S{tag}-20261128-0001",
        station=station,
        grid=grid,
        category=category,
        lead_department=department,
        title=f"Case {tag}",
        description="Noise",
        reporter=user,
        reporter_phone="13800001234",
        reported_at=now,
    )
    Party.objects.create(
        case=case, name="Zhang", phone="13800001234", id_number="33010619900101123X", address="紫金凰小区3幢2单元501室"
    )
    Attachment.objects.create(case=case, file="cases/photo.jpg", original_name="photo.jpg", uploaded_by=user)
    assignment = Assignment.objects.create(case=case, department=department, role="lead", dispatched_at=now)
    CaseEvent.objects.create(case=case, actor=user, action="report", to_status="reported")
    session = MediationSession.objects.create(case=case, round_no=1, scheduled_at=now, place="Room 1", created_by=user)
    MediationParticipant.objects.create(session=session, role="department", name="Li", department=department)
    Summons.objects.create(case=case, presence=presence, liaison_officer=user, session=session)
    Supervision.objects.create(case=case, assignment=assignment, deadline="handle", due_at=now, level="yellow")
    Extension.objects.create(
        case=case,
        assignment=assignment,
        reason="More time",
        requested_by=user,
        previous_due_at=now,
        requested_due_at=now + dt.timedelta(days=3),
    )
    ReturnRequest.objects.create(case=case, assignment=assignment, reason="Not ours", requested_by=user)
    Hold.objects.create(case=case, assignment=assignment, reason="Court", requested_by=user)
    Feedback.objects.create(case=case, result="satisfied", given_by=user)
    notification = Notification.objects.create(recipient=user, case=case, kind="dispatched", title="New case")
    NotificationDelivery.objects.create(notification=notification, channel="email")
    PersonalDataAccess.objects.create(user=user, case=case, kind="view", channel="page:case", fields=["people"])
    return {"case": case, "event": case.events.get(), "station": station, "grid": grid, "user": user}


def test_every_model_of_our_apps_is_registered():
    skipped = {"cases.CaseNumberSequence", "cases.MediationParticipant"}  # internal / shown inline
    models = {m._meta.label for label in OUR_APPS for m in apps.get_app_config(label).get_models()}
    assert models - skipped == {m._meta.label for m in registered(*OUR_APPS)}


@pytest.mark.django_db
@pytest.mark.parametrize("model", registered(*OUR_APPS), ids=_ids)
def test_changelist_renders_in_english_on_an_empty_database(admin_client, model):
    response = admin_client.get(changelist_url(model), headers={"accept-language": "en"})

    assert response.status_code == 200
    assert response.headers["Content-Language"] == "en"
    # Every label, filter and title comes from the catalogue (the data would be the only Chinese).
    assert CJK.findall(response.content.decode()) == []


@pytest.mark.django_db
@pytest.mark.parametrize("model", registered(*OUR_APPS), ids=_ids)
def test_changelist_and_detail_render_with_rows_without_n_plus_one(admin_client, model):
    make_rows("A")
    url = changelist_url(model)
    with CaptureQueriesContext(connection) as one_set:
        response = admin_client.get(url)
    assert response.status_code == 200
    assert response.context["cl"].result_count >= 1

    make_rows("B")
    with CaptureQueriesContext(connection) as two_sets:
        response = admin_client.get(url)
    assert response.status_code == 200
    assert response.context["cl"].result_count >= 2
    assert len(two_sets) == len(one_set), "\n".join(q["sql"] for q in two_sets.captured_queries)

    obj = response.context["cl"].result_list[0]
    detail = admin_client.get(reverse(f"admin:{model._meta.app_label}_{model._meta.model_name}_change", args=[obj.pk]))
    assert detail.status_code == 200


CONFIG_MODELS = [*registered("workstation"), Category, KeywordRule, SlaRule]
CASE_MODELS = [m for m in registered("cases") if m not in CONFIG_MODELS]


@pytest.mark.django_db
@pytest.mark.parametrize("model", CONFIG_MODELS, ids=_ids)
def test_configuration_can_be_added_in_english(admin_client, model):
    url = reverse(f"admin:{model._meta.app_label}_{model._meta.model_name}_add")
    response = admin_client.get(url, headers={"accept-language": "en"})

    assert response.status_code == 200
    assert CJK.findall(response.content.decode()) == []


@pytest.mark.django_db
@pytest.mark.parametrize("model", CASE_MODELS, ids=_ids)
def test_case_data_is_read_only_in_admin(admin_client, model):
    model_admin = admin.site._registry[model]
    request = admin_client.get(changelist_url(model)).wsgi_request

    assert not model_admin.has_add_permission(request)
    assert not model_admin.has_change_permission(request)
    assert not model_admin.has_delete_permission(request)
    assert model_admin.has_view_permission(request)
    assert "delete_selected" not in model_admin.get_actions(request)


@pytest.mark.django_db
@pytest.mark.parametrize("model", [Case, CaseEvent], ids=_ids)
def test_case_and_event_add_page_is_forbidden(admin_client, model):
    response = admin_client.get(reverse(f"admin:cases_{model._meta.model_name}_add"))
    assert response.status_code == 403


@pytest.mark.django_db
def test_case_event_cannot_be_changed_or_deleted_through_admin(admin_client):
    event = make_rows("A")["event"]
    change = reverse("admin:cases_caseevent_change", args=[event.pk])
    delete = reverse("admin:cases_caseevent_delete", args=[event.pk])

    assert admin_client.post(change, {"action": "tampered"}).status_code == 403
    assert admin_client.get(delete).status_code == 403
    assert admin_client.post(delete, {"post": "yes"}).status_code == 403
    response = admin_client.post(
        changelist_url(CaseEvent), {"action": "delete_selected", "_selected_action": [event.pk], "post": "yes"}
    )
    assert response.status_code in (200, 302)
    event.refresh_from_db()
    assert event.action == "report"


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("model", "field"),
    [(Party, "id_number"), (Party, "phone"), (Party, "name"), (Party, "address"), (Case, "reporter_phone")],
)
def test_personal_data_is_masked_on_list_and_detail(admin_client, model, field):
    case = make_rows("A")["case"]
    obj = case if model is Case else case.parties.get()
    for url in (
        changelist_url(model),
        reverse(f"admin:cases_{model._meta.model_name}_change", args=[obj.pk]),
    ):
        page = admin_client.get(url).content.decode()
        assert getattr(obj, field) not in page
    page = admin_client.get(changelist_url(Party)).content.decode()
    assert "138****1234" in page
    assert "330***********123X" in page


@pytest.mark.django_db
def test_membership_grids_must_be_the_stations_and_only_for_grid_workers(admin_client):
    rows_a, rows_b = make_rows("A"), make_rows("B")
    url = reverse("admin:workstation_membership_add")
    user = User.objects.create_user("carol", password="x")
    form = {"user": user.pk, "role": "grid_worker", "station": rows_a["station"].pk, "is_active": "on"}

    response = admin_client.post(url, {**form, "grids": [rows_b["grid"].pk]})
    assert response.status_code == 200
    assert "grids" in response.context["adminform"].form.errors

    response = admin_client.post(url, {**form, "role": "chief", "grids": [rows_a["grid"].pk]})
    assert "grids" in response.context["adminform"].form.errors

    response = admin_client.post(url, {**form, "grids": [rows_a["grid"].pk]})
    assert response.status_code == 302
    assert list(Membership.objects.get(user=user).grids.all()) == [rows_a["grid"]]


# --- masking --------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("value", "masked"),
    [
        ("13800001234", "138****1234"),
        (" 13800001234 ", "138****1234"),
        ("0571-88001234", "057******1234"),
        ("88001234", "******34"),
        ("1234", "***4"),
        ("12", "**"),
        ("", ""),
        (None, ""),
    ],
)
def test_mask_phone(value, masked):
    assert mask_phone(value) == masked


@pytest.mark.parametrize(
    ("value", "masked"),
    [
        ("33010619900101123X", "330***********123X"),
        ("330106900101123", "330********1123"),
        ("3301061990", "********90"),
        ("123", "***"),
        ("", ""),
        (None, ""),
    ],
)
def test_mask_id_number(value, masked):
    assert mask_id_number(value) == masked


@pytest.mark.parametrize(
    ("value", "masked"),
    [
        ("张三丰", "张某"),
        ("张三", "张某"),
        ("欧阳娜娜", "欧阳某"),
        ("张", "某"),
        ("", ""),
        (None, ""),
    ],
)
def test_mask_name(value, masked):
    assert mask_name(value) == masked


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("language", "title", "index_title"),
    [
        ("zh-hans", "4+X 基层治理联动工作站", "配置管理"),
        ("en", "4+X Grassroots Governance Linkage Workstation", "Configuration"),
    ],
)
def test_admin_titles_follow_the_language(admin_client, language, title, index_title):
    response = admin_client.get(reverse("admin:index"), headers={"accept-language": language})

    assert response.status_code == 200
    page = response.content.decode()
    assert f"<title>{index_title} | {title}</title>" in page
    assert title in page


TEMPLATE_MSGID = re.compile(r"""\{%\s*translate\s+"([^"]+)"\s*%\}""")


def test_every_template_string_is_in_the_catalogue():
    """makemessages needs GNU gettext; this reads the templates directly, so a fresh machine
    without it still catches a page string nobody translated."""
    catalogue = {entry.msgid for entry in polib.pofile(str(PO_PATH)) if entry.msgstr}
    root = Path(django_settings.BASE_DIR) / "templates"
    used = {m for path in root.rglob("*.html") for m in TEMPLATE_MSGID.findall(path.read_text(encoding="utf-8"))}
    assert used, "no template strings found: the pattern is stale"
    assert sorted(used - catalogue) == []
