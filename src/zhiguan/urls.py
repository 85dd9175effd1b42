from django.contrib import admin
from django.http import HttpRequest, HttpResponse
from django.urls import path, re_path

from zhiguan.api import api, error_response
from zhiguan.views import console


def api_not_found(request: HttpRequest, rest: str) -> HttpResponse:
    from django.utils.translation import gettext as _

    return error_response(request, status=404, code="not_found", message=_("No such API endpoint."))


urlpatterns = [
    path("admin/", admin.site.urls),
    path("api/v1/", api.urls),
    re_path(r"^api/(?P<rest>.*)$", api_not_found),
    # The web console last: its client-side routes live under /console/.
    path("", console, name="home"),
    re_path(r"^console(?:/(?P<path>.*))?$", console, name="console"),
]
