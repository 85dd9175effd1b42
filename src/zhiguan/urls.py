from django.contrib import admin
from django.http import HttpRequest, HttpResponse
from django.urls import include, path, re_path

from zhiguan.admin_site import configure as configure_admin
from zhiguan.api import api, error_response
from zhiguan.intake.wechat.views import callback as wechat_callback
from zhiguan.views import citizen, console, console_citizen

configure_admin()


def api_not_found(request: HttpRequest, rest: str) -> HttpResponse:
    from django.utils.translation import gettext as _

    return error_response(request, status=404, code="not_found", message=_("No such API endpoint."))


urlpatterns = [
    path("admin/", admin.site.urls),
    path("api/v1/", api.urls),
    re_path(r"^open311/v2/?", include("zhiguan.intake.open311.urls")),  # GeoReport v2 (decision 075)
    re_path(r"^api/(?P<rest>.*)$", api_not_found),
    # The WeChat Official Account's callback URL (its own plain-text/XML answers, decision 077).
    re_path(r"^wechat/(?P<code>[0-9A-Za-z_-]{1,32})/?$", wechat_callback),
    # The web pages last. The citizen portal at / and its public paths (web/src/citizen/router.ts:
    # /follow, /follow/<number>, /rate); the staff console's client-side routes under /console/.
    path("", citizen, name="home"),
    re_path(r"^follow(?:/(?P<number>[^/]+))?/?$", citizen, name="citizen-follow"),
    re_path(r"^rate/?$", citizen, name="citizen-rate"),
    re_path(r"^console/citizen/?$", console_citizen),
    re_path(r"^console(?:/(?P<path>.*))?$", console, name="console"),
]
