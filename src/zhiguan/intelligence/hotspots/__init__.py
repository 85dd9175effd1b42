"""Hot spots and hot issues (docs/architecture.md, intelligence)."""
