"""The surveying department's base-map file (ZHIGUAN_BASEMAP_FILE), served tile by tile (decision 069)."""

from __future__ import annotations

import gzip
import os
import sqlite3
import zlib
from pathlib import Path
from typing import Any

import pytest
from pmtiles.tile import Compression, TileType, zxy_to_tileid
from pmtiles.writer import Writer

from tests.conftest import assert_error
from zhiguan import views


def png(seed: int) -> bytes:
    """A valid 1×1 PNG whose pixel differs by seed."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        return len(data).to_bytes(4, "big") + kind + data + zlib.crc32(kind + data).to_bytes(4, "big")

    raw = zlib.compress(b"\x00" + bytes([seed % 256, 40, 80]))
    ihdr = (1).to_bytes(4, "big") * 2 + bytes([8, 2, 0, 0, 0])
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", ihdr) + chunk(b"IDAT", raw) + chunk(b"IEND", b"")


def make_mbtiles(path: Path, tiles: dict[tuple[int, int, int], bytes], fmt: str = "png") -> Path:
    db = sqlite3.connect(path)
    db.execute("CREATE TABLE metadata (name TEXT, value TEXT)")
    db.execute(
        "CREATE TABLE tiles (zoom_level INTEGER, tile_column INTEGER, tile_row INTEGER, tile_data BLOB)"
    )
    meta = {"name": "钱塘区影像", "format": fmt, "minzoom": "12", "maxzoom": "14", "attribution": "区测绘院"}
    db.executemany("INSERT INTO metadata VALUES (?, ?)", list(meta.items()))
    for (z, x, y), data in tiles.items():  # XYZ given, TMS stored: row counted from the south
        db.execute("INSERT INTO tiles VALUES (?, ?, ?, ?)", (z, x, 2**z - 1 - y, data))
    db.commit()
    db.close()
    return path


def make_pmtiles(path: Path, tiles: dict[tuple[int, int, int], bytes], tile_type: Any = TileType.PNG) -> Path:
    with path.open("wb") as f:
        writer = Writer(f)
        for zxy in sorted(tiles, key=lambda t: zxy_to_tileid(*t)):
            writer.write_tile(zxy_to_tileid(*zxy), tiles[zxy])
        zooms = [z for z, _, _ in tiles]
        writer.finalize(
            {
                "tile_type": tile_type,
                "tile_compression": Compression.GZIP if tile_type == TileType.MVT else Compression.NONE,
                "min_zoom": min(zooms), "max_zoom": max(zooms),
                "min_lon_e7": int(120.2e7), "min_lat_e7": int(30.2e7),
                "max_lon_e7": int(120.6e7), "max_lat_e7": int(30.4e7),
                "center_zoom": 13, "center_lon_e7": int(120.4e7), "center_lat_e7": int(30.3e7),
            },
            {"attribution": "区测绘院", "name": "钱塘区影像"},
        )  # fmt: skip
    return path


TILES = {(13, 6834, 3380): png(1), (13, 6835, 3380): png(2), (14, 13669, 6761): png(3)}


@pytest.fixture
def api(api_as, jurisdiction):
    return api_as("dispatcher", jurisdiction=jurisdiction)


def get(api: Any, z: int, x: int, y: int, **headers: str) -> Any:
    return api.client.get(f"/api/v1/gis/tiles/{z}/{x}/{y}", headers=headers)


@pytest.mark.parametrize("kind", ["mbtiles", "pmtiles"])
def test_tiles_come_back_with_their_bytes_type_and_cache_headers(api, settings, tmp_path, kind):
    maker = make_mbtiles if kind == "mbtiles" else make_pmtiles
    settings.ZHIGUAN_BASEMAP_FILE = str(maker(tmp_path / f"base.{kind}", TILES))
    for (z, x, y), data in TILES.items():
        r = get(api, z, x, y)
        assert r.status_code == 200 and r.content == data, (z, x, y)
        assert r["Content-Type"] == "image/png"
        assert "max-age=86400" in r["Cache-Control"] and r["ETag"]
    # The neighbour tile is another picture (the y flip of MBTiles puts each where it belongs).
    assert get(api, 13, 6834, 3380).content != get(api, 13, 6835, 3380).content
    etag = get(api, 13, 6834, 3380)["ETag"]
    assert get(api, 13, 6834, 3380, if_none_match=etag).status_code == 304
    assert_error(get(api, 13, 6834, 3381), 404, "tile_not_found")
    assert_error(get(api, 3, 99, 0), 404, "tile_not_found")
    manifest = api.client.get("/api/v1/gis/basemap").json()
    assert manifest["background"] == "file"
    tf = manifest["tile_file"]
    assert (tf["format"], tf["tile_type"], tf["raster"], tf["attribution"]) == (kind, "png", True, "区测绘院")
    assert tf["max_zoom"] == 14 and tf["url"] == "/api/v1/gis/tiles/{z}/{x}/{y}"


def test_mbtiles_rows_are_flipped_from_tms(api, settings, tmp_path):
    # Stored at TMS row 0 of zoom 1 (the southern row): the XYZ tile y=1.
    path = tmp_path / "flip.mbtiles"
    make_mbtiles(path, {(1, 0, 1): png(9)})
    settings.ZHIGUAN_BASEMAP_FILE = str(path)
    row = sqlite3.connect(path).execute("SELECT tile_row FROM tiles").fetchone()
    assert row == (0,)
    assert get(api, 1, 0, 1).content == png(9)
    assert_error(get(api, 1, 0, 0), 404, "tile_not_found")


def test_vector_pmtiles_are_sent_gzip_encoded(api, settings, tmp_path):
    pbf = gzip.compress(b"\x1a\x05layer")
    settings.ZHIGUAN_BASEMAP_FILE = str(
        make_pmtiles(tmp_path / "v.pmtiles", {(12, 3417, 1690): pbf}, TileType.MVT)
    )
    r = get(api, 12, 3417, 1690)
    assert r.status_code == 200 and r.content == pbf
    assert r["Content-Type"] == "application/x-protobuf" and r["Content-Encoding"] == "gzip"
    # A vector file is no background for the console: it keeps its own layers.
    manifest = api.client.get("/api/v1/gis/basemap").json()
    assert manifest["tile_file"]["raster"] is False and manifest["background"] == "vector"


def test_not_configured_and_precedence_over_the_tile_url(api, settings, tmp_path):
    settings.ZHIGUAN_BASEMAP_FILE = ""
    assert_error(get(api, 13, 6834, 3380), 404, "no_basemap_file")
    settings.ZHIGUAN_MAP_TILE_URL = "http://tiles.local/{z}/{x}/{y}.png"
    assert api.client.get("/api/v1/gis/basemap").json()["background"] == "url"
    settings.ZHIGUAN_BASEMAP_FILE = str(make_mbtiles(tmp_path / "b.mbtiles", TILES))
    assert api.client.get("/api/v1/gis/basemap").json()["background"] == "file"
    config = views._runtime_config()
    assert '"mapTileFileUrl": "/api/v1/gis/tiles/{z}/{x}/{y}"' in config and "tiles.local" in config


@pytest.mark.parametrize("name", ["bad.mbtiles", "bad.pmtiles", "missing.mbtiles", "base.tif"])
def test_a_corrupt_or_missing_file_is_a_clear_error_not_a_500(api, settings, tmp_path, name):
    path = tmp_path / name
    if not name.startswith("missing"):
        path.write_bytes(b"this is not a tile archive" * 10)
    settings.ZHIGUAN_BASEMAP_FILE = str(path)
    assert_error(get(api, 13, 6834, 3380), 503, "basemap_file_unreadable")
    manifest = api.client.get("/api/v1/gis/basemap")
    assert manifest.status_code == 200 and manifest.json()["tile_file"] is None


def test_a_new_edition_of_the_file_is_picked_up(api, settings, tmp_path):
    path = make_mbtiles(tmp_path / "base.mbtiles", TILES)
    settings.ZHIGUAN_BASEMAP_FILE = str(path)
    assert get(api, 13, 6834, 3380).content == png(1)
    path.unlink()
    make_mbtiles(path, {(13, 6834, 3380): png(7)})
    stat = path.stat()
    os.utime(path, (stat.st_atime, stat.st_mtime + 5))
    assert get(api, 13, 6834, 3380).content == png(7)


def test_anonymous_gets_no_tiles(anonymous_api, settings, tmp_path):
    settings.ZHIGUAN_BASEMAP_FILE = str(make_mbtiles(tmp_path / "base.mbtiles", TILES))
    assert anonymous_api.client.get("/api/v1/gis/tiles/13/6834/3380").status_code == 401
