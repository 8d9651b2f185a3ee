"""Entry script of both programs of the PyInstaller bundle (build.spec): the same start as the
``quarantine-desk`` command. The windowed one has no console on Windows (stdout and stderr are None there); its
output goes nowhere rather than failing; the log file keeps what matters."""

from __future__ import annotations

import multiprocessing
import os
import sys

from quarantine_desk.__main__ import main

if __name__ == "__main__":
    multiprocessing.freeze_support()
    if sys.stdout is None or sys.stderr is None:
        sink = open(os.devnull, "w", encoding="utf-8")  # noqa: SIM115 (lives as long as the program)
        sys.stdout = sys.stdout or sink
        sys.stderr = sys.stderr or sink
    sys.exit(main())
