"""Pydantic's validation errors in the platform's words: each field's error in the user's language.

Used by the API's error handler and by services that validate a payload themselves
(`cases.effects.parse`), so a message never reaches a user as the library wrote it.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from typing import Any

from django.utils.translation import gettext as _

from zhiguan.errors import InvalidInput
from zhiguan.labels import label


def _choices(expected: Any) -> str:
    # Pydantic writes the choices as English prose ("'a', 'b' or 'c'"); the values alone, listed.
    text = str(expected)
    quoted = re.findall(r"'([^']*)'", text)
    return "、".join(quoted) if quoted else text


def _limit(ctx: dict[str, Any], *names: str) -> Any:
    return next((ctx[n] for n in names if n in ctx), "?")


# Every error type of pydantic-core (`pydantic_core.core_schema.ErrorType`), and the platform's own
# (`invalid_text`, `timezone_aware` from zhiguan.schemas), each in the user's language. The ctx of
# an error fills in the limit it names; the library's own English text is never passed on.
_MESSAGES: dict[str, Callable[[dict[str, Any]], str]] = {
    "missing": lambda c: _("This field is required."),
    "missing_argument": lambda c: _("This field is required."),
    "missing_keyword_only_argument": lambda c: _("This field is required."),
    "missing_positional_only_argument": lambda c: _("This field is required."),
    "extra_forbidden": lambda c: _("This field is not accepted here."),
    "unexpected_keyword_argument": lambda c: _("This field is not accepted here."),
    "unexpected_positional_argument": lambda c: _("This field is not accepted here."),
    "multiple_argument_values": lambda c: _("This field was given more than once."),
    "no_such_attribute": lambda c: _("This field is not accepted here."),
    "frozen_field": lambda c: _("This field cannot be changed."),
    "frozen_instance": lambda c: _("This record cannot be changed."),
    "json_invalid": lambda c: _("The request body is not valid JSON."),
    "json_type": lambda c: _("Text, bytes or a JSON document is expected."),
    "string_type": lambda c: _("Text is expected."),
    "string_unicode": lambda c: _("Text in valid Unicode is expected."),
    "string_not_ascii": lambda c: _("Only ASCII letters, digits and signs are allowed here."),
    "string_too_short": lambda c: (
        _("Too short: at least %(min)s characters.") % {"min": _limit(c, "min_length")}
    ),
    "string_too_long": lambda c: (
        _("Too long: at most %(max)s characters.") % {"max": _limit(c, "max_length")}
    ),
    "string_pattern_mismatch": lambda c: _("The format is not valid."),
    "invalid_text": lambda c: _("Control characters and direction overrides are not allowed."),
    "too_short": lambda c: _("Too few: at least %(min)s items.") % {"min": _limit(c, "min_length")},
    "too_long": lambda c: _("Too many: at most %(max)s items.") % {"max": _limit(c, "max_length")},
    "bytes_type": lambda c: _("Bytes are expected."),
    "bytes_too_short": lambda c: _("Too short: at least %(min)s bytes.") % {"min": _limit(c, "min_length")},
    "bytes_too_long": lambda c: _("Too long: at most %(max)s bytes.") % {"max": _limit(c, "max_length")},
    "bytes_invalid_encoding": lambda c: _("The encoding of these bytes is not valid."),
    "int_type": lambda c: _("A whole number is expected."),
    "int_parsing": lambda c: _("A whole number is expected."),
    "int_from_float": lambda c: _("A whole number is expected."),
    "int_parsing_size": lambda c: _("The number is too large."),
    "float_type": lambda c: _("A number is expected."),
    "float_parsing": lambda c: _("A number is expected."),
    "finite_number": lambda c: _("A finite number is expected."),
    "decimal_type": lambda c: _("A number is expected."),
    "decimal_parsing": lambda c: _("A number is expected."),
    "decimal_max_digits": lambda c: _("At most %(max)s digits in all.") % {"max": _limit(c, "max_digits")},
    "decimal_max_places": lambda c: (
        _("At most %(max)s digits after the decimal point.") % {"max": _limit(c, "decimal_places")}
    ),
    "decimal_whole_digits": lambda c: (
        _("At most %(max)s digits before the decimal point.") % {"max": _limit(c, "whole_digits")}
    ),
    "fraction_type": lambda c: _("A fraction is expected."),
    "fraction_parsing": lambda c: _("A fraction is expected."),
    "complex_type": lambda c: _("A complex number is expected."),
    "complex_str_parsing": lambda c: _("A complex number is expected."),
    "greater_than": lambda c: _("Must be greater than %(limit)s.") % {"limit": _limit(c, "gt")},
    "greater_than_equal": lambda c: _("Must be at least %(limit)s.") % {"limit": _limit(c, "ge")},
    "less_than": lambda c: _("Must be less than %(limit)s.") % {"limit": _limit(c, "lt")},
    "less_than_equal": lambda c: _("Must be at most %(limit)s.") % {"limit": _limit(c, "le")},
    "multiple_of": lambda c: _("Must be a multiple of %(step)s.") % {"step": _limit(c, "multiple_of")},
    "bool_type": lambda c: _("true or false is expected."),
    "bool_parsing": lambda c: _("true or false is expected."),
    "none_required": lambda c: _("This field must be left empty."),
    "literal_error": lambda c: (
        _("Choose one of: %(choices)s.") % {"choices": _choices(c.get("expected", ""))}
    ),
    "enum": lambda c: _("Choose one of: %(choices)s.") % {"choices": _choices(c.get("expected", ""))},
    "union_tag_invalid": lambda c: (
        _("Choose one of: %(choices)s.") % {"choices": _choices(c.get("expected_tags", ""))}
    ),
    "union_tag_not_found": lambda c: (
        _("Say which kind this is (the field %(field)s is missing).") % {"field": c.get("discriminator", "?")}
    ),
    "list_type": lambda c: _("A list is expected."),
    "tuple_type": lambda c: _("A list is expected."),
    "set_type": lambda c: _("A list is expected."),
    "frozen_set_type": lambda c: _("A list is expected."),
    "deque_type": lambda c: _("A list is expected."),
    "iterable_type": lambda c: _("A list is expected."),
    "iteration_error": lambda c: _("The list could not be read."),
    "set_item_not_hashable": lambda c: _("This item cannot be part of a set."),
    "dict_type": lambda c: _("An object is expected."),
    "frozen_dict_type": lambda c: _("An object is expected."),
    "ordered_dict_type": lambda c: _("An object is expected."),
    "counter_type": lambda c: _("An object is expected."),
    "mapping_type": lambda c: _("An object is expected."),
    "model_type": lambda c: _("An object is expected."),
    "model_attributes_type": lambda c: _("An object is expected."),
    "dataclass_type": lambda c: _("An object is expected."),
    "dataclass_exact_type": lambda c: _("An object is expected."),
    "named_tuple_type": lambda c: _("A list is expected."),
    "arguments_type": lambda c: _("An object is expected."),
    "invalid_key": lambda c: _("The keys of this object must be text."),
    "date_type": lambda c: _("A date is expected, e.g. 2026-05-01."),
    "date_parsing": lambda c: _("A date is expected, e.g. 2026-05-01."),
    "date_from_datetime_parsing": lambda c: _("A date is expected, e.g. 2026-05-01."),
    "date_from_datetime_inexact": lambda c: _("A date without a time of day is expected."),
    "date_past": lambda c: _("The date must be in the past."),
    "date_future": lambda c: _("The date must be in the future."),
    "time_type": lambda c: _("A time of day is expected, e.g. 09:00."),
    "time_parsing": lambda c: _("A time of day is expected, e.g. 09:00."),
    "datetime_type": lambda c: _("A date and time are expected, e.g. 2026-05-01T09:00:00+08:00."),
    "datetime_parsing": lambda c: _("A date and time are expected, e.g. 2026-05-01T09:00:00+08:00."),
    "datetime_from_date_parsing": lambda c: _(
        "A date and time are expected, e.g. 2026-05-01T09:00:00+08:00."
    ),
    "datetime_object_invalid": lambda c: _("This date and time do not exist."),
    "datetime_past": lambda c: _("The time must be in the past."),
    "datetime_future": lambda c: _("The time must be in the future."),
    "timezone_naive": lambda c: _("Give the time without a time zone."),
    "timezone_aware": lambda c: _("Give the time zone, e.g. 2026-05-01T09:00:00+08:00."),
    "timezone_offset": lambda c: (
        _("The time zone must be %(offset)s.") % {"offset": _offset(c.get("tz_expected"))}
    ),
    "time_delta_type": lambda c: _("A duration is expected."),
    "time_delta_parsing": lambda c: _("A duration is expected."),
    "url_type": lambda c: _("An address (URL) is expected."),
    "url_parsing": lambda c: _("This address (URL) is not valid."),
    "url_syntax_violation": lambda c: _("This address (URL) is not valid."),
    "url_too_long": lambda c: _("Too long: at most %(max)s characters.") % {"max": _limit(c, "max_length")},
    "url_scheme": lambda c: (
        _("The address must start with %(schemes)s.") % {"schemes": _choices(c.get("expected_schemes", ""))}
    ),
    "uuid_type": lambda c: _("A UUID is expected."),
    "uuid_parsing": lambda c: _("A UUID is expected."),
    "uuid_version": lambda c: (
        _("A UUID of version %(version)s is expected.") % {"version": _limit(c, "expected_version")}
    ),
    "is_instance_of": lambda c: _("This value is not valid."),
    "is_subclass_of": lambda c: _("This value is not valid."),
    "callable_type": lambda c: _("This value is not valid."),
    "needs_python_object": lambda c: _("This value is not valid."),
    "get_attribute_error": lambda c: _("This value is not valid."),
    "default_factory_not_called": lambda c: _("This value is not valid."),
    "missing_sentinel_error": lambda c: _("This value is not valid."),
    "ellipsis_error": lambda c: _("This value is not valid."),
    "assertion_error": lambda c: _("This value is not valid."),
    "recursion_loop": lambda c: _("The input refers to itself."),
    "recursion_depth_exceeded": lambda c: _("The input is nested too deeply."),
}


def _offset(seconds: Any) -> str:
    if not isinstance(seconds, int):
        return str(seconds)
    sign = "+" if seconds >= 0 else "-"
    hours, rest = divmod(abs(seconds), 3600)
    return f"{sign}{hours:02d}:{rest // 60:02d}"


def _message(err: dict[str, Any]) -> str:
    kind = err.get("type", "")
    ctx = err.get("ctx") or {}
    if kind == "string_too_short" and ctx.get("min_length") == 1:
        # An empty text where one is needed: the person left the field blank.
        return _("This field is required.")
    if kind == "value_error" and isinstance(ctx.get("error"), Exception | str):
        # Our own validators raise ValueError with a translated message (Ninja passes it on as text).
        return str(ctx["error"])
    if kind in _MESSAGES:
        return _MESSAGES[kind](ctx)
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
        if name := label(item["field"]):
            item["label"] = name
        expected = (err.get("ctx") or {}).get("expected")
        if expected:
            item["allowed"] = str(expected)
        out.append(item)
    return out


def invalid_input(errors: Iterable[dict[str, Any]]) -> InvalidInput:
    """One InvalidInput naming the first field (as services' own checks do) and listing them all."""
    fields = field_errors(errors)
    first = fields[0] if fields else {"field": None, "message": _("The input is not valid.")}
    message = first["message"]
    if name := label(first["field"]):
        # The one message a toast shows names the field: "描述：过长，最多 2000 个字符。"
        message = _("%(field)s: %(message)s") % {"field": name, "message": message}
    return InvalidInput(message, field=first["field"], fields=fields)
