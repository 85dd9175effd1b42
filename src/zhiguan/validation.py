"""Pydantic's validation errors in the platform's words: each field's error in the user's language.

Used by the API's error handler and by services that validate a payload themselves
(`cases.effects.parse`), so a message never reaches a user as the library wrote it.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from typing import Any

from django.utils.translation import gettext as _

from zhiguan.errors import InvalidInput


def _message(err: dict[str, Any]) -> str:
    kind = err.get("type", "")
    ctx = err.get("ctx") or {}
    if kind == "missing" or (kind == "string_too_short" and ctx.get("min_length") == 1):
        return _("This field is required.")
    if kind in ("string_too_long", "too_long"):
        return _("Too long: at most %(max)s.") % {"max": ctx.get("max_length", "?")}
    if kind in ("string_too_short", "too_short"):
        return _("Too short: at least %(min)s.") % {"min": ctx.get("min_length", "?")}
    if kind == "extra_forbidden":
        return _("This field is not accepted here.")
    if kind in ("int_type", "int_parsing", "int_from_float"):
        return _("A whole number is expected.")
    if kind in ("float_type", "float_parsing", "finite_number"):
        return _("A number is expected.")
    if kind in ("bool_type", "bool_parsing"):
        return _("true or false is expected.")
    if kind in ("string_type",):
        return _("Text is expected.")
    if kind in ("list_type",):
        return _("A list is expected.")
    if kind in ("dict_type", "model_type", "model_attributes_type"):
        return _("An object is expected.")
    if kind == "invalid_text":
        return _("Control characters and direction overrides are not allowed.")
    if kind == "timezone_aware":
        return _("Give the time zone, e.g. 2026-05-01T09:00:00+08:00.")
    if kind in ("literal_error", "enum"):
        return _("Choose one of the allowed values.")
    if kind in ("greater_than", "greater_than_equal", "less_than", "less_than_equal"):
        return _("The number is out of range.")
    if kind.startswith(("datetime", "date", "time")):
        return _("Not a valid date or time.")
    if kind == "string_pattern_mismatch":
        return _("The format is not valid.")
    if kind == "value_error" and isinstance(ctx.get("error"), Exception | str):
        # Our own validators raise ValueError with a translated message (Ninja passes it on as text).
        return str(ctx["error"])
    return _("This value is not valid.")


# Pydantic puts the member of a union it tried into the location ("geojson", "dict[str,any]");
# the client named only the field.
_UNION_MEMBER = re.compile(r"[\[\](),-]|^(str|int|float|bool|bytes|none)$")


def field_name(loc: Iterable[Any]) -> str | None:
    parts = [str(p) for p in loc if not (isinstance(p, str) and _UNION_MEMBER.search(p))]
    return ".".join(parts) or None


def field_errors(errors: Iterable[dict[str, Any]], *, strip: int = 0) -> list[dict[str, Any]]:
    """[{field, type, message}] for pydantic's errors; `strip` drops leading parts of each location."""
    out = []
    for err in errors:
        item: dict[str, Any] = {
            "field": field_name(tuple(err.get("loc", ()))[strip:]),
            "type": err.get("type"),
            "message": _message(err),
        }
        expected = (err.get("ctx") or {}).get("expected")
        if expected:
            item["allowed"] = str(expected)
        out.append(item)
    return out


def invalid_input(errors: Iterable[dict[str, Any]]) -> InvalidInput:
    """One InvalidInput naming the first field (as services' own checks do) and listing them all."""
    fields = field_errors(errors)
    first = fields[0] if fields else {"field": None, "message": _("The input is not valid.")}
    return InvalidInput(first["message"], field=first["field"], fields=fields)
