"""Who gets in: token auth for scripts, session auth with CSRF for the browser, no Basic auth.
The schema and its docs page are served, with the docs' assets from this server (no CDN)."""

import base64

import pytest
from rest_framework.test import APIClient

from demo.tokens import demo_key, demo_usernames, ensure_demo_tokens
from tests.api_helpers import assert_error, token_client, token_for
from tests.personas import walk_to

pytestmark = pytest.mark.django_db


def test_token_auth_works(world):
    w = world
    case = walk_to(w, "reported")
    client = token_client(token_for(w.zhang))
    assert client.get(f"/api/cases/{case.pk}/").status_code == 200
    # No CSRF for a token: scripts just POST.
    assert client.post(f"/api/cases/{case.pk}/accept/", {}, format="json").status_code == 200


def test_no_credentials_or_a_bad_token_is_401():
    response = APIClient().get("/api/cases/")
    assert_error(response, 401, "not_authenticated")
    assert response["WWW-Authenticate"] == "Token"
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION="Token not-a-real-token")
    assert_error(client.get("/api/cases/"), 401, "authentication_failed")


@pytest.mark.usefixtures("world")  # zhang exists: right credentials, the wrong scheme
def test_basic_auth_is_not_accepted():
    client = APIClient()
    credentials = base64.b64encode(b"zhang:Demo@2026").decode()
    client.credentials(HTTP_AUTHORIZATION=f"Basic {credentials}")
    assert_error(client.get("/api/cases/"), 401, "not_authenticated")


def test_session_auth_needs_csrf_on_post(world):
    w = world
    case = walk_to(w, "reported")
    client = APIClient(enforce_csrf_checks=True)
    client.force_login(w.zhang)
    assert client.get(f"/api/cases/{case.pk}/").status_code == 200
    assert_error(client.post(f"/api/cases/{case.pk}/accept/", {}, format="json"), 403, "csrf_failed")
    case.refresh_from_db()
    assert case.status == "reported"

    # With the cookie's token in the header, as the pages will send it.
    client.get("/accounts/login/")
    csrf = client.cookies["csrftoken"].value
    response = client.post(f"/api/cases/{case.pk}/accept/", {}, format="json", HTTP_X_CSRFTOKEN=csrf)
    assert response.status_code == 200, response.json()


def test_demo_tokens_are_deterministic_and_readable():
    from demo.data import DEMO_USERS
    from workstation.models import User

    for spec in DEMO_USERS[:3]:
        User.objects.get_or_create(username=spec.username)
    keys = ensure_demo_tokens()
    assert keys["zhanzhang"] == "demo-zhanzhang-" + "0" * 25
    assert all(len(k) == 40 for k in keys.values())
    assert len(set(keys.values())) == len(keys)
    assert {"intake-110", "intake-12345", "intake-four-platforms"} <= set(keys)
    assert ensure_demo_tokens() == keys  # again: nothing changes
    assert demo_key("liaison_agriculture").startswith("demo-liaison_agriculture-")
    assert len({demo_key(n) for n in demo_usernames()}) == len(demo_usernames())


def test_schema_and_docs_are_served_locally(client, world):
    client.force_login(world.zhang)
    schema = client.get("/api/schema/", HTTP_ACCEPT="application/vnd.oai.openapi+json")
    assert schema.status_code == 200
    paths = schema.json()["paths"]
    assert "/api/cases/{id}/dispatch/" in paths
    assert "/api/intake/four-platforms/" in paths
    responses = paths["/api/cases/{id}/accept/"]["post"]["responses"]
    assert {"200", "400", "401", "403", "404", "409"} <= set(responses)
    docs = client.get("/api/docs/")
    assert docs.status_code == 200
    html = docs.content.decode()
    assert "/static/drf_spectacular_sidecar/swagger-ui-dist/" in html
    assert "cdn" not in html.lower()


def test_the_documentation_is_behind_login_on_a_deployed_server(client, world, settings):
    settings.DEBUG = False  # as deployed
    for path in ["/api/docs/", "/api/redoc/"]:
        response = client.get(path)
        assert response.status_code == 302 and response["Location"] == f"/accounts/login/?next={path}"
    assert client.get("/api/schema/").status_code == 401
    assert token_client(token_for(world.zhang)).get("/api/schema/").status_code == 200
    client.force_login(world.wang)
    assert client.get("/api/docs/").status_code == 200
    assert client.get("/api/schema/").status_code == 200

    settings.DEBUG = True  # the demo: open, as before
    client.logout()
    assert client.get("/api/docs/").status_code == 200
