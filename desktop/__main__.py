"""`python -m desktop`: the window, or the CLI when a subcommand is given."""

from desktop.cli import main

raise SystemExit(main())
