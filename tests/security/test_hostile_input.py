"""Hostile input answers 400, never 500: on every operation of the OpenAPI schema and every page.

What is sent (``tests/security/hostile.py``): JSON nested 3,000 and 50 deep, huge numbers
(1e400, -1e400, 2**70, -2**70, 10**20, an integer of 5,000 digits, NaN and ±Infinity
literals), numbers below the range, over-long strings, NUL bytes, a lone surrogate and invalid
UTF-8 —

- API: into each path id, each query parameter and each field of the request body of every
  operation drf-spectacular's generator finds (the permission matrix's table, which
  ``test_every_operation_has_expectations`` keeps equal to the schema: a new endpoint is probed
  as soon as it is placed there), and the whole body;
- pages: into each id of every route of the site's own apps, the ``page`` parameter of every page
  that pages a list, the id filters of its filter form, and the id fields of the forms the pages
  post (every case action of the registry, marking a notice read, every export kind).

Each request is sent by someone the gate lets through (the matrix's roles) on a real object in
the state the operation starts from, so the input itself is what is judged: the answer is 400
— naming the field, in the API's error shape on the API, a page in the site's look elsewhere —
or the gate's own answer where the valid request already gets it (401/403/404/405), 404 for a
path id that names nothing. Never 500. The table of inputs, endpoints and answers is printed at
the end of the run (``tests/security/table.py``).
"""

from __future__ import annotations

import functools
import json
from urllib.parse import urlencode, urlsplit

import pytest
from django.core.paginator import Page
from django.db import transaction
from django.http import QueryDict
from django.test import Client
from django.urls import Resolver404, URLResolver, get_resolver
from drf_spectacular.generators import SchemaGenerator
from rest_framework.test import APIClient

from exports.models import Export
from exports.registry import EXPORTS
from governance.faults import server_error
from tests.security.hostile import (
    BIG,
    GATE,
    NESTED,
    NUMBERS,
    PATH_TEXTS,
    TEXTS,
    Probe,
    answer,
    with_value,
)
from tests.security.page_forms import page_forms
from tests.security.table import KEY
from tests.test_permission_matrix import (  # noqa: F401 - matrix_world: a fixture
    ACTION_ROLES,
    ACTION_STATE,
    API,
    ROLES,
    matrix_world,
    request_for,
)

pytestmark = [pytest.mark.needs("postgresql"), pytest.mark.django_db]

ALLOWED = ("allow", "full", "masked")


@pytest.fixture
def w(matrix_world, settings):  # noqa: F811 - the matrix's world, built once for this module
    settings.MEDIA_ROOT = matrix_world.media
    # Hundreds of requests a minute by one account: the rates are not what is tested here.
    rates = dict.fromkeys(settings.REST_FRAMEWORK["DEFAULT_THROTTLE_RATES"], "100000/min")
    settings.REST_FRAMEWORK = {**settings.REST_FRAMEWORK, "DEFAULT_THROTTLE_RATES": rates}
    return matrix_world


# --- The schema --------------------------------------------------------------------------------


@functools.cache
def schema() -> dict:
    return SchemaGenerator().get_schema(request=None, public=True)


def operation(operation_id: str) -> tuple[str, str, dict]:
    for path, operations in schema()["paths"].items():
        for method, spec in operations.items():
            if spec["operationId"] == operation_id:
                return method.upper(), path, spec
    raise KeyError(operation_id)


def resolve(node: dict) -> dict:
    """A schema node with its ``$ref`` / single ``allOf`` followed."""
    while True:
        if "$ref" in node:
            node = schema()["components"]["schemas"][node["$ref"].rsplit("/", 1)[1]]
        elif len(node.get("allOf", [])) == 1:
            node = node["allOf"][0]
        else:
            return node


def kind_of(node: dict) -> str:
    """ "number" (integer, number, boolean, or a list of them), "choice", "text" or "nested"."""
    node = resolve(node)
    if "oneOf" in node:  # an enum that may also be blank or null
        node = resolve(node["oneOf"][0])
    kind = node.get("type")
    if kind == "array":
        items = kind_of(node.get("items", {}))
        return "number" if items == "number" else "choice" if items == "choice" else "nested"
    if kind in ("integer", "number", "boolean"):
        return "number"
    if "enum" in node:
        return "choice"
    return "text" if kind == "string" else "nested"


def body_fields(spec: dict) -> dict[str, tuple[str, bool]]:
    """The request body's fields: name → (kind, whether the field is a list)."""
    content = spec.get("requestBody", {}).get("content", {})
    if "application/json" not in content:
        return {}
    properties = resolve(content["application/json"]["schema"]).get("properties", {})
    return {name: (kind_of(node), resolve(node).get("type") == "array") for name, node in properties.items()}


