"""Headers and cookies as a government system sends them: a script-tight Content-Security-Policy, no
framing anywhere, HTTPS settings from one switch, and the API docs behind log-in in production."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
from django.test import Client

from zhiguan import views

from .conftest import REPO_ROOT, assert_error

# A <script> element the browser would run: no src, and no data type (JSON) that makes it inert.
INLINE_SCRIPT = re.compile(r"<script(?![^>]*\bsrc=)(?![^>]*type=\"application/json\")[^>]*>", re.I)


def _directives(response) -> dict[str, list[str]]:
    policy = response["Content-Security-Policy"]
    out = {}
    for part in policy.split(";"):
        name, *values = part.split()
        out[name] = values
    return out


@pytest.fixture
def built(tmp_path: Path, settings, db) -> Path:
    # The page as Vite builds it (web/index.html): a comment where the server puts its settings.
    (tmp_path / "index.html").write_text(
        "<html><head><!--zhiguan-config-->"
        '<script type="module" crossorigin src="/static/console/assets/index.js"></script>'
        '</head><body><div id="app"></div></body></html>',
        encoding="utf-8",
    )
    # The citizen portal's page (web/citizen.html), served at / (decision 067).
    (tmp_path / "citizen.html").write_text(
        "<html><head><!--zhiguan-config-->"
        '<script type="module" crossorigin src="/static/console/assets/citizen.js"></script>'
        '</head><body><div id="app"></div></body></html>',
        encoding="utf-8",
    )
    settings.ZHIGUAN_WEB_DIST = tmp_path
    views._cache.clear()
    return tmp_path


@pytest.fixture
def staff(make_user, jurisdiction) -> Client:
    client = Client()
    client.force_login(make_user("dispatcher", jurisdiction=jurisdiction))
    return client


def test_console_page_runs_no_inline_script_and_its_policy_forbids_them(client: Client, built: Path) -> None:
    response = client.get("/console/map")
    html = response.content.decode()
    assert not INLINE_SCRIPT.findall(html), INLINE_SCRIPT.findall(html)
    csp = _directives(response)
    assert csp["script-src"] == ["'self'"]
    assert csp["object-src"] == ["'none'"] and csp["base-uri"] == ["'self'"]
    assert csp["frame-ancestors"] == ["'none'"]
    # Element Plus positions popups with inline styles: styles may be inline, scripts never.
    assert "'unsafe-inline'" not in csp["default-src"] + csp["script-src"]


def test_the_built_console_has_no_inline_script() -> None:
    index = REPO_ROOT / "web" / "dist" / "index.html"
    if not index.is_file():
        pytest.skip("the console is not built (make web)")
    html = index.read_text(encoding="utf-8")
    assert not INLINE_SCRIPT.findall(html), INLINE_SCRIPT.findall(html)


def test_map_tiles_from_the_configured_server_are_allowed_and_nothing_else(
    client: Client, built: Path, settings
) -> None:
    settings.ZHIGUAN_MAP_TILE_URL = "https://{s}.tiles.intranet:8443/{z}/{x}/{y}.png"
    img = _directives(client.get("/console/map"))["img-src"]
    assert "https://*.tiles.intranet:8443" in img and "'self'" in img
    assert "*" not in img and "https:" not in img


def test_api_docs_page_runs_no_inline_script_and_loads_nothing_from_outside(staff: Client) -> None:
    response = staff.get("/api/v1/docs")
    assert response.status_code == 200
    html = response.content.decode()
    assert not INLINE_SCRIPT.findall(html), INLINE_SCRIPT.findall(html)
    assert _directives(response)["script-src"] == ["'self'"]
    # Swagger UI's default validator badge is an image from validator.swagger.io.
    assert '"validatorUrl": null' in html


@pytest.mark.parametrize(
    "path",
    [
        "/",
        "/console/map",
        "/api/v1/docs",
        "/api/v1/openapi.json",
        "/api/v1/org/departments",
        "/api/v1/no-such-endpoint",
        "/admin/login/",
        "/static/ninja/swagger-ui.css",
    ],
)
def test_no_page_can_be_framed(client: Client, built: Path, settings, path: str) -> None:
    settings.ZHIGUAN_API_DOCS_PUBLIC = True
    response = client.get(path)
    assert response.status_code < 500, response.status_code
    assert response["X-Frame-Options"] == "DENY", path
    assert _directives(response)["frame-ancestors"] == ["'none'"], path
    assert response["X-Content-Type-Options"] == "nosniff"


def _settings_in(tmp_path: Path, **env: str) -> dict:
    """The settings a fresh process computes from this environment."""
    code = (
        "import json, zhiguan.settings as s; print(json.dumps({k: getattr(s, k) for k in ["
        "'SECURE_SSL_REDIRECT', 'SECURE_HSTS_SECONDS', 'SESSION_COOKIE_SECURE', 'CSRF_COOKIE_SECURE',"
        "'LANGUAGE_COOKIE_SECURE', 'CSRF_TRUSTED_ORIGINS', 'SECURE_PROXY_SSL_HEADER', 'ZHIGUAN_API_DOCS_PUBLIC']}))"
    )
    base = {k: v for k, v in os.environ.items() if not k.startswith("ZHIGUAN_")}
    full = {**base, "ZHIGUAN_VAR_DIR": str(tmp_path), "ZHIGUAN_SECRET_KEY": "x" * 50, **env}
    out = subprocess.run([sys.executable, "-c", code], env=full, capture_output=True, text=True, check=True)
    return json.loads(out.stdout)


def test_https_switch_turns_on_hsts_redirect_and_secure_cookies(tmp_path: Path) -> None:
    plain = _settings_in(tmp_path)
    assert not plain["SECURE_SSL_REDIRECT"] and plain["SECURE_HSTS_SECONDS"] == 0
    assert not plain["SESSION_COOKIE_SECURE"] and not plain["CSRF_COOKIE_SECURE"]
    assert sorted(plain["CSRF_TRUSTED_ORIGINS"]) == ["http://127.0.0.1:8000", "http://localhost:8000"]
    assert plain["ZHIGUAN_API_DOCS_PUBLIC"] is False

    https = _settings_in(
        tmp_path,
        ZHIGUAN_HTTPS="true",
        ZHIGUAN_ALLOWED_HOSTS="cg.qiantang.gov.cn,.qt.gov.cn",
        ZHIGUAN_PORT="443",
    )
    assert https["SECURE_SSL_REDIRECT"] and https["SECURE_HSTS_SECONDS"] >= 31536000
    assert https["SESSION_COOKIE_SECURE"] and https["CSRF_COOKIE_SECURE"] and https["LANGUAGE_COOKIE_SECURE"]
    assert sorted(https["CSRF_TRUSTED_ORIGINS"]) == ["https://*.qt.gov.cn", "https://cg.qiantang.gov.cn"]

    # Each part can be turned off on its own (TLS ended at a load balancer that redirects itself).
    behind = _settings_in(
        tmp_path,
        ZHIGUAN_HTTPS="true",
        ZHIGUAN_SSL_REDIRECT="false",
        ZHIGUAN_HSTS_SECONDS="0",
        ZHIGUAN_PROXY_SSL_HEADER="X-Forwarded-Proto",
        ZHIGUAN_PORT="8443",
    )
    assert not behind["SECURE_SSL_REDIRECT"] and behind["SECURE_HSTS_SECONDS"] == 0
    assert behind["SESSION_COOKIE_SECURE"]
    assert behind["SECURE_PROXY_SSL_HEADER"] == ["HTTP_X_FORWARDED_PROTO", "https"]
    assert "https://localhost:8443" in behind["CSRF_TRUSTED_ORIGINS"]

    assert _settings_in(tmp_path, ZHIGUAN_DEBUG="true")["ZHIGUAN_API_DOCS_PUBLIC"] is True


def test_api_docs_and_openapi_document_need_a_log_in_in_production(client: Client, staff: Client, db) -> None:
    assert_error(client.get("/api/v1/openapi.json"), 401, "not_authenticated")
    docs = client.get("/api/v1/docs")
    assert docs.status_code == 302 and docs["Location"] == "/console/login?next=/api/v1/docs"
    assert staff.get("/api/v1/openapi.json").json()["info"]["title"] == "Zhiguan API"
    assert staff.get("/api/v1/docs").status_code == 200


def test_api_docs_can_be_made_public(client: Client, settings, db) -> None:
    settings.ZHIGUAN_API_DOCS_PUBLIC = True
    assert client.get("/api/v1/openapi.json").status_code == 200
    assert client.get("/api/v1/docs").status_code == 200


def test_a_machine_client_may_read_the_openapi_document(api_as, jurisdiction, client: Client) -> None:
    admin = api_as("admin", jurisdiction=jurisdiction)
    made = admin.post("org/clients", {"name": "网格系统", "kind": "integrated_system", "scopes": []}).json()
    token = admin.post(f"org/clients/{made['id']}/tokens", {}).json()["token"]
    spec = client.get("/api/v1/openapi.json", headers={"Authorization": f"Bearer {token}"})
    assert spec.status_code == 200
