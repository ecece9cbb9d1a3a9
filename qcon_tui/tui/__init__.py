"""The Textual browser: a day/talk tree, the rendered notes and search as you type.

Nothing here is imported by the core. The command line (`qcon_tui.cli.browse`) resolves
the notes and the start talk and runs `app.QconApp`, whose default screen is
`screens.browser.BrowserScreen`, a thin layer over `session.BrowserSession`.
"""