def query_parameters(spec: dict) -> dict[str, str]:
    return {p["name"]: kind_of(p["schema"]) for p in spec.get("parameters", []) if p["in"] == "query"}


# --- Probes of the API -------------------------------------------------------------------------


def api_caller(w, operation_id: str) -> APIClient:
    """A client as the first role the matrix lets through (an intake system with its own key)."""
    client = APIClient(raise_request_exception=False)
    if operation_id.startswith("intake_"):
        slug = operation(operation_id)[1].split("/")[3]
        client.credentials(HTTP_AUTHORIZATION=f"Token {w.keys['intake-' + slug]}")
        return client
    role = next((r for r in ROLES if API[operation_id][r] in ALLOWED), "chief")
    client.force_authenticate(w.people[role])
    return client


def api_probes(w, operation_id: str) -> tuple[Probe, list[Probe]]:
    """The valid request, and the hostile ones made from it."""
    method, url, valid = request_for(w, operation_id)
    _, template, spec = operation(operation_id)
    json_body = "requestBody" in spec
    content_type = "application/json" if json_body else None

    def probe(name: str, *, at: str = url, body: bytes | None = None, **extra) -> Probe:
        if body is None and json_body:
            body = json.dumps(valid, ensure_ascii=False, default=str).encode()
        return Probe(name, operation_id, method, at, body, content_type, **extra)

    probes: list[Probe] = []
    segments = template.split("/")
    for parameter in (p["name"] for p in spec.get("parameters", []) if p["in"] == "path"):
        for name, text in PATH_TEXTS:
            parts = url.split("/")
            parts[segments.index("{" + parameter + "}")] = text
            probes.append(probe(name, at="/".join(parts), expected=frozenset({404})))
    parameters = query_parameters(spec)
    for hostile in [*NUMBERS, *TEXTS]:
        if hostile.text is None:
            continue
        # Text parameters (a search) take "1e400" as the text it is.
        aimed = [name for name, kind in parameters.items() if hostile in TEXTS or kind != "text"]
        for parameter in aimed:
            probes.append(probe(hostile.name, at=f"{url}?{urlencode({parameter: hostile.text})}", field=parameter))
        if len(aimed) > 1:  # all at once, beside a search: what one parameter does to another
            together = {name: hostile.text if name in aimed else "纠纷" for name in parameters}
            probes.append(probe(hostile.name, at=f"{url}?{urlencode(together)}"))
    if json_body:
        for field, (kind, is_list) in body_fields(spec).items():
            for hostile in [*NUMBERS, *TEXTS, *NESTED]:
                if hostile.into == "number" and kind not in ("number", "choice"):
                    continue
                literal = b"[" + hostile.literal + b"]" if is_list and hostile in NUMBERS else hostile.literal
                probes.append(probe(hostile.name, body=with_value(valid, field, literal), field=field))
        probes.append(probe(NESTED[0].name, body=NESTED[0].literal))
    return probe("valid"), probes


def api_fault(response, probe: Probe) -> str | None:
    """What is wrong with the API's answer to ``probe``, or None."""
    status = response.status_code
    if status not in probe.expected:
        return f"{status} {response.content[:200]!r}"
    shape = response.json()
    if set(shape) != {"code", "message", "errors"}:
        return f"not the API's error shape: {shape}"
    named = (key == probe.field or key.startswith(f"{probe.field}.") for key in shape["errors"])
    if status == 400 and probe.field is not None and not any(named):
        return f"400 not naming {probe.field}: {shape}"
    return None


@pytest.mark.parametrize("operation_id", sorted(API))
def test_hostile_input_on_every_api_operation(w, operation_id, record_property):
    client = api_caller(w, operation_id)
    valid, probes = api_probes(w, operation_id)
    baseline = answer(client, valid).status_code
    assert baseline < 400 or baseline in GATE, (operation_id, baseline)
    rows, faults = [], []
    for probe in probes:
        if baseline in GATE:
            probe.expected = probe.expected | {baseline}
        response = answer(client, probe)
        rows.append(("API", probe.input, operation_id, response.status_code))
        if fault := api_fault(response, probe):
            faults.append(f"{probe.input} in {probe.field or probe.url[:80]}: {fault}")
    record_property(KEY, rows)
    assert not faults, "\n".join(faults)


# --- Probes of the pages ------------------------------------------------------------------------

