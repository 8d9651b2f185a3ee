"""Starts the program: with a command, the command line; without one, the window."""

from __future__ import annotations

import sys

from quarantine_desk import cli, logging_setup


def main() -> int:
    logging_setup.configure()
    code = cli.run(sys.argv[1:])
    if code != -1:
        return code
    from quarantine_desk.ui import platform_check

    if platform_check.uses_xcb():
        missing = platform_check.missing_packages()
        if missing:
            # Qt would abort with a misleading message; say what to install instead.
            print(platform_check.missing_text(missing), file=sys.stderr)
            return 1
    from quarantine_desk.ui.app import run_window

    args = cli.shared_parser().parse_args(sys.argv[1:])
    return run_window(db_url=args.db, lang=args.lang)


if __name__ == "__main__":
    sys.exit(main())
