"""Checks the built bundle (dist/quarantine-desk) the way a facility PC would use it, without a screen.

Run after `make bundle` (or as `make bundle-smoke`, which builds first):

    .venv/bin/python scripts/bundle_smoke.py [--exe PATH]

The bundle holds two programs: ``quarantine-desk`` (windowed, for the desktop) and ``quarantine-desk-cli``
(console, for scripts). In a fresh, throw-away profile the check runs ``--version`` through both, then through the
command-line one ``init --admin admin``, ``--user admin demo`` and ``--user admin --json rooms KT01``, the document
commands the build offers (``export roster`` to .xlsx and .pdf, ``report daily``), checking the files; then opens
the window with the windowed one on Qt's offscreen platform and checks it is still running after a few seconds.
Exits 1 with the failing step named, 0 when every step passed.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SUFFIX = ".exe" if os.name == "nt" else ""
DEFAULT_EXE = ROOT / "dist" / "quarantine-desk" / f"quarantine-desk{SUFFIX}"
CLI_NAME = f"quarantine-desk-cli{SUFFIX}"
PASSWORD = "smoke-check-2021"
FACILITY = "KT01"
COMMAND_TIMEOUT = 600  # seconds; the demo facility takes a while on a slow PC
WINDOW_SECONDS = 5


class SmokeFailure(Exception):
    pass


class Smoke:
    def __init__(self, exe: Path, cli: Path, work: Path) -> None:
        self.window_exe = exe
        self.exe = cli  # every command goes through the console program
        self.work = work
        self.logs = work / "logs"
        self.env = self._environment()
        self.passed: list[str] = []
        self.skipped: list[str] = []

    def _environment(self) -> dict[str, str]:
        env = dict(os.environ)
        for name in ("QUARANTINE_DESK_DB", "PYTHONPATH", "PYTHONHOME", "QT_PLUGIN_PATH"):
            env.pop(name, None)
        profile = self.work / "profile"
        env.update(
            {
                "QT_QPA_PLATFORM": "offscreen",
                "QUARANTINE_DESK_PASSWORD": PASSWORD,
                "QUARANTINE_DESK_LOG_DIR": str(self.logs),
                # The user's data folder (the SQLite file) on Linux and on Windows.
                "XDG_DATA_HOME": str(profile / "data"),
                "XDG_CONFIG_HOME": str(profile / "config"),
                "XDG_CACHE_HOME": str(profile / "cache"),
                "APPDATA": str(profile / "AppData" / "Roaming"),
                "LOCALAPPDATA": str(profile / "AppData" / "Local"),
                "PYTHONIOENCODING": "utf-8",
            }
        )
        return env

    # --- helpers -------------------------------------------------------------------------------------------------

    def run(self, step: str, *args: str, exe: Path | None = None) -> str:
        """Runs the command-line program (or ``exe``) with ``args``; returns stdout; a non-zero exit fails ``step``."""
        started = time.monotonic()
        try:
            done = subprocess.run(
                [str(exe or self.exe), *args],
                env=self.env,
                cwd=self.work,
                capture_output=True,
                timeout=COMMAND_TIMEOUT,
                stdin=subprocess.DEVNULL,
            )
        except subprocess.TimeoutExpired as exc:
            raise SmokeFailure(f"{step}: no answer after {COMMAND_TIMEOUT} s") from exc
        stdout = done.stdout.decode("utf-8", "replace")
        stderr = done.stderr.decode("utf-8", "replace")
        if done.returncode != 0:
            raise SmokeFailure(
                f"{step}: exit code {done.returncode}\n--- stdout ---\n{stdout[-3000:]}\n"
                f"--- stderr ---\n{stderr[-3000:]}{self._log_tail()}"
            )
        print(f"  ok   {step} ({time.monotonic() - started:.1f} s)")
        self.passed.append(step)
        return stdout

    def _log_tail(self) -> str:
        files = sorted(self.logs.glob("*.log")) if self.logs.exists() else []
        if not files:
            return ""
        text = files[-1].read_text(encoding="utf-8", errors="replace")
        return f"\n--- {files[-1].name} (end) ---\n{text[-3000:]}"

    def skip(self, step: str, why: str) -> None:
        print(f"  skip {step}: {why}")
        self.skipped.append(step)

    def commands(self, *path: str) -> set[str]:
        """The sub-commands ``quarantine-desk PATH... --help`` lists (empty when PATH is not a command)."""
        try:
            done = subprocess.run(
                [str(self.exe), *path, "--help"],
                env=self.env,
                cwd=self.work,
                capture_output=True,
                timeout=120,
            )
        except subprocess.TimeoutExpired as exc:
            raise SmokeFailure(f"{' '.join(['--help', *path])}: no answer after 120 s") from exc
        if done.returncode != 0:
            return set()
        # argparse lists choices as {a,b,c}: sub-commands and option values alike, which is fine for a lookup.
        groups = re.findall(r"\{([\w,-]+)\}", done.stdout.decode("utf-8", "replace"))
        return {name for group in groups for name in group.split(",")}

    # --- checks --------------------------------------------------------------------------------------------------

    def version(self) -> None:
        text = (ROOT / "quarantine_desk" / "__init__.py").read_text(encoding="utf-8")
        expected = re.search(r'__version__\s*=\s*"([^"]+)"', text)
        for exe in (self.exe, self.window_exe):
            step = f"{exe.name} --version"
            out = self.run(step, "--version", exe=exe)
            if expected and expected.group(1) not in out:
                raise SmokeFailure(f"{step}: printed {out.strip()!r}, expected version {expected.group(1)}")

    def database(self) -> None:
        self.run("init --admin admin", "init", "--admin", "admin")
        self.run("demo", "--user", "admin", "demo")
        out = self.run(f"--json rooms {FACILITY}", "--user", "admin", "--json", "rooms", FACILITY)
        try:
            rooms = json.loads(out)
        except json.JSONDecodeError as exc:
            raise SmokeFailure(f"rooms {FACILITY}: not JSON: {out[:500]!r}") from exc
        if not isinstance(rooms, list) or not rooms:
            raise SmokeFailure(f"rooms {FACILITY}: expected a non-empty list of rooms, got {out[:500]!r}")

    def documents(self) -> None:
        top = self.commands()
        exports = self.commands("export") if "export" in top else set()
        reports = self.commands("report") if "report" in top else set()
        for suffix in ("xlsx", "pdf"):
            step = f"export roster {FACILITY} --out roster.{suffix}"
            if "roster" not in exports:
                self.skip(step, "the build has no `export roster` command yet")
                continue
            target = self.work / f"roster.{suffix}"
            self.run(step, "--user", "admin", "export", "roster", FACILITY, "--out", str(target))
            self.check_file(step, target)
        step = "report daily --out daily.pdf"
        if "daily" not in reports:
            self.skip(step, "the build has no `report daily` command yet")
        else:
            target = self.work / "daily.pdf"
            self.run(step, "--user", "admin", "report", "daily", "--out", str(target))
            self.check_file(step, target)

    def check_file(self, step: str, path: Path) -> None:
        if not path.exists():
            raise SmokeFailure(f"{step}: {path.name} was not written")
        size = path.stat().st_size
        if size < 1000:
            raise SmokeFailure(f"{step}: {path.name} has only {size} bytes")
        if path.suffix == ".pdf":
            if not path.read_bytes().startswith(b"%PDF"):
                raise SmokeFailure(f"{step}: {path.name} does not start with %PDF")
        else:
            from openpyxl import load_workbook

            try:
                book = load_workbook(path, read_only=True)
                rows = sum(1 for _ in book.worksheets[0].iter_rows())
                book.close()
            except Exception as exc:
                raise SmokeFailure(f"{step}: openpyxl cannot read {path.name}: {exc}") from exc
            if rows < 2:
                raise SmokeFailure(f"{step}: {path.name} has {rows} rows")

    def window(self) -> None:
        step = f"{self.window_exe.name}: the window (offscreen, {WINDOW_SECONDS} s)"
        out_file = self.work / "window.out"
        with out_file.open("wb") as out:
            process = subprocess.Popen(
                [str(self.window_exe)],
                env=self.env,
                cwd=self.work,
                stdout=out,
                stderr=subprocess.STDOUT,
                stdin=subprocess.DEVNULL,
            )
            try:
                try:
                    code = process.wait(timeout=WINDOW_SECONDS)
                except subprocess.TimeoutExpired:
                    code = None
            finally:
                if process.poll() is None:
                    process.terminate()
                    try:
                        process.wait(timeout=15)
                    except subprocess.TimeoutExpired:
                        process.kill()
                        process.wait()
        if code is not None:
            output = out_file.read_text(encoding="utf-8", errors="replace")
            raise SmokeFailure(
                f"{step}: the program ended after less than {WINDOW_SECONDS} s with exit code {code}\n"
                f"--- output ---\n{output[-3000:]}{self._log_tail()}"
            )
        print(f"  ok   {step}")
        self.passed.append(step)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument(
        "--exe",
        type=Path,
        default=DEFAULT_EXE,
        help=f"the built windowed program (default {DEFAULT_EXE}); {CLI_NAME} is beside it",
    )
    parser.add_argument("--keep", action="store_true", help="keep the temporary folder and print its path")
    args = parser.parse_args(argv)
    exe = args.exe.resolve()
    cli = exe.with_name(CLI_NAME)
    for program in (exe, cli):
        if not program.is_file():
            print(
                f"bundle smoke check FAILED: {program} does not exist; build it first with `make bundle`",
                file=sys.stderr,
            )
            return 1
    print(f"bundle smoke check of {exe} and {cli.name}")
    work = Path(tempfile.mkdtemp(prefix="qd-bundle-smoke-"))
    smoke = Smoke(exe, cli, work)
    try:
        smoke.version()
        smoke.database()
        smoke.documents()
        smoke.window()
    except SmokeFailure as exc:
        print(f"bundle smoke check FAILED at {exc}", file=sys.stderr)
        print(f"(files kept in {work})", file=sys.stderr)
        return 1
    if args.keep:
        print(f"files kept in {work}")
    else:
        import shutil

        shutil.rmtree(work, ignore_errors=True)
    skipped = (
        f"; skipped {len(smoke.skipped)} not in this build: {', '.join(smoke.skipped)}"
        if smoke.skipped
        else ""
    )
    print(f"bundle smoke check passed: {len(smoke.passed)} steps{skipped}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