# Django's own views (sign-in, password reset, the language switch) and admin are not ours to probe
# here; everything else the site routes is.
NOT_OURS = ("api/", "admin/", "accounts/", "i18n/", "favicon.ico")
LANDING_ROLES = ("chief", "mediator", "grid_worker", "leader", "co_department")
# What a page's parameters and form fields get: text on the wire, so one of each kind of text
# (a number int() refuses, one out of range, below it, no number at all, over-long, a NUL).
INPUTS = [h for h in [*NUMBERS, *TEXTS] if h.text is not None and h.name not in ("-1e400", "-Infinity", "Infinity")]


def page_routes() -> list[str]:
    """Every route of the site's own pages, as its pattern (``cases/<int:case_id>/``)."""
    routes = []

    def walk(patterns, prefix: str) -> None:
        for entry in patterns:
            if isinstance(entry, URLResolver):
                walk(entry.url_patterns, prefix + str(entry.pattern))
            elif not (prefix + str(entry.pattern)).startswith(NOT_OURS):
                routes.append(prefix + str(entry.pattern))

    walk(get_resolver().url_patterns, "")
    return routes


def visits(w, route: str) -> list[tuple[str, str]]:
    """(path, role): the route with real ids, as those who may open it — the landing roles, a case
    page as each role that may take an action there on a case in a state it starts from (its form
    is on that page), each case action and each export kind."""
    if "<slug:action>" in route:
        return [
            (f"/cases/{w.by_state[state].pk}/{action}/", ACTION_ROLES[action][0])
            for action, state in ACTION_STATE.items()
        ]
    if "<slug:kind>" in route:
        return [(f"/exports/{kind}/", "chief") for kind in sorted(EXPORTS)]
    if "<int:export_id>" in route:
        export = Export.objects.create(requested_by=w.zhang, kind="cases", title="案件列表")
        return [("/" + route.replace("<int:export_id>", str(export.pk)), "chief")]
    if "<int:case_id>" in route:
        acting = [
            (f"/cases/{w.by_state[state].pk}/", ACTION_ROLES[action][0]) for action, state in ACTION_STATE.items()
        ]
        return [(f"/cases/{w.case.pk}/", role) for role in LANDING_ROLES] + acting
    assert "<" not in route, f"a new path parameter: say in visits() which object fills {route}"
    return [("/" + route, role) for role in LANDING_ROLES]


def page_client(w, role: str) -> Client:
    client = Client(raise_request_exception=False)
    client.force_login(w.people[role])
    return client


def send(client, method: str, url: str, data=None):
    with transaction.atomic():
        response = client.post(url, data or {}) if method == "POST" else client.get(url, data or {})
        transaction.set_rollback(True)
    return response


def page_fault(response, expected: frozenset[int], named: str | None) -> str | None:
    status = response.status_code
    if status not in expected:
        return f"{status} {response.content[:160]!r}"
    if status == 400:
        html = response.content.decode(errors="replace")
        if "css/site.css" not in html:
            return f"400 not in the site's look: {html[:160]!r}"
        if named and named not in html:
            return f"400 not naming {named}"
    return None


@pytest.mark.parametrize("route", page_routes())
def test_hostile_input_on_every_page(w, route, record_property):
    rows, faults, probed = [], [], set()

    def check(endpoint: str, name: str, response, expected: frozenset[int], named: str | None, where: str):
        rows.append(("pages", name, endpoint, response.status_code))
        if fault := page_fault(response, expected, named):
            faults.append(f"{name} in {where}: {fault}")

    def once(*key) -> bool:
        if key in probed:
            return False
        probed.add(key)
        return True

    for path, role in visits(w, route):
        client = page_client(w, role)
        method = "GET"
        response = send(client, method, path)
        if response.status_code == 405:
            method = "POST"
            response = send(client, method, path)
        assert response.status_code < 500, (path, role, response.status_code)
        # Path ids that name nothing (405: the text is a slug another route takes by another method).
        for index, segment in enumerate(route.split("/")):
            if segment.startswith("<") and once("path", segment):
                for name, text in PATH_TEXTS:
                    parts = path.split("/")
                    parts[index + 1] = text
                    answered = send(client, method, "/".join(parts))
                    check(route, name, answered, frozenset({404, 405}), None, f"{path} {segment}")
        if method != "GET" or response.status_code != 200:
            continue
        # A paged list's page number (a list per template: "/" is a work list, an inbox, reports).
        paged = any(isinstance(value, Page) for value in _context_values(response))
        if paged and once("page", response.templates[0].name):
            for hostile in INPUTS:
                answered = send(client, "GET", path, {"page": hostile.text})
                check(route, hostile.name, answered, frozenset({400}), "page", f"{path}?page")
        # Every form the page shows, each field that takes an id or a number, once.
        for form in page_forms(response.content.decode(), "http://testserver" + path):
            target = urlsplit(form.action).path
            try:
                form_route = get_resolver().resolve(target).route
            except Resolver404:
                continue
            if form_route.startswith(NOT_OURS):
                continue
            action = target.rsplit("/", 2)[-2] if "<slug:action>" in form_route else ""
            for field in sorted(f for f in form.numeric if once("form", form_route, action, f)):
                for hostile in INPUTS:
                    data = [(name, value) for name, value in form.data if name != field] + [(field, hostile.text)]
                    answered = send(client, form.method, target, _query_dict(data))
                    check(form_route, hostile.name, answered, frozenset({400, 404}), None, f"{target} {field}")
    record_property(KEY, rows)
    assert not faults, "\n".join(faults)


