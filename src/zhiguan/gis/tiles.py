"""The surveying department's base-map file (ZHIGUAN_BASEMAP_FILE: .mbtiles or .pmtiles), tile by tile.

Opened once per process and opened again when the file's modification time changes (a new edition
copied over the old one). MBTiles is SQLite with TMS rows (y counted from the south: flipped here);
PMTiles is read with the `pmtiles` package over a memory map. Raster tiles (png/jpg/webp) are what
the console shows as its 影像 background; a vector (pbf) archive is served for other clients while
the console keeps drawing its own vector layers (decision 069).
"""

from __future__ import annotations

import hashlib
import json
import mmap
import os
import sqlite3
import threading
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from django.conf import settings
from django.utils.translation import gettext_lazy as _

from zhiguan.errors import DomainError, NotFound

TILE_URL = "/api/v1/gis/tiles/{z}/{x}/{y}"
CONTENT_TYPES = {
    "png": "image/png",
    "jpg": "image/jpeg",
    "jpeg": "image/jpeg",
    "webp": "image/webp",
    "avif": "image/avif",
    "pbf": "application/x-protobuf",
    "mvt": "application/x-protobuf",
}
RASTER = {"png", "jpg", "jpeg", "webp", "avif"}
_PMTILES_TYPES = {1: "pbf", 2: "png", 3: "jpg", 4: "webp", 5: "avif"}


class NoBasemapFile(NotFound):
    code = "no_basemap_file"
    default_message = _("No base map file is configured (ZHIGUAN_BASEMAP_FILE).")


class TileNotFound(NotFound):
    code = "tile_not_found"
    default_message = _("The base map file has no tile here.")


class BasemapFileUnreadable(DomainError):
    code = "basemap_file_unreadable"
    status = 503
    default_message = _("The base map file cannot be read; ask the administrator to check it.")


def _sniff(data: bytes) -> str:
    if data[:8] == b"\x89PNG\r\n\x1a\n":
        return "png"
    if data[:3] == b"\xff\xd8\xff":
        return "jpg"
    if data[:4] == b"RIFF" and data[8:12] == b"WEBP":
        return "webp"
    return "pbf"


@dataclass
class Tile:
    data: bytes
    content_type: str
    # "gzip" when the bytes are gzip-compressed vector data (sent with Content-Encoding: gzip).
    encoding: str | None
    etag: str


@dataclass
class Archive:
    path: Path
    mtime: float
    format: str  # "mbtiles" | "pmtiles"
    tile_type: str
    min_zoom: int
    max_zoom: int
    attribution: str
    name: str
    bounds: list[float] | None
    _db: sqlite3.Connection | None = None
    _reader: Any = None
    _map: mmap.mmap | None = None
    _file: Any = None
    _gzip: bool = False
    _lock: threading.Lock = field(default_factory=threading.Lock)

    def get(self, z: int, x: int, y: int) -> Tile | None:
        if not (0 <= z <= 30 and 0 <= x < 2**z and 0 <= y < 2**z):
            return None
        try:
            with self._lock:
                if self._db is not None:
                    row = self._db.execute(
                        "SELECT tile_data FROM tiles WHERE zoom_level=? AND tile_column=? AND tile_row=?",
                        (z, x, (2**z - 1) - y),
                    ).fetchone()
                    data = bytes(row[0]) if row and row[0] is not None else None
                else:
                    raw = self._reader.get(z, x, y)
                    data = bytes(raw) if raw else None
        except (sqlite3.Error, ValueError, IndexError, KeyError, OSError) as e:
            raise BasemapFileUnreadable(reason=type(e).__name__) from e
        if not data:
            return None
        kind = self.tile_type if self.tile_type in CONTENT_TYPES else _sniff(data)
        encoding = None
        if kind in ("pbf", "mvt") and (self._gzip or data[:2] == b"\x1f\x8b"):
            encoding = "gzip"
        etag = f'"{hashlib.sha256(data).hexdigest()[:32]}"'
        return Tile(
            data=data,
            content_type=CONTENT_TYPES.get(kind, "application/octet-stream"),
            encoding=encoding,
            etag=etag,
        )

    def close(self) -> None:
        if self._db is not None:
            self._db.close()
        if self._map is not None:
            self._map.close()
        if self._file is not None:
            self._file.close()

    def describe(self) -> dict[str, Any]:
        return {
            "format": self.format,
            "tile_type": self.tile_type,
            "raster": self.tile_type in RASTER,
            "min_zoom": self.min_zoom,
            "max_zoom": self.max_zoom,
            "attribution": self.attribution,
            "name": self.name,
            "bounds": self.bounds,
            "url": TILE_URL,
        }


