"""Entry point of both frozen executables: the window, or the command line for `*-cli`.

One script serves both so that build.spec analyses the program once. `evidence-recorder`
(windowed) opens the window (desktop.app.main); `evidence-recorder-cli` (console) is the full
command line (desktop.cli), which also opens the window when given no subcommand.
"""

from __future__ import annotations

import sys
from pathlib import Path


def main() -> int:
    import multiprocessing

    # A report process spawned by the window re-runs this executable; let it become that child
    # here, before anything else starts.
    multiprocessing.freeze_support()
    if Path(sys.executable).stem.endswith("-cli"):
        from desktop.cli import main as cli_main

        return cli_main()
    from desktop.app.main import main as window_main

    return window_main()


if __name__ == "__main__":
    sys.exit(main())
