"""Sending a large, rarely changing API document cheaply: compressed, with an ETag, 304 when unchanged.

Used for the map outlines (`/api/v1/geo/areas.geojson` and the citizen portal's public ones): a
phone on a slow line fetches them once and afterwards only asks whether they changed. Static files
get the same from WhiteNoise (`zhiguan.staticfiles`); this is for responses built by a view.
Only public-or-scoped data that holds no secret goes through here: compressing a response that
mixes a secret with text an attacker controls would open it to BREACH-style guessing.
"""

from __future__ import annotations

import gzip

import brotli
from django.http import HttpRequest, HttpResponse, HttpResponseNotModified
from django.utils.cache import get_conditional_response, patch_vary_headers

# Both are built once per document and kept with it, so the level costs CPU only then.
BROTLI_QUALITY = 9
GZIP_LEVEL = 9
# Below this a compressed copy saves less than its headers cost.
MIN_COMPRESS_BYTES = 1024


def compressed(body: bytes) -> dict[str, bytes]:
    """The brotli ("br") and gzip forms of `body` worth sending (none for a small body)."""
    if len(body) < MIN_COMPRESS_BYTES:
        return {}
    return {
        "br": brotli.compress(body, quality=BROTLI_QUALITY),
        "gzip": gzip.compress(body, compresslevel=GZIP_LEVEL, mtime=0),
    }


def accepted_encoding(request: HttpRequest, offered: dict[str, bytes]) -> str | None:
    """The best of `offered` the client accepts (brotli before gzip), or None."""
    accepted = set()
    for part in request.headers.get("Accept-Encoding", "").split(","):
        name, _, params = part.strip().partition(";")
        if params.replace(" ", "").lower() in ("q=0", "q=0.0", "q=0.00", "q=0.000"):
            continue
        accepted.add(name.strip().lower())
    for encoding in ("br", "gzip"):
        if encoding in offered and (encoding in accepted or "*" in accepted):
            return encoding
    return None


def cacheable_response(
    request: HttpRequest,
    *,
    body: bytes,
    etag: str,
    encoded: dict[str, bytes],
    cache_control: str,
    content_type: str = "application/json; charset=utf-8",
) -> HttpResponse:
    """`body` (or its compressed form the client accepts), or 304 Not Modified when the client's
    If-None-Match names `etag`; both carry the ETag and `cache_control`."""
    not_modified = get_conditional_response(request, etag=etag)
    response: HttpResponse
    if isinstance(not_modified, HttpResponseNotModified):
        response = not_modified
    else:
        encoding = accepted_encoding(request, encoded)
        response = HttpResponse(encoded[encoding] if encoding else body, content_type=content_type)
        if encoding:
            response["Content-Encoding"] = encoding
    response["ETag"] = etag
    response["Cache-Control"] = cache_control
    patch_vary_headers(response, ["Accept-Encoding"])
    return response
