"""Entry script of the PyInstaller bundle (build.spec): the same start as the ``quarantine-desk`` command."""

from __future__ import annotations

import multiprocessing
import sys

from quarantine_desk.__main__ import main

if __name__ == "__main__":
    multiprocessing.freeze_support()
    sys.exit(main())
