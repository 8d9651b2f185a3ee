"""Starting the window: the application object, fonts and translations, the database, the login, the main window.

Nothing here shows a traceback: a database that cannot be opened is explained with ``describe()`` and the user
may pick another one or quit.
"""

from __future__ import annotations

import logging
import sys
from functools import partial
from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import QCoreApplication, QLibraryInfo, QLocale, QTranslator
from PySide6.QtGui import QFont, QFontDatabase, QIcon
from PySide6.QtWidgets import QApplication, QDialog

from quarantine_desk import __version__
from quarantine_desk.domain.errors import DatabaseUnavailable, DeskError
from quarantine_desk.resources import resource_path
from quarantine_desk.services import auth, backup, setup
from quarantine_desk.services.context import Desk, open_desk
from quarantine_desk.ui import data_menu
from quarantine_desk.ui import settings as opts
from quarantine_desk.ui.context import UiContext
from quarantine_desk.ui.dialogs import DatabaseDialog, FirstAdminDialog, LoginDialog
from quarantine_desk.ui.interaction import error_text, interaction
from quarantine_desk.ui.tasks import call_off_thread

if TYPE_CHECKING:
    from quarantine_desk.ui.main_window import MainWindow

log = logging.getLogger(__name__)

FONT_FILES = ("DejaVuSans.ttf", "DejaVuSans-Bold.ttf")
ICON_FILE = "quarantine-desk.png"


def application() -> QApplication:
    """The one QApplication, with its names, icon and the bundled Vietnamese-capable font."""
    app = QApplication.instance()
    if app is None:
        app = QApplication(sys.argv)
    assert isinstance(app, QApplication)
    app.setApplicationName(opts.APPLICATION)
    app.setOrganizationName(opts.ORGANISATION)
    app.setApplicationVersion(__version__)
    app.setApplicationDisplayName("Quarantine Desk")
    icon = resource_path("icons", ICON_FILE)
    if icon.exists():
        app.setWindowIcon(QIcon(str(icon)))
    load_fonts(app)
    return app


def load_fonts(app: QApplication) -> None:
    families: list[str] = []
    for name in FONT_FILES:
        font_id = QFontDatabase.addApplicationFont(str(resource_path("fonts", name)))
        if font_id < 0:
            log.warning("font %s could not be loaded", name)
            continue
        families.extend(QFontDatabase.applicationFontFamilies(font_id))
    if families:
        # One font with every Vietnamese letter, whatever the PC has installed.
        font = QFont(families[0])
        font.setPointSize(9)
        app.setFont(font)


def install_translators(app: QCoreApplication, lang: str) -> list[QTranslator]:
    """Vietnamese: Qt's own strings (ours, and qtbase_vi if Qt ships it). English: the program's strings."""
    translators: list[QTranslator] = []
    folder = resource_path("translations")
    if lang == "vi":
        QLocale.setDefault(QLocale(QLocale.Language.Vietnamese, QLocale.Country.Vietnam))
        candidates = [(str(folder), "qt_vi")]
        qt_folder = QLibraryInfo.path(QLibraryInfo.LibraryPath.TranslationsPath)
        candidates.append((qt_folder, "qtbase_vi"))
    else:
        QLocale.setDefault(QLocale(QLocale.Language.English, QLocale.Country.UnitedKingdom))
        candidates = [(str(folder), "quarantine_desk_en")]
    for where, name in candidates:
        translator = QTranslator(app)
        if translator.load(name, where):
            app.installTranslator(translator)
            translators.append(translator)
            log.info("translation loaded: %s", name)
        else:
            log.info("no translation %s in %s", name, where)
    return translators


def choose_language(requested: str, settings: opts.Settings) -> str:
    """The language picked in the menu wins over the default; an explicit ``--lang en`` wins over both."""
    if requested == "en":
        return "en"
    return settings.language or requested or "vi"


def _start_url(db_url: str | None, settings: opts.Settings) -> str | None:
    """``--db``, then the environment variable (``open_desk`` reads it), then the last database used here."""
    if db_url:
        return db_url
    if setup.url_from_environment():
        return None
    return settings.get(opts.DATABASE_URL) or None


def open_database(
    url: str | None, lang: str, damaged: DatabaseUnavailable | None = None, *, defer_integrity: bool = False
) -> Desk | None:
    """Open the database; on failure explain why and let the user choose another one, or quit (None).

    A missing or empty SQLite file becomes a new database only here, at the first start: silently for the
    default file of a first start (nothing chosen yet), else only when the user says so for the path shown.
    With ``defer_integrity`` (the window's start) the integrity check of a SQLite file, which reads the whole
    file, is left to the time after the window is shown (``show_main_window``); ``damaged`` is the damage it
    found, which gets what a damaged file gets here: the offer of a backup to put in its place.
    """
    while True:
        try:
            if damaged is not None:
                found, damaged = damaged, None
                raise found
            return call_off_thread(partial(open_desk, url, defer_integrity=defer_integrity))
        except DatabaseUnavailable as err:
            if err.reason in ("missing", "empty") and _may_create(url, err, lang):
                try:
                    return call_off_thread(partial(open_desk, url, create=True))
                except DeskError as again:
                    problem = error_text(again, lang)
            elif err.reason == "damaged" and (chosen := _backup_for_damaged(err, lang))[0]:
                try:
                    return call_off_thread(partial(_restored, url, *chosen))
                except DeskError as again:
                    problem = error_text(again, lang)
            else:
                problem = error_text(err, lang)
        except DeskError as err:
            problem = error_text(err, lang)
        except Exception as exc:  # a broken file or schema must not end in a traceback
            log.exception("database could not be opened")
            problem = error_text(exc, lang)
        interaction().error(None, problem, QCoreApplication.translate("App", "Không mở được cơ sở dữ liệu"))
        dialog = DatabaseDialog(problem, setup.display_url(url) if url else "")
        if dialog.exec() != QDialog.DialogCode.Accepted or not dialog.chosen_url():
            return None
        url = dialog.chosen_url()


