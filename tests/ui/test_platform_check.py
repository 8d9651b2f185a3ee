"""The start-up check for Qt's X11 libraries: it names the Debian packages to install instead of Qt aborting."""

from __future__ import annotations

from quarantine_desk.ui import platform_check


def test_the_missing_libraries_are_named_by_their_packages() -> None:
    absent = {"libxcb-icccm.so.4", "libxcb-keysyms.so.1"}
    missing = platform_check.missing_packages(lambda library: library not in absent)
    assert missing == ["libxcb-icccm4", "libxcb-keysyms1"]
    text = platform_check.missing_text(missing)
    assert "sudo apt-get install libxcb-icccm4 libxcb-keysyms1" in text
    assert "thiếu thư viện" in text and "lacks" in text


def test_nothing_missing_says_nothing() -> None:
    assert platform_check.missing_packages(lambda library: True) == []


def test_only_an_x11_start_on_linux_is_checked() -> None:
    assert platform_check.uses_xcb({}, "linux")
    assert platform_check.uses_xcb({"QT_QPA_PLATFORM": "xcb"}, "linux")
    assert not platform_check.uses_xcb({"QT_QPA_PLATFORM": "offscreen"}, "linux")
    assert not platform_check.uses_xcb({"WAYLAND_DISPLAY": "wayland-0"}, "linux")
    assert not platform_check.uses_xcb({}, "win32")
