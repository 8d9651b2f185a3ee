"""What the signed-in role may not do, shown before the work: those actions are disabled, with a tooltip that
says which roles may.

The services refuse whatever the widgets show (``Desk.require``); this only spares a user the work of filling a
form that will be refused. A role does not change during a window's life, so a refused widget stays disabled
whatever the page's own logic later says (a selection, a finished write): ``restrict`` watches it for that.
"""

from __future__ import annotations

from collections.abc import Sequence

from PySide6.QtCore import QCoreApplication, QEvent, QObject
from PySide6.QtGui import QAction
from PySide6.QtWidgets import QWidget

from quarantine_desk.domain.roles import GRANTS, Permission, Role
from quarantine_desk.services.context import Desk
from quarantine_desk.ui.labels import role_label

REFUSED = "refused_permission"  # dynamic property naming what a refused widget or action needs, for tests


def roles_allowed(*permissions: Permission) -> list[Role]:
    """The roles that hold every one of ``permissions``, in the order of ``Role``."""
    return [role for role in Role if all(role in GRANTS[p] for p in permissions)]


def refusal_text(*permissions: Permission) -> str:
    """ "Chỉ Quản trị viên, Trưởng ban quản lý được làm việc này." for a tooltip."""
    names = ", ".join(role_label(role) for role in roles_allowed(*permissions))
    return QCoreApplication.translate("Permissions", "Chỉ %1 được làm việc này.").replace("%1", names)


class _KeepDisabled(QObject):
    """Turns a refused widget off again whenever something turns it on."""

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if event.type() == QEvent.Type.EnabledChange and isinstance(watched, QWidget) and watched.isEnabled():
            watched.setEnabled(False)
        return False


def restrict(desk: Desk, targets: Sequence[QWidget | QAction], *permissions: Permission) -> bool:
    """Disable ``targets`` with the reason as tooltip when the signed-in role lacks a permission; True when
    the role may (and then nothing is touched)."""
    if all(desk.can(p) for p in permissions):
        return True
    reason = refusal_text(*permissions)
    needed = ",".join(p.value for p in permissions)
    for target in targets:
        target.setEnabled(False)
        target.setToolTip(reason)
        target.setProperty(REFUSED, needed)
        if isinstance(target, QAction):
            target.changed.connect(lambda t=target: t.setEnabled(False) if t.isEnabled() else None)
        else:
            keeper = _KeepDisabled(target)
            target.installEventFilter(keeper)
    return False
