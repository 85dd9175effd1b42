"""The GeoReport v2 endpoints under /open311/v2/: plain Django views, because the standard fixes the
formats (XML, JSON by suffix), the form-encoded POST and its own error document, none of which is
the platform's JSON API (docs/decisions/075-open311-georeport-v2.md)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.core.exceptions import RequestDataTooBig, TooManyFieldsSent
from django.http import HttpRequest, HttpResponse, QueryDict
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt

from zhiguan.errors import DomainError, Forbidden, InvalidInput, NotFound, RateLimited
from zhiguan.intake.open311 import lookups, queries, render, services
from zhiguan.intake.open311.models import Open311Key
from zhiguan.schemas import is_unclean
from zhiguan.tenancy.models import Jurisdiction
from zhiguan.throttling import AnonThrottle

FORMATS = ("xml", "json")


class AddressThrottle(AnonThrottle):
    """Open311 requests per client address (every endpoint), in their own bucket: a flood of the
    public API never spends the staff's allowance, which is counted per person."""

    def get_cache_key(self, request: HttpRequest) -> str:
        return self.cache_format % {"scope": self.scope, "ident": self.get_ident(request)}


class KeyThrottle(AnonThrottle):
    """Open311 writes per API key, wherever they come from."""

    def get_cache_key(self, request: HttpRequest) -> str | None:
        key: Open311Key | None = getattr(request, "open311_key", None)
        return None if key is None else self.cache_format % {"scope": self.scope, "ident": key.prefix}


def _status(exc: DomainError) -> int:
    if isinstance(exc, NotFound):
        return 404
    if isinstance(exc, Forbidden):
        return 403
    if isinstance(exc, RateLimited):
        return 429
    return 400


def _params(request: HttpRequest) -> dict[str, list[str]]:
    merged: dict[str, list[str]] = {}
    sources: list[QueryDict] = [request.GET]
    if request.method == "POST":
        sources.append(request.POST)
    for source in sources:
        for key, values in source.lists():
            if is_unclean(key):
                raise InvalidInput(_("A parameter name holds control characters."), code="parameter")
            merged.setdefault(key, []).extend(values)
    return merged


def _one(params: dict[str, list[str]], name: str) -> str:
    values = params.get(name) or [""]
    value = values[-1].strip()
    if len(value) > 255 or is_unclean(value):
        raise InvalidInput(_("%(name)s is not valid.") % {"name": name}, code=name)
    return value


def _jurisdiction(params: dict[str, list[str]]) -> Jurisdiction:
    """`jurisdiction_id` (an administrative code; empty counts as absent), else the installation's
    only district, else the api_key's district."""
    code = _one(params, "jurisdiction_id")
    if code:
        found = lookups.jurisdiction(code)
        if found is None:
            raise NotFound(_("No such jurisdiction_id."), code="jurisdiction_id")
        return found
    only = lookups.only_jurisdiction()
    if only is not None:
        return only
    prefix = _one(params, "api_key").split("_", 2)
    if len(prefix) == 3:
        key = Open311Key.objects.filter(prefix=prefix[1]).select_related("jurisdiction").first()
        if key is not None:
            return key.jurisdiction
    raise InvalidInput(_("jurisdiction_id is required on this server."), code="jurisdiction_id")


Handler = Callable[[HttpRequest, Jurisdiction, dict[str, list[str]], str, dict[str, Any]], HttpResponse]


def endpoint(methods: tuple[str, ...], *, write: bool = False) -> Callable[[Handler], Any]:
    """Wraps a handler: format from the suffix, throttles, jurisdiction, errors in GeoReport form."""

    def wrap(handler: Handler) -> Any:
        @csrf_exempt
        def view(request: HttpRequest, fmt: str | None = None, **kwargs: Any) -> HttpResponse:
            fmt = (fmt or "xml").lower()
            if fmt not in FORMATS:
                return render.errors(400, _("The format is xml or json."), "xml")
            if request.method not in methods:
                response = render.errors(405, _("This method is not allowed here."), fmt)
                response["Allow"] = ", ".join(methods)
                return response
            try:
                if not AddressThrottle("ZHIGUAN_OPEN311_RATE", scope="open311").allow_request(request):
                    raise RateLimited()
                try:
                    params = _params(request)
                except (RequestDataTooBig, TooManyFieldsSent) as exc:
                    raise InvalidInput(_("The request is too large.")) from exc
                jurisdiction = _jurisdiction(params)
                if write:
                    key = services.authenticate(jurisdiction, _one(params, "api_key"))
                    request.open311_key = key  # type: ignore[attr-defined]
                    if not KeyThrottle("ZHIGUAN_OPEN311_KEY_RATE", scope="open311key").allow_request(request):
                        raise RateLimited()
                    kwargs["key"] = key
                return handler(request, jurisdiction, params, fmt, kwargs)
            except DomainError as exc:
                return render.errors(_status(exc), str(exc.message), fmt)

        return view

    return wrap


