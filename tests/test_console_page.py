"""The web console's page: served by Django for / and /console/..., with /api/ and /admin/ untouched."""

from __future__ import annotations

from pathlib import Path

import pytest
from django.test import Client

from zhiguan import views


@pytest.fixture
def built(tmp_path: Path, settings, db) -> Path:
    (tmp_path / "index.html").write_text(
        '<html><head><!--zhiguan-config--></head><body><div id="app"></div></body></html>',
        encoding="utf-8",
    )
    (tmp_path / "citizen.html").write_text(
        '<html><head><title>citizen</title><!--zhiguan-config--></head><body><div id="app"></div></body></html>',
        encoding="utf-8",
    )
    settings.ZHIGUAN_WEB_DIST = tmp_path
    settings.ZHIGUAN_MAP_TILE_URL = "http://tiles.intranet/{z}/{x}/{y}.png?a=</script>"
    views._cache.clear()
    return tmp_path


CONSOLE_PATHS = ["/console", "/console/", "/console/map", "/console/people/7"]
CITIZEN_PATHS = ["/", "/follow", "/follow/", "/follow/ZG20260101000001", "/rate"]


@pytest.mark.parametrize("path", CONSOLE_PATHS + CITIZEN_PATHS)
def test_console_routes_serve_the_built_page_with_its_settings(
    client: Client, built: Path, path: str
) -> None:
    response = client.get(path)
    assert response.status_code == 200
    html = response.content.decode()
    assert '<div id="app">' in html
    # The citizen's paths get the portal's own page (its small bundle), the console's the console.
    assert ("<title>citizen</title>" in html) == (path in CITIZEN_PATHS)
    # The settings arrive as an inert JSON data block (the policy runs no inline script).
    assert '<script type="application/json" id="zhiguan-config">' in html
    # The tile address arrives intact but cannot close the script element early.
    assert "tiles.intranet" in html
    assert '</script>"' not in html and "a=\\u003c/script\\u003e" in html
    assert "no-cache" in response["Cache-Control"]
    assert "csrftoken" in response.cookies


def test_without_a_build_the_page_says_how_to_make_one(client: Client, tmp_path: Path, settings) -> None:
    settings.ZHIGUAN_WEB_DIST = tmp_path / "missing"
    views._cache.clear()
    response = client.get("/console/map")
    assert response.status_code == 503
    assert "make web" in response.content.decode()


def test_api_and_admin_are_not_taken_by_the_console(client: Client, built: Path) -> None:
    response = client.get("/api/v1/no-such-thing")
    assert response.status_code == 404
    assert response.json()["error"]["code"] == "not_found"
    assert client.get("/admin/").status_code == 302


def test_no_two_api_schemas_share_a_name() -> None:
    # Django Ninja names OpenAPI components by class name: a second schema with the same name
    # silently replaces the first, and the generated TypeScript client gets the wrong shape.
    from ninja import Schema

    from zhiguan.api import api

    api.get_openapi_schema()
    seen: dict[str, set[str]] = {}
    stack = list(Schema.__subclasses__())
    while stack:
        cls = stack.pop()
        stack.extend(cls.__subclasses__())
        if cls.__module__.startswith("zhiguan."):
            seen.setdefault(cls.__name__, set()).add(f"{cls.__module__}.{cls.__qualname__}")
    clashes = {name: sorted(where) for name, where in seen.items() if len(where) > 1}
    assert not clashes, clashes


def test_a_single_district_installation_names_its_district_for_the_citizen_pages(
    client: Client, built: Path
) -> None:
    from zhiguan.tenancy.models import Jurisdiction

    Jurisdiction.objects.create(code="330114", name="钱塘区")
    assert '"jurisdiction": "330114"' in client.get("/").content.decode()
    Jurisdiction.objects.create(code="330108", name="滨江区")
    assert '"jurisdiction": null' in client.get("/").content.decode()


@pytest.mark.parametrize(("path", "target"), [("/console/citizen", "/"), ("/console/citizen/?x=1", "/?x=1")])
def test_the_consoles_old_citizen_address_leads_to_the_portal(
    client: Client, built: Path, path: str, target: str
) -> None:
    response = client.get(path)
    assert response.status_code == 301
    assert response["Location"] == target


def test_other_paths_are_not_taken_by_the_portal(client: Client, built: Path) -> None:
    assert client.get("/no-such-page").status_code == 404
    assert client.get("/follow/a/b").status_code == 404
