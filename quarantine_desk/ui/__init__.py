"""Everything Qt: the application start-up, the main window, pages, table models, dialogs, background tasks.

Layouts, tab order and buddies are Qt Designer forms in ``forms/`` at the top of the project, compiled by
``pyside6-uic`` (``scripts/build_forms.py``, run by ``make forms``) into ``ui.forms_compiled`` and used by
composition: ``self.ui = Ui_LoginDialog(); self.ui.setupUi(self)``. The classes here keep the behaviour.

Source strings are Vietnamese (``self.tr("Người cách ly")``); ``resources/translations/quarantine_desk_en.ts``
gives the English interface and ``qt_vi.ts`` the Vietnamese for Qt's own buttons and menus.
"""
