"""The Textual browser: a day/talk tree, the rendered notes and search as you type.

Nothing here is imported by the core; `qcon_tui.tui.app.run_app` is the entry point.
"""
