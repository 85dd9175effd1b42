"""Duplicate detection (docs/architecture.md, intelligence)."""
