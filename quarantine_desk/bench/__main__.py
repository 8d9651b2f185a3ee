"""The benchmark: ``python -m quarantine_desk.bench [--people N] [--db URL] [--json FILE]``.

Makes (or reuses) the province database of ``--people`` people, then runs each operation of the program and its
reference, each in a fresh process, and prints p50/p95 of the repeated runs, the peak memory (resident set) of the
process, and the ratio of the two p50s. Without ``--db`` the database is a SQLite file under ``temp/bench/``.
See BENCHMARKS.md for what each line means and the figures of this machine.
"""

from __future__ import annotations

import argparse
import json
import logging
import math
import multiprocessing
import os
import platform
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import time
import traceback
from dataclasses import asdict
from pathlib import Path
from typing import Any

from quarantine_desk.bench.province import Province, bench_desk, generate

DEFAULT_FOLDER = Path("temp") / "bench"


def _peak_rss() -> int | None:
    try:
        import resource
    except ImportError:  # Windows: no resource module
        return None
    # Linux gives kilobytes, macOS bytes.
    scale = 1 if sys.platform == "darwin" else 1024
    return int(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * scale)


def measure_here(
    province: Province, key: str, side: str, repeat: int, warm: bool, folder: str
) -> dict[str, Any]:
    """Set up one case, run it ``repeat`` times (after one run to warm up), undoing its changes after each."""
    from quarantine_desk.bench.cases import Context, cases

    logging.disable(logging.WARNING)
    case = {c.key: c for c in cases(province)}[key]
    factory = case.now if side == "now" else case.ref
    assert callable(factory)
    desk = bench_desk(province.url)
    try:
        step, undo = factory(Context(desk, province, Path(folder)))
        if warm:
            step()
            if undo:
                undo()
        times = []
        for _ in range(repeat):
            started = time.perf_counter()
            step()
            times.append(time.perf_counter() - started)
            if undo:
                undo()
    finally:
        desk.close()
    return {"times": times, "rss": _peak_rss()}


def _child(connection: Any, *args: Any) -> None:
    try:
        connection.send(measure_here(*args))
    except BaseException:  # noqa: BLE001 - the parent prints it beside the case
        connection.send({"error": traceback.format_exc()})
    finally:
        connection.close()


def measure_in_process(
    province: Province, key: str, side: str, repeat: int, warm: bool, folder: str, *, fresh: bool
) -> dict[str, Any]:
    if not fresh:
        try:
            return measure_here(province, key, side, repeat, warm, folder)
        except Exception:  # noqa: BLE001
            return {"error": traceback.format_exc()}
    context = multiprocessing.get_context("spawn")
    receiver, sender = context.Pipe(duplex=False)
    process = context.Process(target=_child, args=(sender, province, key, side, repeat, warm, folder))
    process.start()
    sender.close()
    try:
        result: dict[str, Any] = receiver.recv()
    except EOFError:
        result = {"error": f"the measuring process ended with code {process.exitcode}"}
    process.join()
    return result


def measure_command(command: list[str], repeat: int, env: dict[str, str]) -> dict[str, Any]:
    """The whole process, from start to exit, ``repeat`` times; its peak resident memory."""
    times: list[float] = []
    rss: int | None = None
    full_env = {**os.environ, "QT_QPA_PLATFORM": "offscreen", **env}
    for _ in range(repeat):
        with tempfile.TemporaryFile("w+", encoding="utf-8", errors="replace") as errors:
            started = time.perf_counter()
            process = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=errors, env=full_env)
            if hasattr(os, "wait4"):
                _, status, usage = os.wait4(process.pid, 0)
                elapsed = time.perf_counter() - started
                process.returncode = os.waitstatus_to_exitcode(status)
                scale = 1 if sys.platform == "darwin" else 1024
                rss = max(rss or 0, usage.ru_maxrss * scale)
            else:
                process.wait()
                elapsed = time.perf_counter() - started
            if process.returncode != 0:
                errors.seek(0)
                return {
                    "error": f"{' '.join(command[1:])} ended with {process.returncode}: {errors.read()[-2000:]}"
                }
        times.append(elapsed)
    return {"times": times, "rss": rss}


def summary(result: dict[str, Any]) -> dict[str, Any]:
    if "error" in result:
        return {"error": result["error"]}
    times = sorted(result["times"])
    p95 = times[max(0, math.ceil(0.95 * len(times)) - 1)]
    return {
        "runs": len(times),
        "p50_ms": round(statistics.median(times) * 1000, 2),
        "p95_ms": round(p95 * 1000, 2),
        "peak_mb": round(result["rss"] / 2**20, 1) if result.get("rss") else None,
    }


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