def _context_values(response):
    for context in response.context or []:
        for layer in context.dicts:
            yield from layer.values()


def _query_dict(pairs: list[tuple[str, str]]) -> QueryDict:
    data = QueryDict(mutable=True)
    for name, value in pairs:
        data.appendlist(name, value)
    return data


# An Authorization header as latin-1 on the wire (Django's META), as a token can be written.
TOKENS = {
    "invalid UTF-8 as the token": "Token \xff\xfe" + "0" * 38,
    "NUL byte as the token": "Token 1\x00" + "0" * 38,
    "over-long token (10,000 characters)": "Token " + "9" * 10_000,
}


def test_hostile_tokens_on_every_api_operation(w, record_property):
    """A token no one was given, however written, is 401 on every operation (and counted:
    tests/security/test_throttles.py)."""
    rows, faults = [], []
    for operation_id in sorted(API):
        method, url, body = request_for(w, operation_id)
        for name, header in TOKENS.items():
            client = APIClient(raise_request_exception=False)
            client.credentials(HTTP_AUTHORIZATION=header)
            probe = Probe(name, operation_id, method, url, json.dumps(body).encode(), "application/json")
            response = answer(client, probe)
            rows.append(("API", name, operation_id, response.status_code))
            if response.status_code != 401 or response.json()["code"] != "authentication_failed":
                faults.append(f"{name} token on {operation_id}: {response.status_code} {response.content[:120]!r}")
    record_property(KEY, rows)
    assert not faults, "\n".join(faults)


def test_every_schema_operation_is_probed():
    operations = {spec["operationId"] for ops in schema()["paths"].values() for spec in ops.values()}
    assert operations == set(API)
    assert BIG > 2**63  # beyond a bigint


# --- The inputs the probe of the site found answering 500 -----------------------------------------


@pytest.mark.parametrize("path", ["/", "/notices/", "/board/", "/intake/", "/decisions/", "/inbox/"])
def test_a_page_number_out_of_range_is_a_400_page_naming_page(w, path):
    response = page_client(w, "chief").get(path, {"page": str(BIG)})
    assert response.status_code == 400
    html = response.content.decode()
    assert "css/site.css" in html and "<strong>page</strong>：页码超出范围" in html  # the site's page, the reason


def test_json_nested_3000_deep_is_a_400_naming_the_field(w):
    body = b'{"station": 1, "title": ' + b"[" * 3000 + b"]" * 3000 + b"}"
    response = api_caller(w, "cases_create").post("/api/cases/", body, content_type="application/json")
    assert response.status_code == 400
    assert response.json()["errors"] == {"title": ["嵌套层数过多（最多 32 层）"]}


def test_a_number_beyond_a_double_is_a_400_naming_the_field(w):
    body = '{"station": 1e400, "grid": 1, "title": "噪音", "description": "夜间噪音"}'
    response = api_caller(w, "cases_create").post("/api/cases/", body, content_type="application/json")
    assert response.status_code == 400
    assert response.json()["errors"] == {"station": ["数值超出范围"]}


def test_any_other_failure_under_the_api_answers_the_api_shape(rf):
    """A bug is still a 500 (and logged by Django), but a client of the API reads it as any
    other API answer; a page keeps Django's page."""
    try:
        raise RuntimeError("a bug")
    except RuntimeError:
        api, page = server_error(rf.get("/api/cases/")), server_error(rf.get("/cases/1/"))
    assert api.status_code == page.status_code == 500
    assert json.loads(api.content) == {"code": "server_error", "message": "服务器内部错误，请稍后重试", "errors": {}}
    assert page["Content-Type"].startswith("text/html")