def _open_mbtiles(path: Path, mtime: float) -> Archive:
    db = sqlite3.connect(f"file:{path}?mode=ro&immutable=1", uri=True, check_same_thread=False)
    meta = dict(db.execute("SELECT name, value FROM metadata").fetchall())
    zooms = db.execute("SELECT MIN(zoom_level), MAX(zoom_level) FROM tiles").fetchone()
    fmt = str(meta.get("format", "")).lower()
    if not fmt:
        first = db.execute("SELECT tile_data FROM tiles LIMIT 1").fetchone()
        fmt = _sniff(bytes(first[0])) if first else "png"
    bounds = None
    if meta.get("bounds"):
        try:
            bounds = [float(v) for v in str(meta["bounds"]).split(",")][:4]
        except ValueError:
            bounds = None
    return Archive(
        path=path,
        mtime=mtime,
        format="mbtiles",
        tile_type=fmt,
        min_zoom=int(meta.get("minzoom", zooms[0] if zooms[0] is not None else 0)),
        max_zoom=int(meta.get("maxzoom", zooms[1] if zooms[1] is not None else 0)),
        attribution=str(meta.get("attribution", "")),
        name=str(meta.get("name", "")),
        bounds=bounds,
        _db=db,
        # Vector MBTiles are gzip-compressed by convention.
        _gzip=fmt in ("pbf", "mvt"),
    )


def _open_pmtiles(path: Path, mtime: float) -> Archive:
    from pmtiles.reader import Reader
    from pmtiles.tile import Compression

    f = path.open("rb")
    try:
        mapping = mmap.mmap(f.fileno(), 0, access=mmap.ACCESS_READ)
        reader = Reader(lambda offset, length: mapping[offset : offset + length])
        header = reader.header()
        try:
            metadata = reader.metadata()
        except (ValueError, json.JSONDecodeError, OSError):
            metadata = {}
    except Exception:
        f.close()
        raise
    tile_type = header["tile_type"]
    kind = _PMTILES_TYPES.get(int(getattr(tile_type, "value", tile_type)), "pbf")
    compression = header.get("tile_compression")
    bounds = [header[k] for k in ("min_lon_e7", "min_lat_e7", "max_lon_e7", "max_lat_e7") if k in header]
    return Archive(
        path=path,
        mtime=mtime,
        format="pmtiles",
        tile_type=kind,
        min_zoom=int(header.get("min_zoom", 0)),
        max_zoom=int(header.get("max_zoom", 0)),
        attribution=str(metadata.get("attribution", "")) if isinstance(metadata, dict) else "",
        name=str(metadata.get("name", "")) if isinstance(metadata, dict) else "",
        bounds=[b / 1e7 for b in bounds] if len(bounds) == 4 else None,
        _reader=reader,
        _map=mapping,
        _file=f,
        _gzip=compression == Compression.GZIP,
    )


_current: Archive | None = None
_open_lock = threading.Lock()


def configured_path() -> Path | None:
    value = getattr(settings, "ZHIGUAN_BASEMAP_FILE", "") or ""
    return Path(value) if value else None


def archive() -> Archive:
    """The configured file, opened (again when it changed on disk); NoBasemapFile when none is set,
    BasemapFileUnreadable when it is missing or not an MBTiles/PMTiles file."""
    global _current
    path = configured_path()
    if path is None:
        raise NoBasemapFile()
    try:
        mtime = os.stat(path).st_mtime
    except OSError as e:
        raise BasemapFileUnreadable(reason="missing") from e
    current = _current
    if current is not None and current.path == path and current.mtime == mtime:
        return current
    with _open_lock:
        if _current is not None and _current.path == path and _current.mtime == mtime:
            return _current
        suffix = path.suffix.lower()
        try:
            if suffix == ".mbtiles":
                opened = _open_mbtiles(path, mtime)
            elif suffix == ".pmtiles":
                opened = _open_pmtiles(path, mtime)
            else:
                raise BasemapFileUnreadable(reason="unknown_format")
        except BasemapFileUnreadable:
            raise
        except Exception as e:  # a corrupt file of either kind: sqlite3, pmtiles, mmap errors
            raise BasemapFileUnreadable(reason=type(e).__name__) from e
        if _current is not None:
            _current.close()
        _current = opened
        return opened


def tile(z: int, x: int, y: int) -> Tile:
    found = archive().get(z, x, y)
    if found is None:
        raise TileNotFound(z=z, x=x, y=y)
    return found


def describe() -> dict[str, Any] | None:
    """The configured file's format and zooms for the manifest and the console; None when none is
    configured or it cannot be read (the console then falls back to the tile URL or its own layers)."""
    try:
        return archive().describe()
    except (NoBasemapFile, BasemapFileUnreadable):
        return None


def tile_url_setting() -> str:
    return getattr(settings, "ZHIGUAN_MAP_TILE_URL", "") or ""


def background(described: dict[str, Any] | None) -> str:
    """Which background the console draws under its own layers: "file" > "url" > "vector" (none)."""
    if described and described.get("raster"):
        return "file"
    if tile_url_setting():
        return "url"
    return "vector"


def console_config() -> dict[str, Any]:
    """The keys of the console's runtime config (web/src/config.ts) for its map background."""
    described = describe()
    raster = bool(described and described.get("raster"))
    return {
        "mapTileFileUrl": TILE_URL if raster else "",
        "mapTileFileMaxZoom": described["max_zoom"] if raster and described else 0,
        "mapTileFileAttribution": described["attribution"] if raster and described else "",
    }
