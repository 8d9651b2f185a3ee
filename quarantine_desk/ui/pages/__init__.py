"""The window's pages: one QWidget per area, each built from a ``UiContext`` and able to ``refresh()``."""
