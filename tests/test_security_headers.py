"""Headers and transport (issue 13, item 7): every URL the project serves answers with a
Content-Security-Policy and a Permissions-Policy; whatever a signed-in user receives is not
stored by any cache; the deploy check is clean in production mode, with or without the proxy."""

import re

import pytest
from django.urls import URLPattern, URLResolver, get_resolver

from tests.api_helpers import token_client, token_for
from tests.personas import walk_to
from tests.test_settings import run_manage

pytestmark = pytest.mark.django_db

STRICT = "script-src 'self'; style-src 'self';"
DOCUMENTATION = {"/api/docs/", "/api/redoc/"}  # their own policy (governance/security.py)


def every_path(case_id: int) -> list[str]:
    """A path for every URL pattern of the project, each parameter filled with ``case_id``
    (a real case for the case routes; a missing object elsewhere, answered 404 — which must carry
    the headers too). A new route is in this list without anyone adding it."""
    paths = []

    def walk(patterns, prefix: str) -> None:
        for entry in patterns:
            route = str(entry.pattern)
            if isinstance(entry, URLResolver):
                walk(entry.url_patterns, prefix + route)
            elif isinstance(entry, URLPattern):
                path = prefix + route
                path = re.sub(r"<(?:\w+:)?\w+>", str(case_id), path)  # path converters
                path = re.sub(r"\(\?P<\w+>[^)]*\)", str(case_id), path)  # regex groups
                path = path.lstrip("^").rstrip("$").replace("\\Z", "").replace("\\", "")
                if re.search(r"[()*+?\[\]]", path):
                    path = re.sub(r"[()*+?\[\]^$.]+", "", path) or "anything"
                paths.append("/" + path)

    walk(get_resolver().url_patterns, "")
    return sorted(set(paths))


def test_every_url_sends_the_policies_and_a_signed_in_answer_is_not_stored(client, world):
    case = walk_to(world, "in_progress")
    client.force_login(world.zhang)
    paths = every_path(case.pk)
    assert len(paths) > 40 and f"/cases/{case.pk}/" in paths and "/api/cases/" in paths
    for path in paths:
        response = client.get(path)
        policy = response.get("Content-Security-Policy", "")
        assert "default-src 'self'" in policy and "frame-ancestors 'none'" in policy, path
        if path not in DOCUMENTATION:
            assert STRICT in policy, (path, policy)
        assert "geolocation=(self)" in response.get("Permissions-Policy", ""), path
        assert "camera=()" in response["Permissions-Policy"], path
        # (A 401: the intake endpoints take a token, not the session; nobody is signed in there.)
        if response.status_code != 401 and not response.get("Content-Type", "").startswith("image/"):
            assert "no-store" in response.get("Cache-Control", ""), (path, response.status_code)


def test_an_anonymous_visitor_gets_the_policies_too(client):
    for path in ["/accounts/login/", "/admin/login/", "/api/cases/", "/nowhere/", "/cases/1/"]:
        response = client.get(path)
        assert STRICT in response["Content-Security-Policy"], path
        assert "Permissions-Policy" in response, path


def test_personal_data_is_not_stored_by_the_browser(client, world):
    case = walk_to(world, "in_progress")
    client.force_login(world.zhang)
    for response in [client.get(f"/cases/{case.pk}/"), client.get("/")]:
        assert response["Cache-Control"] == "no-store, private"
        assert "Expires" not in response
    api = token_client(token_for(world.zhang)).get(f"/api/cases/{case.pk}/")
    assert api.status_code == 200 and api["Cache-Control"] == "no-store, private"


def test_static_files_stay_cacheable(client, world):
    client.force_login(world.zhang)
    response = client.get("/static/css/site.css")
    assert "no-store" not in response.get("Cache-Control", "")


PRODUCTION = {
    "DEBUG": "false",
    "SECRET_KEY": "a-real-secret-" + "x7Yq2-9pLm3vB0nKc8rT4wZ6sD1fG5hJ" * 2,
    "ALLOWED_HOSTS": "gov.example",
}
SHOW = (
    "from django.conf import settings as s; "
    "print(getattr(s, 'SECURE_PROXY_SSL_HEADER', None), s.BEHIND_PROXY, s.AXES_CLIENT_IP_CALLABLE)"
)


@pytest.mark.parametrize("proxy", ["", "true"], ids=["direct", "behind-proxy"])
def test_deploy_check_is_clean_and_the_forwarded_headers_are_believed_only_behind_the_proxy(proxy):
    check = run_manage("check", "--deploy", "--fail-level", "WARNING", BEHIND_PROXY=proxy, **PRODUCTION)
    assert check.returncode == 0, check.stdout + check.stderr
    assert "no issues" in check.stdout
    shown = run_manage("shell", "-c", SHOW, BEHIND_PROXY=proxy, **PRODUCTION)
    assert shown.returncode == 0, shown.stderr
    if proxy:
        assert (
            shown.stdout.splitlines()[-1] == "('HTTP_X_FORWARDED_PROTO', 'https') True governance.client.client_address"
        )
    else:
        # The client's address: one rule for the lockout and the throttles (tests/security/test_throttles.py).
        assert shown.stdout.splitlines()[-1] == "None False governance.client.client_address"


def test_a_forged_forwarded_proto_does_not_make_a_direct_request_secure(client, settings):
    settings.SECURE_SSL_REDIRECT = True
    response = client.get("/accounts/login/", HTTP_X_FORWARDED_PROTO="https")
    assert response.status_code == 301 and response["Location"].startswith("https://")


def test_the_compose_file_publishes_nothing_on_all_interfaces_and_has_no_default_password():
    from pathlib import Path

    import yaml

    compose = yaml.safe_load((Path(__file__).resolve().parent.parent / "docker-compose.yml").read_text())
    for name, service in compose["services"].items():
        for port in service.get("ports", []):
            assert str(port).startswith("127.0.0.1:") or name == "proxy", (name, port)
    text = (Path(__file__).resolve().parent.parent / "docker-compose.yml").read_text()
    assert ":-governance}" not in text and "POSTGRES_PASSWORD:?" in text and "APP_DB_PASSWORD:?" in text
    web = compose["services"]["web"].get("environment", {})
    assert "MIGRATION_DATABASE_URL" not in str(web)
