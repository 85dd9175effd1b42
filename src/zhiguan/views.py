"""The web console (web/, a Vue single-page app): its index.html for / and every /console/... route.

The built files are collected as static files under /static/console/; this view serves only the
page that loads them, with the runtime settings the console needs put into it as an inert JSON data
block (the Content-Security-Policy runs no inline script), so that nothing is fetched from outside
the installation. Without a build it explains how to make one.
"""

from __future__ import annotations

import json
from pathlib import Path

from django.conf import settings
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.utils.translation import gettext as _
from django.views import csrf
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import ensure_csrf_cookie

from zhiguan.tenancy.models import Jurisdiction

_CONFIG_MARK = "<!--zhiguan-config-->"
_cache: dict[str, tuple[float, str]] = {}


def _index_html() -> str | None:
    index = Path(settings.ZHIGUAN_WEB_DIST) / "index.html"
    try:
        mtime = index.stat().st_mtime
    except OSError:
        return None
    cached = _cache.get("index")
    if cached is None or cached[0] != mtime:
        cached = (mtime, index.read_text(encoding="utf-8"))
        _cache["index"] = cached
    return cached[1]


def _runtime_config() -> str:
    # The citizen pages need a district; an installation serving one district names it here.
    active = list(Jurisdiction.objects.filter(active=True).values_list("code", flat=True)[:2])
    config = {
        "mapTileUrl": settings.ZHIGUAN_MAP_TILE_URL,
        "adminUrl": "/admin/",
        "apiDocsUrl": "/api/v1/docs",
        "jurisdiction": active[0] if len(active) == 1 else None,
    }
    text = json.dumps(config, ensure_ascii=False)
    # Inside <script>, "</" or "<!--" in a value must not end or confuse the element.
    text = text.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")
    # Data, not code: read by web/src/config.ts, never run, so the policy needs no inline script.
    return f'<script type="application/json" id="zhiguan-config">{text}</script>'


@never_cache
@ensure_csrf_cookie
def console(request: HttpRequest, path: str = "") -> HttpResponse:
    html = _index_html()
    if html is None:
        return render(request, "zhiguan/console_missing.html", status=503)
    return HttpResponse(
        html.replace(_CONFIG_MARK, _runtime_config(), 1), content_type="text/html; charset=utf-8"
    )


def csrf_failure(request: HttpRequest, reason: str = "") -> HttpResponse:
    """Django's CSRF refusal: the one error shape under /api/, Django's own page elsewhere."""
    if request.path.startswith("/api/"):
        message = _("The page has expired or the request came from elsewhere; reload the page and try again.")
        return JsonResponse({"error": {"code": "csrf_failed", "message": message, "details": {}}}, status=403)
    return csrf.csrf_failure(request, reason=reason)
