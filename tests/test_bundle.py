"""The PyInstaller bundle builds and its program works without Python (make bundle-smoke).

Takes minutes, so it runs only when asked: ``QD_BUNDLE_TEST=1 pytest tests/test_bundle.py``.
"""

from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent

pytestmark = [
    pytest.mark.slow,
    pytest.mark.timeout(3600),
    pytest.mark.skipif(
        os.environ.get("QD_BUNDLE_TEST") != "1",
        reason="builds the PyInstaller bundle (minutes): set QD_BUNDLE_TEST=1 to run it",
    ),
]


def test_bundle_builds_and_passes_the_smoke_check() -> None:
    make = shutil.which("make")
    if make is None:
        pytest.skip("make is not installed")
    done = subprocess.run(
        [make, "bundle-smoke"], cwd=ROOT, capture_output=True, text=True, errors="replace", timeout=3600
    )
    assert done.returncode == 0, f"make bundle-smoke failed:\n{done.stdout[-4000:]}\n{done.stderr[-4000:]}"
    assert "bundle smoke check passed" in done.stdout
