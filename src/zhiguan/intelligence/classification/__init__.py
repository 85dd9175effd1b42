"""Text classification (docs/architecture.md, intelligence)."""
