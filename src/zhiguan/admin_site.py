"""The Django admin in the platform's words: its title, and names for what libraries leave in English.

`configure()` runs once when the URLs load (`zhiguan.urls`), after every app's admin is registered.
"""

from __future__ import annotations

from django.apps import apps
from django.contrib import admin
from django.contrib.auth.models import Group
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from zhiguan.labels import apply_to_models

# Models declared without a verbose_name, and apps of libraries: their names as the admin lists them.
# Set on the live options only: migrations record the declared Meta (`original_attrs`), not these.
MODEL_NAMES: dict[str, tuple[Promise, Promise]] = {
    "org.DepartmentChange": (_("department change"), _("department changes")),
}
APP_NAMES: dict[str, Promise] = {"axes": _("Log-in lock-outs")}

# Django 5.2's admin templates ask for these; its own Chinese catalogue does not have them yet.
DJANGO_ADMIN_MESSAGES: tuple[Promise, ...] = (
    _("Model name"),
    _("Add link"),
    _("Change or view list link"),
    _("Error:"),
    _("After you’ve created a user, you’ll be able to edit more user options."),
    _("Hold down “Control”, or “Command” on a Mac, to select more than one."),
    _("unknown person"),
)


def _axes_in_words() -> None:
    # django-axes names its records in English ("Access Log for … @ …"), in the admin's titles.
    from axes.models import AccessAttempt, AccessFailureLog, AccessLog

    def _who(self: AccessAttempt | AccessFailureLog | AccessLog) -> dict[str, str]:
        # axes stores "unknown" for a log-in it could not name.
        known = self.username and self.username != "unknown"
        return {
            "username": self.username if known else str(_("unknown person")),
            "ip": self.ip_address or "—",
        }

    def attempt(self: AccessAttempt) -> str:
        return _("Log-in attempts of %(username)s from %(ip)s") % {
            "username": self.username,
            "ip": self.ip_address,
        }

    def failure(self: AccessFailureLog) -> str:
        return _("Failed log-in of %(username)s from %(ip)s") % {
            "username": self.username,
            "ip": self.ip_address,
        }

    def log(self: AccessLog) -> str:
        return _("Log-in of %(username)s from %(ip)s") % _who(self)

    AccessAttempt.__str__, AccessFailureLog.__str__, AccessLog.__str__ = attempt, failure, log  # type: ignore[method-assign,assignment]


def configure() -> None:
    # Django's groups carry Django's permissions, which the platform does not use (roles decide:
    # zhiguan.org.permissions) and whose names exist in English only.
    if admin.site.is_registered(Group):
        admin.site.unregister(Group)
    admin.site.site_header = _("Zhiguan administration")
    admin.site.site_title = _("Zhiguan administration")
    admin.site.index_title = _("Site administration")
    for label, (singular, plural) in MODEL_NAMES.items():
        options = apps.get_model(label)._meta
        options.verbose_name, options.verbose_name_plural = singular, plural
    for app_label, name in APP_NAMES.items():
        if apps.is_installed(app_label):
            apps.get_app_config(app_label).verbose_name = name  # type: ignore[assignment]
    if apps.is_installed("axes"):
        _axes_in_words()
    apply_to_models()
