"""Data layer: bundled snapshots (``bundled/``) and, later, downloaders with caching."""
