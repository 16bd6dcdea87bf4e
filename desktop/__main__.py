"""`python -m desktop`: the window, or the CLI when a subcommand is given."""

from desktop.cli import main

if __name__ == "__main__":  # not when a spawned report process imports this as __mp_main__
    raise SystemExit(main())
