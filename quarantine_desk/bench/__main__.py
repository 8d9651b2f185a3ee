"""The benchmark: ``python -m quarantine_desk.bench [--people N] [--db URL] [--json FILE]``.

Makes (or reuses) the province database of ``--people`` people, then runs each operation of the program and its
reference, each in a fresh process, and prints p50/p95 of the repeated runs, the peak memory (resident set) of the
process, and the ratio of the two p50s. Without ``--db`` the database is a SQLite file under ``temp/bench/``.
See BENCHMARKS.md for what each line means and the figures of this machine.
"""

from __future__ import annotations

import argparse
import compileall
import json
import logging
import os
import platform
import sqlite3
import sys
import tempfile
import time
from dataclasses import asdict
from pathlib import Path
from typing import Any

from quarantine_desk.bench.measure import measure_command, measure_in_process, summary
from quarantine_desk.bench.province import bench_desk, generate

DEFAULT_FOLDER = Path("temp") / "bench"


def machine(url: str) -> dict[str, Any]:
    info: dict[str, Any] = {
        "platform": platform.platform(),
        "processor": platform.processor() or platform.machine(),
        "cpus": os.cpu_count(),
        "python": platform.python_version(),
        "sqlite": sqlite3.sqlite_version,
    }
    try:
        with open("/proc/meminfo", encoding="ascii") as meminfo:
            info["memory_gb"] = round(int(meminfo.readline().split()[1]) / 2**20, 1)
        with open("/proc/cpuinfo", encoding="ascii") as cpuinfo:
            info["cpu"] = next(
                (line.split(":", 1)[1].strip() for line in cpuinfo if "model name" in line), None
            )
    except OSError:
        pass
    if not url.startswith("sqlite"):
        desk = bench_desk(url)
        with desk.engine.connect() as connection:
            info["postgresql"] = connection.exec_driver_sql("SHOW server_version").scalar()
        desk.close()
    return info


def _cell(side: dict[str, Any]) -> str:
    if "error" in side:
        return f"{'error':>22}"
    peak = f"{side['peak_mb']:.0f} MB" if side.get("peak_mb") else ""
    return f"{_ms(side['p50_ms']):>8} /{_ms(side['p95_ms']):>8} {peak:>7}"


def _ms(value: float) -> str:
    return (
        f"{value / 1000:.2f} s"
        if value >= 10_000
        else f"{value:.1f} ms"
        if value < 100
        else f"{value:.0f} ms"
    )


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m quarantine_desk.bench", description=__doc__.split("\n")[0]
    )
    parser.add_argument(
        "--people", type=int, default=200_000, help="people in the province (default 200,000)"
    )
    parser.add_argument("--db", help="database URL (default: a SQLite file under temp/bench/)")
    parser.add_argument("--json", type=Path, help="write the figures to this file as JSON")
    parser.add_argument("--only", help="comma-separated case keys (version, search_common, roster, ...)")
    parser.add_argument("--quick", action="store_true", help="one run of each, no warm-up (a smoke test)")
    parser.add_argument(
        "--in-process",
        action="store_true",
        help="measure in this process (faster; memory figures then mean less)",
    )
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.WARNING)
    url = args.db
    if url is None:
        DEFAULT_FOLDER.mkdir(parents=True, exist_ok=True)
        url = f"sqlite:///{(DEFAULT_FOLDER / f'province-{args.people}.sqlite3').resolve()}"
    from quarantine_desk.db.engine import normalise_url, safe_url

    url = normalise_url(url)
    print(f"database: {safe_url(url)}", flush=True)
    province = generate(url, args.people, say=lambda text: print("  " + text, flush=True))

    from quarantine_desk.bench.cases import cases, tidy

    tidy(province)
    # The program as installed (a wheel, the bundle) carries its modules compiled; a checkout run with
    # PYTHONDONTWRITEBYTECODE set would compile them again at every start of the lines that start a process.
    compileall.compile_dir(str(Path(__file__).resolve().parents[1]), quiet=1)
    folder = tempfile.mkdtemp(prefix="qd-bench-")
    wanted = set(args.only.split(",")) if args.only else None
    report: dict[str, Any] = {
        "machine": machine(url),
        "database": "postgresql" if url.startswith("postgresql") else "sqlite",
        "province": {k: v for k, v in asdict(province).items() if k != "url"},
        "when": time.strftime("%Y-%m-%d %H:%M"),
        "cases": [],
    }
    print(
        f"{'operation':<48}{'p50':>10}{'p95':>10}{'peak':>8}  |{'reference p50':>14}{'p95':>10}{'peak':>8}  "
        f"|{'ratio':>7}  target"
    )
    for case in cases(province):
        if wanted is not None and case.key not in wanted:
            continue
        repeat = 1 if args.quick else case.repeat
        results = {}
        for side, what in (("now", case.now), ("ref", case.ref)):
            if what is None:
                continue
            if case.is_process:
                assert not callable(what)
                results[side] = summary(measure_command(list(what), repeat, case.env))
            else:
                raw = measure_in_process(
                    province, case.key, side, repeat, not args.quick, folder, fresh=not args.in_process
                )
                results[side] = summary(raw)
        now, ref = results["now"], results.get("ref", {"error": "none"})
        ratio = (
            round(now["p50_ms"] / ref["p50_ms"], 2)
            if "error" not in now and "error" not in ref and ref["p50_ms"]
            else None
        )
        report["cases"].append(
            {
                "key": case.key,
                "title": case.title,
                "target": case.target,
                "now": now,
                "reference": ref,
                "reference_title": case.ref_title,
                "ratio": ratio,
            }
        )
        print(
            f"{case.title[:47]:<48}{_cell(now)}  |{_cell(ref)}  |{(f'{ratio:.2f}×' if ratio else '—'):>7}  "
            f"{case.target}",
            flush=True,
        )
        for measured in (now, ref):
            if "error" in measured:
                print("    " + measured["error"].strip().replace("\n", "\n    "), flush=True)
    if args.json:
        args.json.write_text(json.dumps(report, ensure_ascii=False, indent=1), encoding="utf-8")
        print(f"figures written to {args.json}")
    failed = [c["key"] for c in report["cases"] if "error" in c["now"] or "error" in c["reference"]]
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
