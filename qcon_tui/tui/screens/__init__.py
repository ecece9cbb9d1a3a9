"""Screens pushed over the browser (help)."""
