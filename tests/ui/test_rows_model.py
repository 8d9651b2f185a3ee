"""A long list opens at once: the model hands its view the rows a batch at a time as it is scrolled."""

from __future__ import annotations

from dataclasses import dataclass

from PySide6.QtWidgets import QTableView

from quarantine_desk.ui.models import FETCH_BATCH, Column, RowsModel
from quarantine_desk.ui.widgets import setup_table


@dataclass(frozen=True)
class Line:
    number: int


def model_of(count: int) -> RowsModel[Line]:
    model = RowsModel[Line]([Column("Số", lambda line: str(line.number))])
    model.set_rows([Line(i) for i in range(count)])
    return model


def test_a_long_list_is_given_a_batch_at_a_time(qtmodeltester) -> None:  # type: ignore[no-untyped-def]
    model = model_of(2 * FETCH_BATCH + 5)
    assert model.rowCount() == FETCH_BATCH
    assert model.canFetchMore()
    model.fetchMore()
    assert model.rowCount() == 2 * FETCH_BATCH
    model.fetchMore()
    assert model.rowCount() == 2 * FETCH_BATCH + 5
    assert not model.canFetchMore()
    assert model.index(2 * FETCH_BATCH + 4, 0).data() == str(2 * FETCH_BATCH + 4)
    assert len(model.rows()) == 2 * FETCH_BATCH + 5
    model.set_rows([Line(1)])
    assert model.rowCount() == 1 and not model.canFetchMore()
    model.set_rows([Line(i) for i in range(FETCH_BATCH + 1)])
    qtmodeltester.check(model)


def test_rows_reached_on_demand(qtbot) -> None:  # type: ignore[no-untyped-def]
    model = model_of(3 * FETCH_BATCH)
    model.show_up_to(FETCH_BATCH + 10)
    assert model.rowCount() == 2 * FETCH_BATCH
    model.append_rows([Line(-1)])
    assert model.rowCount() == 3 * FETCH_BATCH + 1
    assert model.row_at(3 * FETCH_BATCH) == Line(-1)


def test_the_view_fetches_when_scrolled_to_the_end(qtbot) -> None:  # type: ignore[no-untyped-def]
    model = model_of(3 * FETCH_BATCH)
    view = setup_table(QTableView(), model)
    qtbot.addWidget(view)
    view.resize(400, 300)
    view.show()
    qtbot.waitExposed(view)
    assert model.rowCount() == FETCH_BATCH
    view.scrollToBottom()
    qtbot.waitUntil(lambda: model.rowCount() > FETCH_BATCH)
