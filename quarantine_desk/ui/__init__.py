"""Everything Qt: the application start-up, the main window, pages, table models, dialogs, background tasks.

Widgets are built in plain Python code; the project uses no Qt Designer forms for now. If a form is ever added,
it goes in ``forms/`` and is loaded at run time with ``QUiLoader`` through ``resources.form_path``, the one way
for every form.

Source strings are Vietnamese (``self.tr("Người cách ly")``); ``resources/translations/quarantine_desk_en.ts``
gives the English interface and ``qt_vi.ts`` the Vietnamese for Qt's own buttons and menus.
"""
