"""The two pages of the web build (web/, Vue): the citizen portal (citizen.html) at / and its
public paths, the staff console (index.html) at every /console/... route.

The built files are collected as static files under /static/console/ (compressed, cached for a
year under their hashed names: zhiguan.staticfiles); these views serve only the pages that load
them, never cached, with the runtime settings put into them as an inert JSON data block (the
Content-Security-Policy runs no inline script), so that nothing is fetched from outside the
installation. Without a build they explain how to make one.
"""

from __future__ import annotations

import json
from pathlib import Path

from django.conf import settings
from django.http import HttpRequest, HttpResponse, HttpResponsePermanentRedirect, JsonResponse
from django.shortcuts import render
from django.utils.translation import gettext as _
from django.views import csrf
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import ensure_csrf_cookie

from zhiguan.gis import tiles
from zhiguan.tenancy.models import Jurisdiction

_CONFIG_MARK = "<!--zhiguan-config-->"
_cache: dict[str, tuple[float, str]] = {}


CONSOLE_PAGE = "index.html"
CITIZEN_PAGE = "citizen.html"


def _page_html(name: str) -> str | None:
    page = Path(settings.ZHIGUAN_WEB_DIST) / name
    try:
        mtime = page.stat().st_mtime
    except OSError:
        return None
    cached = _cache.get(name)
    if cached is None or cached[0] != mtime:
        cached = (mtime, page.read_text(encoding="utf-8"))
        _cache[name] = cached
    return cached[1]


def _serve_page(request: HttpRequest, name: str) -> HttpResponse:
    html = _page_html(name)
    if html is None:
        return render(request, "zhiguan/console_missing.html", status=503)
    return HttpResponse(
        html.replace(_CONFIG_MARK, _runtime_config(), 1), content_type="text/html; charset=utf-8"
    )


def _runtime_config() -> str:
    # The citizen pages need a district; an installation serving one district names it here.
    active = list(Jurisdiction.objects.filter(active=True).values_list("code", flat=True)[:2])
    config = {
        "mapTileUrl": settings.ZHIGUAN_MAP_TILE_URL,
        # The base-map file's raster tiles, when configured (they come before mapTileUrl).
        **tiles.console_config(),
        "adminUrl": "/admin/",
        "apiDocsUrl": "/api/v1/docs",
        "jurisdiction": active[0] if len(active) == 1 else None,
    }
    text = json.dumps(config, ensure_ascii=False)
    # Inside <script>, "</" or "<!--" in a value must not end or confuse the element.
    text = text.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")
    # Data, not code: read by web/src/config.ts, never run, so the policy needs no inline script.
    return f'<script type="application/json" id="zhiguan-config">{text}</script>'


# Never cached (no-cache, no-store): a new build reaches every phone at its next visit, while the
# hashed files the page names stay cached for a year.
@never_cache
@ensure_csrf_cookie
def console(request: HttpRequest, path: str = "") -> HttpResponse:
    """The staff console, for /console/ and every client route under it."""
    return _serve_page(request, CONSOLE_PAGE)


@never_cache
@ensure_csrf_cookie
def citizen(request: HttpRequest, **route: str) -> HttpResponse:
    """The citizen portal (its own small bundle), for / and its public paths (web/src/citizen/router.ts)."""
    return _serve_page(request, CITIZEN_PAGE)


def console_citizen(request: HttpRequest) -> HttpResponse:
    """The console's old address of the citizen pages: they live at / now."""
    query = request.META.get("QUERY_STRING", "")
    return HttpResponsePermanentRedirect("/" + (f"?{query}" if query else ""))


def csrf_failure(request: HttpRequest, reason: str = "") -> HttpResponse:
    """Django's CSRF refusal: the one error shape under /api/, Django's own page elsewhere."""
    if request.path.startswith("/api/"):
        message = _("The page has expired or the request came from elsewhere; reload the page and try again.")
        return JsonResponse({"error": {"code": "csrf_failed", "message": message, "details": {}}}, status=403)
    return csrf.csrf_failure(request, reason=reason)
