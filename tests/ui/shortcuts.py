"""Every key binding a window offers, gathered from its widgets, and the pairs Qt would find ambiguous.

Qt keeps its shortcut map private, so the bindings are read back from what registers them: QShortcut and QAction
keys, and the Alt+letter mnemonics of buttons, labels with a buddy, tab bars and menu titles. Two bindings of one
key clash when both are live (enabled, shown) and one's scope holds the other's: Qt then fires neither.
"""

from __future__ import annotations

from dataclasses import dataclass

from PySide6.QtCore import Qt
from PySide6.QtGui import QAction, QKeySequence, QShortcut
from PySide6.QtWidgets import QAbstractButton, QLabel, QMenuBar, QTabBar, QWidget

WINDOW_WIDE = (Qt.ShortcutContext.WindowShortcut, Qt.ShortcutContext.ApplicationShortcut)


@dataclass(frozen=True)
class Binding:
    key: str  # portable text, e.g. "Ctrl+Return", "Alt+T"
    scope: QWidget  # the widget inside which the key works
    owner: str  # what offers it, for the failure message

    def overlaps(self, other: Binding) -> bool:
        return (
            self.scope is other.scope
            or self.scope.isAncestorOf(other.scope)
            or other.scope.isAncestorOf(self.scope)
        )


def _name(widget: object) -> str:
    text = getattr(widget, "text", None)
    shown = text() if callable(text) else ""
    name = widget.objectName() if hasattr(widget, "objectName") else ""
    return f"{type(widget).__name__}({name or shown!r})"


def _live(widget: QWidget, window: QWidget) -> bool:
    return (widget is window or widget.isVisibleTo(window)) and widget.isEnabled()


def _keys(sequences: list[QKeySequence]) -> set[str]:
    return {s.toString(QKeySequence.SequenceFormat.PortableText) for s in sequences if not s.isEmpty()}


def bindings(window: QWidget) -> list[Binding]:
    found: list[Binding] = []
    for shortcut in window.findChildren(QShortcut):
        parent = shortcut.parent()
        if not isinstance(parent, QWidget) or not shortcut.isEnabled() or not _live(parent, window):
            continue
        scope = window if shortcut.context() in WINDOW_WIDE else parent
        found += [Binding(k, scope, f"QShortcut on {_name(parent)}") for k in _keys(shortcut.keys())]
    actions = {id(a): a for a in [*window.actions(), *window.findChildren(QAction)]}
    for action in actions.values():
        if not action.isEnabled() or not action.isVisible():
            continue
        widgets = [w for w in action.associatedObjects() if isinstance(w, QWidget)]
        if not any(w is window or window.isAncestorOf(w) for w in widgets):
            continue
        scope = window
        if action.shortcutContext() not in WINDOW_WIDE and widgets:
            scope = widgets[0]
        found += [Binding(k, scope, f"QAction {action.text()!r}") for k in _keys(action.shortcuts())]
    for button in window.findChildren(QAbstractButton):
        if _live(button, window):
            found += [Binding(k, window, _name(button)) for k in _keys([button.shortcut()])]
    for label in window.findChildren(QLabel):
        if label.buddy() is not None and _live(label, window):
            found += [Binding(k, window, _name(label)) for k in _keys([QKeySequence.mnemonic(label.text())])]
    for bar in window.findChildren(QTabBar):
        if _live(bar, window):
            for i in range(bar.count()):
                if bar.isTabEnabled(i):
                    keys = _keys([QKeySequence.mnemonic(bar.tabText(i))])
                    found += [Binding(k, window, f"tab {bar.tabText(i)!r}") for k in keys]
    for menubar in window.findChildren(QMenuBar):
        for action in menubar.actions():
            if action.isVisible() and action.isEnabled():
                keys = _keys([QKeySequence.mnemonic(action.text())])
                found += [Binding(k, window, f"menu {action.text()!r}") for k in keys]
    return found


def ambiguous(window: QWidget) -> list[str]:
    """Every pair of live bindings of one key in overlapping scopes, as readable lines."""
    found = bindings(window)
    clashes = []
    for i, first in enumerate(found):
        for second in found[i + 1 :]:
            if first.key == second.key and first.overlaps(second):
                clashes.append(f"{first.key}: {first.owner} and {second.owner}")
    return clashes
