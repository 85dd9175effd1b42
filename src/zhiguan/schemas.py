"""Pieces shared by every app's API schemas."""

from __future__ import annotations

from ninja import Schema
from pydantic import ConfigDict

# Ids are 64-bit in the database; a larger one is bad input (422) on every database alike, instead
# of an overflow on SQLite and an empty answer on PostgreSQL.
MAX_ID = 2**63 - 1


class InputSchema(Schema):
    """Base of every request body: a field the schema does not name is refused (422), never ignored."""

    model_config = ConfigDict(extra="forbid")
