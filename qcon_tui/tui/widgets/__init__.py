"""The browser's widgets, one module each."""
