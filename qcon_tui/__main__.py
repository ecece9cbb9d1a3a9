"""`python -m qcon_tui`: the same as the `qcon-tui` command."""

from .cli import main

raise SystemExit(main())
