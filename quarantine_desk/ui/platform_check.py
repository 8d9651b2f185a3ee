"""Before Qt starts on a Linux desktop: are the X11 (xcb) libraries Qt's window system plugin needs installed?

Without them Qt prints a warning about ``xcb-cursor0`` whatever is really missing and aborts. This names the
Debian/Ubuntu packages to install instead, in both languages, and the program exits cleanly.
"""

from __future__ import annotations

import ctypes
import os
import sys
from collections.abc import Callable, Mapping
from pathlib import Path

# The libraries Qt 6's xcb plugin links to (readelf -d libqxcb.so libQt6XcbQpa.so), with their Debian packages.
XCB_LIBRARIES: dict[str, str] = {
    "libX11-xcb.so.1": "libx11-xcb1",
    "libxcb.so.1": "libxcb1",
    "libxcb-cursor.so.0": "libxcb-cursor0",
    "libxcb-icccm.so.4": "libxcb-icccm4",
    "libxcb-image.so.0": "libxcb-image0",
    "libxcb-keysyms.so.1": "libxcb-keysyms1",
    "libxcb-randr.so.0": "libxcb-randr0",
    "libxcb-render-util.so.0": "libxcb-render-util0",
    "libxcb-shape.so.0": "libxcb-shape0",
    "libxcb-xkb.so.1": "libxcb-xkb1",
    "libxkbcommon-x11.so.0": "libxkbcommon-x11-0",
}


def uses_xcb(environ: Mapping[str, str] = os.environ, platform: str = sys.platform) -> bool:
    """Whether Qt will pick its X11 plugin: on Linux, unless told otherwise or on a Wayland session."""
    if not platform.startswith("linux"):
        return False
    chosen = environ.get("QT_QPA_PLATFORM", "")
    if chosen:
        return chosen.startswith("xcb")
    return not environ.get("WAYLAND_DISPLAY")


def _loads(name: str) -> bool:
    bundle = getattr(sys, "_MEIPASS", None)
    candidates = [name] + ([str(p) for p in Path(bundle).rglob(name)] if bundle else [])
    for candidate in candidates:
        try:
            ctypes.CDLL(candidate)
        except OSError:
            continue
        return True
    return False


def missing_packages(loads: Callable[[str], bool] = _loads) -> list[str]:
    """The Debian/Ubuntu packages whose libraries cannot be loaded, in the order of ``XCB_LIBRARIES``."""
    return [package for library, package in XCB_LIBRARIES.items() if not loads(library)]


def missing_text(packages: list[str]) -> str:
    command = "sudo apt-get install " + " ".join(packages)
    return (
        "Không mở được cửa sổ: máy này thiếu thư viện X11 mà Qt cần. Cài đặt bằng lệnh:\n"
        f"    {command}\n"
        "The window cannot open: this PC lacks X11 libraries Qt needs. Install them with:\n"
        f"    {command}"
    )
