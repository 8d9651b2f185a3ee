"""The person editor shows and saves the record's other fields: commune, F-level, relative, conditions and the
"cần theo dõi đặc biệt" flag, notes."""

from __future__ import annotations

import pytest
from PySide6.QtCore import QPoint, Qt

from quarantine_desk.services import people
from tests.ui.test_checkin import add, type_text
from tests.ui.test_one_truth_ui import ctx, page  # noqa: F401  (fixtures)
from tests.ui.writes import wait_for_writes

pytestmark = pytest.mark.qt_log_ignore("propagateSizeHints")


def test_the_editor_saves_the_record_fields(ctx, page, qtbot, tmp_path) -> None:  # type: ignore[no-untyped-def]  # noqa: F811
    pid = add(ctx.desk, "Hồ Thị Hoa", "F", "001190012345")
    dialog = page.person_dialog(people.get_person(ctx.desk, pid))
    qtbot.addWidget(dialog)
    dialog.show()
    assert dialog.f_level.currentData() == "" and not dialog.special_watch.isChecked()
    type_text(dialog.texts["commune"], "Hà Mòn")
    dialog.f_level.setCurrentIndex(dialog.f_level.findData("f1"))
    type_text(dialog.texts["conditions"], "thai 20 tuần")
    for box in (dialog.pregnant, dialog.special_watch):
        qtbot.mouseClick(box, Qt.MouseButton.LeftButton, pos=box.rect().bottomLeft() + QPoint(8, -8))
    assert dialog.pregnant.isChecked() and dialog.special_watch.isChecked()
    qtbot.keyClicks(dialog.texts["relative_phone"], "0905000000")
    dialog.grab().save(str(tmp_path / "person-dialog.png"))
    dialog.save()
    wait_for_writes(qtbot)
    assert dialog.result_row is not None, dialog.error.text()
    saved = people.get_person(ctx.desk, pid)
    assert (saved.commune, saved.f_level, saved.conditions) == ("Hà Mòn", "f1", "thai 20 tuần")
    assert (saved.pregnant, saved.special_watch, saved.relative_phone) == (True, True, "0905000000")
    again = page.person_dialog(saved)
    qtbot.addWidget(again)
    assert again.texts["commune"].text() == "Hà Mòn" and again.special_watch.isChecked()
    assert again.f_level.currentData() == "f1"


def test_the_editor_shows_the_cohorts_level_and_case(ctx, page, qtbot, tmp_path) -> None:  # type: ignore[no-untyped-def]  # noqa: F811
    """Where the record has no F-level or F0 case of its own, the cohort's are shown (and never saved)."""
    from quarantine_desk.domain.cohorts import CohortKind
    from quarantine_desk.services import facilities, stays

    if not facilities.list_facilities(ctx.desk):
        facilities.add_facility(ctx.desk, "F01", "Khu cách ly")
        facilities.add_rooms(ctx.desk, "F01", "Khu A", "101", 4)
    code = facilities.list_facilities(ctx.desk)[0].code
    pid = add(ctx.desk, "Hồ Văn Lộc", "M", "001090012345")
    new = stays.NewCohort(CohortKind.F1_CONTACT, None, "BN 12345")
    stays.admit(ctx.desk, pid, code, "F1 ca BN 12345", new_cohort=new)
    dialog = page.person_dialog(people.get_person(ctx.desk, pid))
    qtbot.addWidget(dialog)
    dialog.resize(dialog.sizeHint())
    dialog.show()
    wait_for_writes(qtbot)
    assert dialog.f_level.itemText(0) == "— theo nhóm: F1 —" and dialog.f_level.currentData() == ""
    assert dialog.texts["exposure"].placeholderText() == "theo nhóm: BN 12345"
    assert dialog.texts["exposure"].toolTip() == "theo nhóm F1 ca BN 12345: BN 12345"
    assert dialog.texts["exposure"].text() == ""
    dialog.grab().save(str(tmp_path / "person-dialog-cohort.png"))
    # Saving writes nothing of the cohort's into the record.
    dialog.save()
    wait_for_writes(qtbot)
    saved = people.get_person(ctx.desk, pid)
    assert (saved.f_level, saved.exposure) == (None, None)


def test_an_edit_on_a_record_changed_elsewhere_is_refused_with_a_message(ctx, page, qtbot, tmp_path) -> None:  # type: ignore[no-untyped-def]  # noqa: F811
    from quarantine_desk.services import vaccination

    pid = add(ctx.desk, "Hồ Thị Hoa", "F", "001190012345")
    dialog = page.person_dialog(people.get_person(ctx.desk, pid))
    qtbot.addWidget(dialog)
    dialog.show()
    # Meanwhile another PC corrects the same person.
    vaccination.edit_person(ctx.desk, pid, vaccination.PersonEdit(phone="0905111222"))
    type_text(dialog.texts["commune"], "Hà Mòn")
    dialog.save()
    wait_for_writes(qtbot)
    assert dialog.result_row is None
    assert "vừa được sửa trên một máy khác" in dialog.error.text()
    dialog.resize(1366 * 2 // 3, dialog.height())
    dialog.grab().save(str(tmp_path / "person-dialog-stale.png"))
    saved = people.get_person(ctx.desk, pid)
    assert (saved.phone, saved.commune) == ("0905111222", None)
