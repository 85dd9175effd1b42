"""Pieces shared by every app's API schemas: the two bases of every input, the text rule, the id type.

Every request body inherits `InputSchema`, every query filter and multipart form `ParamsSchema`
(docs/decisions/050-input-hardening.md). Both refuse a field they do not name, text with control
characters or direction overrides, and a date-time without a time zone, each with its field's name.
"""

from __future__ import annotations

import re
from datetime import date, datetime, time
from typing import Annotated, Any

from ninja import Schema
from pydantic import BaseModel, ConfigDict, Field, Strict, field_validator
from pydantic_core import PydanticCustomError

# Ids are 64-bit in the database; a larger one is bad input (422) on every database alike, instead
# of an overflow on SQLite and an empty answer on PostgreSQL.
MAX_ID = 2**63 - 1

# What no form or client has a reason to send, and what either breaks storage (NUL on PostgreSQL,
# lone surrogates in UTF-8) or misleads whoever reads the text later (terminal escapes, bell, C1
# controls, bidirectional embeddings, overrides and isolates that reorder what is displayed).
# Tab, line feed and carriage return stay: notes, replies and descriptions are multi-line.
UNCLEAN_TEXT = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069\ud800-\udfff]")

# A database id in a body or a query: a whole number from 1 to MAX_ID.
Id = Annotated[int, Field(ge=1, le=MAX_ID)]
# A stable code (a role, a status, a channel, a scope) named in a list.
Code = Annotated[str, Field(max_length=64)]
# JSON has no date type: bodies are strict, yet these are parsed from their ISO 8601 text.
Moment = Annotated[datetime, Strict(False)]
Day = Annotated[date, Strict(False)]
Clock = Annotated[time, Strict(False)]


def is_unclean(text: str) -> bool:
    return UNCLEAN_TEXT.search(text) is not None


def _check(value: Any) -> None:
    if isinstance(value, str):
        if is_unclean(value):
            raise PydanticCustomError(
                "invalid_text", "Control characters and direction overrides are not allowed"
            )
    elif isinstance(value, datetime):
        if value.tzinfo is None or value.utcoffset() is None:
            # A naive time means a different moment on every server; the client must say which.
            raise PydanticCustomError("timezone_aware", "Input should have timezone info")
    elif isinstance(value, dict):
        for key, item in value.items():
            _check(key)
            _check(item)
    elif isinstance(value, list | tuple | set | frozenset):
        for item in value:
            _check(item)
    elif isinstance(value, BaseModel) and not isinstance(value, InputSchema):
        # A nested input schema checked itself (and named the field); any other model is walked here.
        for item in value.__dict__.values():
            _check(item)


class InputSchema(Schema):
    """Base of every JSON request body: strict, so that `false` is no id and `0` no boolean.

    A field the schema does not name is refused (422), never ignored. Dates and times are typed
    `Moment`, `Day` or `Clock`, which are parsed from their ISO 8601 text.
    """

    model_config = ConfigDict(extra="forbid", strict=True)

    @field_validator("*", mode="after")
    @classmethod
    def _clean(cls, value: Any) -> Any:
        # Every field of every input, nested lists and mappings included: one rule, one place.
        _check(value)
        return value


class ParamsSchema(InputSchema):
    """Base of every query filter and multipart form: their values arrive as text (`?limit=50`),
    so numbers and booleans are parsed from it; everything else is as `InputSchema`."""

    model_config = ConfigDict(extra="forbid", strict=False)
