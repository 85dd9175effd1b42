"""Pieces shared by every app's API schemas."""

# Ids are 64-bit in the database; a larger one is bad input (422) on every database alike, instead
# of an overflow on SQLite and an empty answer on PostgreSQL.
MAX_ID = 2**63 - 1