def _flat(params: dict[str, list[str]]) -> dict[str, str]:
    return {k: (v[-1] if v else "") for k, v in params.items()}


@endpoint(("GET",))
def discovery(request: HttpRequest, j: Jurisdiction, params: dict, fmt: str, kw: dict) -> HttpResponse:
    base = request.build_absolute_uri("/open311/v2/")
    return render.document("discovery", queries.discovery(base), fmt)


@endpoint(("GET",))
def service_list(request: HttpRequest, j: Jurisdiction, params: dict, fmt: str, kw: dict) -> HttpResponse:
    return render.document("services", queries.services(j), fmt)


@endpoint(("GET",))
def service_definition(
    request: HttpRequest, j: Jurisdiction, params: dict, fmt: str, kw: dict
) -> HttpResponse:
    category = services.service(j, kw["code"])
    return render.document("service_definition", queries.service_definition(category), fmt)


@csrf_exempt
def requests_view(request: HttpRequest, fmt: str | None = None) -> HttpResponse:
    """GET lists requests (public), POST files one (api_key)."""
    if request.method == "POST":
        return _post_request(request, fmt=fmt)
    return _get_requests(request, fmt=fmt)


@endpoint(("POST",), write=True)
def _post_request(request: HttpRequest, j: Jurisdiction, params: dict, fmt: str, kw: dict) -> HttpResponse:
    media = request.FILES.get("media")
    filed = services.submit(jurisdiction=j, key=kw["key"], params=params, media=media)
    answer: dict[str, str] = (
        {"token": filed.request.token}
        if filed.token_only
        else {"service_request_id": filed.request.case.number}
    )
    answer["service_notice"] = " ".join(filed.notices)
    answer["account_id"] = filed.request.account_id
    return render.document("service_requests", [answer], fmt, status=201)


@endpoint(("GET",))
def _get_requests(request: HttpRequest, j: Jurisdiction, params: dict, fmt: str, kw: dict) -> HttpResponse:
    return render.document("service_requests", queries.requests(j, _flat(params)), fmt)


@endpoint(("GET",))
def request_detail(request: HttpRequest, j: Jurisdiction, params: dict, fmt: str, kw: dict) -> HttpResponse:
    extensions = _one(params, "extensions").lower() == "true"
    return render.document("service_requests", queries.request(j, kw["number"], extensions=extensions), fmt)


@endpoint(("GET",))
def token_detail(request: HttpRequest, j: Jurisdiction, params: dict, fmt: str, kw: dict) -> HttpResponse:
    return render.document("service_requests", queries.token(j, kw["token"]), fmt)


@csrf_exempt
def updates_view(request: HttpRequest, fmt: str | None = None) -> HttpResponse:
    """FixMyStreet's extension: GET the updates since a time, POST a citizen's update."""
    if request.method == "POST":
        return _post_update(request, fmt=fmt)
    return _get_updates(request, fmt=fmt)


@endpoint(("POST",), write=True)
def _post_update(request: HttpRequest, j: Jurisdiction, params: dict, fmt: str, kw: dict) -> HttpResponse:
    update = services.post_update(jurisdiction=j, key=kw["key"], params=params)
    return render.document("service_request_updates", queries.posted_update(update), fmt)


@endpoint(("GET",))
def _get_updates(request: HttpRequest, j: Jurisdiction, params: dict, fmt: str, kw: dict) -> HttpResponse:
    return render.document("service_request_updates", queries.updates(j, _flat(params)), fmt)


@csrf_exempt
def not_found(request: HttpRequest, rest: str = "") -> HttpResponse:
    fmt = "json" if rest.endswith(".json") else "xml"
    return render.errors(404, _("No such Open311 endpoint."), fmt)
