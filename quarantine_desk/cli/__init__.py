"""The scripting interface: every operation on stays as a command, over the same services as the window.

One module per area (admin, people, stays, documents, shifts, logistics), each with ``register(subparsers)``; the
global options, the login and the error reporting are here. Exit codes (cli.output): 0 done; 2 usage error or bad
input; 3 refused by a rule; 4 not found; 5 login or role; 6 bad input file. With ``--json`` the result goes to stdout as JSON and an error as
``{"error": CODE, "rule": "R2", "message": "..."}``; otherwise people get Vietnamese sentences.
"""

from __future__ import annotations

import argparse
import contextlib
import functools
import json
import logging
import os
import sys
from collections.abc import Sequence
from typing import TYPE_CHECKING

from quarantine_desk import __version__, tempfiles
from quarantine_desk.cli import admin, ahead, documents, logistics, people, policies, relief, shifts, stays
from quarantine_desk.cli.args import Parser, UsageError, password, shown
from quarantine_desk.cli.output import EXIT_USAGE, Output, printable
from quarantine_desk.domain.errors import DeskError, InvalidInput, LoginRequired
from quarantine_desk.lazy import lazy_module
from quarantine_desk.messages import describe

if TYPE_CHECKING:
    from quarantine_desk.services import auth, context
    from quarantine_desk.services.context import Desk
else:
    auth = lazy_module("quarantine_desk.services.auth")
    context = lazy_module("quarantine_desk.services.context")

log = logging.getLogger(__name__)

# Each area adds its commands with register(subparsers), in the order the help lists them.
AREAS = (admin, people, stays, policies, documents, shifts, logistics, relief, ahead)


def build_parser() -> argparse.ArgumentParser:
    """The whole command line: the global options, then every area's commands."""
    parser = Parser(prog="quarantine-desk", description="Quản lý khu cách ly tập trung.")
    parser.add_argument("--version", action="version", version=f"quarantine-desk {__version__}")
    parser.add_argument(
        "--db", help="địa chỉ cơ sở dữ liệu (mặc định: biến QUARANTINE_DESK_DB, rồi tệp SQLite)"
    )
    parser.add_argument("--json", action="store_true", help="kết quả dạng JSON")
    parser.add_argument("--user", help="tên đăng nhập (mật khẩu trong QUARANTINE_DESK_PASSWORD hoặc nhập)")
    parser.add_argument("--lang", choices=["vi", "en"], default="vi", help="ngôn ngữ thông báo")
    sub = parser.add_subparsers(dest="command", parser_class=Parser)
    for area in AREAS:
        area.register(sub)
    return parser


@functools.cache
def shared_parser() -> argparse.ArgumentParser:
    """The parser built once per process (argparse only reads it): building its ~1,800 sub-parsers costs more than
    many a command, and the tests and the window start run several commands, or parse twice, in one process."""
    return build_parser()


def login(args: argparse.Namespace) -> Desk:
    """The desk of the database chosen by --db, logged in as --user (a command that may also run without)."""
    desk = context.open_desk(args.db)
    if not args.user:
        desk.close()
        raise LoginRequired()
    try:
        # A command that only reads does not wait for another PC's long write to record the login (auth.login)
        return auth.login(desk, args.user, password(), reading=getattr(args, "reads_only", False))
    except BaseException:
        desk.close()
        raise


def undecodable(argv: Sequence[str]) -> None:
    """Bytes of the command line that are not UTF-8 reach Python as lone surrogates, which no text field, name
    or file of the program can hold: refused at once, naming the argument."""
    for arg in argv:
        try:
            arg.encode("utf-8")  # refuses exactly the surrogates, and reads a megabyte at once, not a letter at a time
        except UnicodeEncodeError:
            raise InvalidInput("value", "not_utf8", shown(arg)) from None


def _error(out: Output, code: str, rule: str | None, message: str, exit_code: int) -> int:
    if out.as_json:
        print(printable(json.dumps({"error": code, "rule": rule, "message": message}, ensure_ascii=False)))
    else:
        print(printable(message), file=sys.stderr)
    return exit_code


def _closed_pipe() -> int:
    """The reader of the output went away (``… | head``): the work is done, stop quietly. stdout goes to the
    null device so that Python's own flush at exit does not complain about the pipe either."""
    with contextlib.suppress(OSError, ValueError):
        null = os.open(os.devnull, os.O_WRONLY)
        os.dup2(null, sys.stdout.fileno())
    return 0


def run(argv: Sequence[str] | None = None) -> int:
    """Run one command; returns the exit code. ``None`` command opens the window (see __main__)."""
    try:
        code = _run(argv)
        sys.stdout.flush()
    except BrokenPipeError:
        return _closed_pipe()
    return code


def _run(argv: Sequence[str] | None) -> int:
    parser = shared_parser()
    as_json = "--json" in (argv if argv is not None else sys.argv[1:])
    out = Output(as_json)
    lang = "vi"
    tempfiles.clean_stale()  # what a killed run of the program left behind
    try:
        undecodable(argv if argv is not None else sys.argv[1:])
        args = parser.parse_args(argv)
        lang = args.lang
        if not args.command:
            return -1
        if not getattr(args, "needs_login", True):
            return int(args.handler(args, out))
        desk = login(args)
        try:
            return int(args.handler(desk, args, out))
        finally:
            desk.close()
    except UsageError as exc:
        return _error(out, "usage", None, f"Lệnh không đúng: {exc}", EXIT_USAGE)
    except DeskError as exc:
        log.info("command refused: %s", exc)
        return _error(out, exc.code, exc.rule, describe(exc, lang), exc.exit_code)
    except KeyboardInterrupt:
        return _error(out, "cancelled", None, "Đã hủy.", 130)
    except BrokenPipeError:
        raise  # not an error of the command: see run()
    except Exception as exc:  # a bug: keep the traceback in the log, give the user a sentence
        log.exception("unexpected error")
        return _error(
            out, "internal", None, f"Lỗi không mong đợi ({type(exc).__name__}); chi tiết trong nhật ký.", 1
        )
