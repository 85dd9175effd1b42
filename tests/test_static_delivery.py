"""Static files for a slow phone: after collectstatic each built file has a .br and a .gz beside it,
WhiteNoise sends the one the browser accepts, Vite's hashed files are cached for a year, the pages
are never cached; / is the citizen portal, /console/ the staff console (decision 067)."""

from __future__ import annotations

import gzip
import os
from collections.abc import Iterator
from pathlib import Path

import brotli
import pytest
from django.core.management import call_command
from django.test import Client

from zhiguan import views

HASHED_JS = "assets/citizen-B61il-j4.js"
HASHED_CSS = "assets/element-plus-CVU5VGKD.css"
# In the build's root, as Vite copies web/public/: no hash in the name, so not cached for long.
PLAIN = "robots.txt"
YEAR = "max-age=31536000"


def _script() -> bytes:
    # Like a real chunk: long enough to be worth compressing, and not trivially so.
    lines = [f"export const label{i} = 'area-{i}-' + String({i} * 7);" for i in range(2000)]
    return "\n".join(lines).encode()


@pytest.fixture
def collected(tmp_path: Path, settings, db) -> Iterator[Path]:
    dist = tmp_path / "dist"
    (dist / "assets").mkdir(parents=True)
    (dist / "index.html").write_text(
        "<html><head><title>console</title><!--zhiguan-config--></head><body></body></html>", encoding="utf-8"
    )
    (dist / "citizen.html").write_text(
        "<html><head><title>citizen</title><!--zhiguan-config-->"
        f'<script type="module" src="/static/console/{HASHED_JS}"></script></head><body></body></html>',
        encoding="utf-8",
    )
    (dist / HASHED_JS).write_bytes(_script())
    (dist / HASHED_CSS).write_bytes(b"".join(b".el-x%d{color:#%06x}\n" % (i, i) for i in range(3000)))
    (dist / PLAIN).write_bytes(b"User-agent: *\nDisallow: /api/\n" * 60)
    settings.ZHIGUAN_WEB_DIST = dist
    settings.STATICFILES_DIRS = [("console", dist)]
    # Only the build: the admin's and the API docs' files would take seconds to compress.
    settings.STATICFILES_FINDERS = ["django.contrib.staticfiles.finders.FileSystemFinder"]
    settings.STATIC_ROOT = tmp_path / "static"
    views._cache.clear()
    call_command("collectstatic", interactive=False, verbosity=0)
    yield tmp_path / "static" / "console"
    views._cache.clear()


def _body(response) -> bytes:
    return b"".join(response.streaming_content) if response.streaming else response.content


def test_collectstatic_writes_brotli_and_gzip_beside_each_file(collected: Path) -> None:
    for name in (HASHED_JS, HASHED_CSS, PLAIN):
        original = (collected / name).read_bytes()
        assert brotli.decompress((collected / f"{name}.br").read_bytes()) == original
        assert gzip.decompress((collected / f"{name}.gz").read_bytes()) == original


@pytest.mark.parametrize(
    ("accept", "encoding"), [("gzip, deflate, br", "br"), ("gzip, deflate", "gzip"), ("", None)]
)
def test_a_hashed_asset_is_sent_compressed_and_cached_for_a_year(
    collected: Path, accept: str, encoding: str | None
) -> None:
    response = Client().get(f"/static/console/{HASHED_JS}", headers={"accept-encoding": accept})
    assert response.status_code == 200
    body = _body(response)
    original = (collected / HASHED_JS).read_bytes()
    assert response.get("Content-Encoding") == encoding
    if encoding == "br":
        assert brotli.decompress(body) == original and len(body) < len(original) / 3
    elif encoding == "gzip":
        assert gzip.decompress(body) == original and len(body) < len(original) / 3
    else:
        assert body == original
    assert response["Content-Type"].startswith("text/javascript")
    assert {part.strip() for part in response["Cache-Control"].split(",")} == {YEAR, "public", "immutable"}
    assert "Accept-Encoding" in response["Vary"]
    # The policy still travels with static files (decision 042).
    assert "script-src 'self'" in response["Content-Security-Policy"]


def test_a_file_without_a_hash_in_its_name_is_not_cached_for_long(collected: Path) -> None:
    response = Client().get(f"/static/console/{PLAIN}", headers={"accept-encoding": "br"})
    assert response.status_code == 200
    assert response["Content-Encoding"] == "br"
    assert YEAR not in response["Cache-Control"] and "immutable" not in response["Cache-Control"]


def test_the_pages_are_never_cached_and_each_path_gets_its_own(collected: Path) -> None:
    client = Client()
    for path, title in (("/", "citizen"), ("/follow/ZG1", "citizen"), ("/console/", "console")):
        response = client.get(path)
        assert response.status_code == 200
        assert f"<title>{title}</title>" in response.content.decode()
        assert "no-cache" in response["Cache-Control"] and "no-store" in response["Cache-Control"]
        assert "immutable" not in response["Cache-Control"]


def test_a_collected_file_wins_over_the_same_file_found_in_the_build(collected: Path) -> None:
    # WhiteNoise's finders pass (kept for tests and a fresh checkout) would otherwise replace the
    # collected file, whose compressed forms lie beside it, by the uncompressed source.
    response = Client().get(f"/static/console/{HASHED_CSS}", headers={"accept-encoding": "br"})
    # The build has no compressed forms: only the collected copy can have answered.
    assert not list((collected.parent.parent / "dist").rglob("*.br"))
    assert response["Content-Encoding"] == "br"
    assert brotli.decompress(_body(response)) == (collected / HASHED_CSS).read_bytes()


def test_a_second_collectstatic_compresses_only_what_changed(collected: Path) -> None:
    # `zhiguan serve` collects at every start: a file already compressed keeps its compressed forms
    # (marked here, with the time of its file, as the compressor leaves them), a changed one is
    # compressed again.
    css, css_br = collected / HASHED_CSS, collected / f"{HASHED_CSS}.br"
    css_br.write_bytes(b"left alone")
    os.utime(css_br, ns=(css.stat().st_atime_ns, css.stat().st_mtime_ns))
    source = collected.parent.parent / "dist" / HASHED_JS
    source.write_bytes(_script() + b"\nexport const added = 1;")
    later = source.stat().st_mtime + 10
    os.utime(source, (later, later))
    call_command("collectstatic", interactive=False, verbosity=0)
    assert css_br.read_bytes() == b"left alone"
    assert brotli.decompress((collected / f"{HASHED_JS}.br").read_bytes()).endswith(
        b"export const added = 1;"
    )
