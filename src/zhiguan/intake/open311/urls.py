"""/open311/v2/…: every path with an optional `.xml` / `.json` suffix (XML when none) and an optional
trailing slash; extra slashes after the base are tolerated (clients join a base ending in "/")."""

from django.urls import re_path

from zhiguan.intake.open311 import views

F = r"(?:\.(?P<fmt>[A-Za-z]+))?/?$"

urlpatterns = [
    re_path(r"^/*discovery" + F, views.discovery),
    re_path(r"^/*services" + F, views.service_list),
    re_path(r"^/*services/(?P<code>[^/]+?)" + F, views.service_definition),
    re_path(r"^/*requests" + F, views.requests_view),
    re_path(r"^/*requests/(?P<number>[^/]+?)" + F, views.request_detail),
    re_path(r"^/*tokens/(?P<token>[^/]+?)" + F, views.token_detail),
    re_path(r"^/*servicerequestupdates" + F, views.updates_view),
    re_path(r"^(?P<rest>.*)$", views.not_found),
]