def _may_create(url: str | None, err: DatabaseUnavailable, lang: str) -> bool:
    if url is None and setup.url_from_environment() is None:
        return True  # the first start on this PC: the default file
    return interaction().confirm(
        None,
        QCoreApplication.translate(
            "App", "{0}\n\nTạo một cơ sở dữ liệu mới, trống, tại đường dẫn này?"
        ).format(error_text(err, lang)),
        QCoreApplication.translate("App", "Tạo cơ sở dữ liệu mới"),
    )


def _backup_for_damaged(err: DatabaseUnavailable, lang: str) -> tuple[str, str | None]:
    """A damaged file: offer to put a backup in its place (the damaged file is kept aside); the backup chosen and,
    for an encrypted one, its passphrase (("", None) when the user gives up)."""
    if not interaction().confirm(
        None,
        QCoreApplication.translate(
            "App",
            "{0}\n\nChọn một bản sao lưu để khôi phục? Tệp bị hỏng được giữ lại bên cạnh, không bị xóa.",
        ).format(error_text(err, lang)),
        QCoreApplication.translate("App", "Khôi phục từ bản sao lưu"),
    ):
        return "", None
    path = data_menu.ask_restore_path(None)
    if not path:
        return "", None
    go_on, passphrase = data_menu.ask_restore_passphrase(None, path, lang)
    return (path, passphrase) if go_on else ("", None)


def _restored(url: str | None, path: str, passphrase: str | None = None) -> Desk:
    backup.replace_damaged(url, Path(path), passphrase)
    return open_desk(url)


def sign_in(desk: Desk, lang: str) -> Desk | None:
    """The first administrator on a new database, else the login; None when the user gives up."""
    try:
        first_start = not call_off_thread(lambda: auth.has_users(desk))
    except DeskError as err:
        interaction().error(None, error_text(err, lang))
        return None
    dialog: FirstAdminDialog | LoginDialog
    dialog = FirstAdminDialog(desk, lang) if first_start else LoginDialog(desk, lang)
    if dialog.exec() != QDialog.DialogCode.Accepted:
        return None
    return dialog.logged_in


def _remember_database(desk: Desk, settings: opts.Settings) -> None:
    # A URL with a password is not written to the settings file; the user types it again next time.
    if desk.display_url == desk.url or "***" not in desk.display_url:
        settings.set(opts.DATABASE_URL, desk.url)


def show_main_window(
    ctx: UiContext, settings: opts.Settings
) -> tuple[MainWindow, data_menu.ScheduledBackups]:
    """The main window, shown; then, in the background, the integrity check that opening left out and the day's
    automatic backup (``ScheduledBackups``). Damage found closes the window (``MainWindow.damage``)."""
    from quarantine_desk.ui.main_window import MainWindow

    window = MainWindow(ctx, settings)
    window.show()
    scheduled = data_menu.ScheduledBackups(ctx.desk, window, ctx.lang)
    scheduled.damaged.connect(window.database_damaged)
    scheduled.failed.connect(window.show_backup_failure)  # shown to the person, not only in the log
    return window, scheduled


def run_window(db_url: str | None, lang: str = "vi") -> int:
    app = application()
    settings = opts.Settings()
    lang = choose_language(lang, settings)
    translators = install_translators(app, lang)
    try:
        url = _start_url(db_url, settings)
        damage: DatabaseUnavailable | None = None
        while True:
            desk = open_database(url, lang, damage, defer_integrity=True)
            if desk is None:
                return 1
            logged_in = sign_in(desk, lang)
            if logged_in is None:
                desk.close()
                return 0
            _remember_database(logged_in, settings)
            window, scheduled = show_main_window(UiContext(logged_in, lang), settings)
            # After the window has told of the damage and closed: end its loop even if another window (the
            # guide) is still open.
            scheduled.damaged.connect(app.quit)
            code = app.exec()
            scheduled.timer.stop()
            found = window.damage
            window.deleteLater()
            logged_in.close()
            if not isinstance(found, DatabaseUnavailable):
                return int(code)
            # The file was found damaged after the window was shown: the start's offer of a backup, then a login.
            damage, url = found, logged_in.url
    finally:
        for translator in translators:
            app.removeTranslator(translator)
