"""Measuring one case: in a fresh process (spawned, so its peak memory is its own) or in this one."""

from __future__ import annotations

import logging
import math
import multiprocessing
import os
import statistics
import subprocess
import sys
import tempfile
import time
import traceback
from pathlib import Path
from typing import Any

from quarantine_desk.bench.province import Province, bench_desk


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

    # The operations' own info lines would be timed too; the level is put back after (the tests measure in-process).
    disabled_before = logging.root.manager.disable
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
        logging.disable(disabled_before)
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
