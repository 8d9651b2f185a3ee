"""The audit log in words: each event's action, fields and values as the user reads them, in the interface
language ("Xét nghiệm nhanh: âm tính, lấy mẫu 07:30 01/12").

The service keeps codes (``test.record``, ``rapid``, ``sampled_at``); this is where they become words, and where a
search typed in those words is turned back into the codes the service can look for.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from datetime import date, datetime
from typing import Any

from PySide6.QtCore import QCoreApplication

from quarantine_desk.domain.roles import Role
from quarantine_desk.domain.rooms import RoomSex
from quarantine_desk.domain.text import fold
from quarantine_desk.services.audit import AuditRow
from quarantine_desk.ui.labels import action_label, role_label, room_sex_label


def field_labels() -> dict[str, str]:
    return {
        "accepted": QCoreApplication.translate("AuditText", "nhận"),
        "after": QCoreApplication.translate("AuditText", "sau"),
        "at": QCoreApplication.translate("AuditText", "lúc"),
        "bed": QCoreApplication.translate("AuditText", "giường"),
        "beds": QCoreApplication.translate("AuditText", "số giường"),
        "before": QCoreApplication.translate("AuditText", "trước"),
        "by": QCoreApplication.translate("AuditText", "người làm"),
        "code": QCoreApplication.translate("AuditText", "mã"),
        "cohort": QCoreApplication.translate("AuditText", "nhóm"),
        "contact": QCoreApplication.translate("AuditText", "ngày tiếp xúc"),
        "created": QCoreApplication.translate("AuditText", "đã tạo"),
        "days": QCoreApplication.translate("AuditText", "số ngày"),
        "diners": QCoreApplication.translate("AuditText", "số người ăn"),
        "distributed": QCoreApplication.translate("AuditText", "đã phát"),
        "effective_from": QCoreApplication.translate("AuditText", "hiệu lực từ"),
        "effective_to": QCoreApplication.translate("AuditText", "hiệu lực đến"),
        "existing": QCoreApplication.translate("AuditText", "đã có"),
        "facility": QCoreApplication.translate("AuditText", "khu"),
        "file": QCoreApplication.translate("AuditText", "tệp"),
        "first": QCoreApplication.translate("AuditText", "tài khoản đầu tiên"),
        "hours_in_24": QCoreApplication.translate("AuditText", "số giờ trong 24 giờ"),
        "id_number": QCoreApplication.translate("AuditText", "số giấy tờ"),
        "item": QCoreApplication.translate("AuditText", "vật tư"),
        "kind": QCoreApplication.translate("AuditText", "loại"),
        "meal": QCoreApplication.translate("AuditText", "bữa"),
        "goods": QCoreApplication.translate("AuditText", "hàng phát"),
        "value": QCoreApplication.translate("AuditText", "mức"),
        "round": QCoreApplication.translate("AuditText", "đợt"),
        "key": QCoreApplication.translate("AuditText", "định mức"),
        "min_stock": QCoreApplication.translate("AuditText", "tồn tối thiểu"),
        "name": QCoreApplication.translate("AuditText", "họ tên"),
        "on": QCoreApplication.translate("AuditText", "ngày"),
        "override": QCoreApplication.translate("AuditText", "lý do duyệt"),
        "pattern": QCoreApplication.translate("AuditText", "kiểu ca"),
        "people": QCoreApplication.translate("AuditText", "số người"),
        "per_person": QCoreApplication.translate("AuditText", "mỗi người"),
        "person": QCoreApplication.translate("AuditText", "người cách ly"),
        "planned_release": QCoreApplication.translate("AuditText", "dự kiến ra"),
        "policy": QCoreApplication.translate("AuditText", "quy định"),
        "portions": QCoreApplication.translate("AuditText", "số suất"),
        "position": QCoreApplication.translate("AuditText", "chức vụ"),
        "positive": QCoreApplication.translate("AuditText", "dương tính"),
        "positive_person": QCoreApplication.translate("AuditText", "ca dương tính"),
        "previous_data": QCoreApplication.translate("AuditText", "dữ liệu cũ giữ ở"),
        "problems": QCoreApplication.translate("AuditText", "vấn đề"),
        "quantity": QCoreApplication.translate("AuditText", "số lượng"),
        "reason": QCoreApplication.translate("AuditText", "lý do"),
        "rejected": QCoreApplication.translate("AuditText", "bị loại"),
        "remainder": QCoreApplication.translate("AuditText", "còn lại"),
        "result": QCoreApplication.translate("AuditText", "kết quả"),
        "role": QCoreApplication.translate("AuditText", "vai trò"),
        "room": QCoreApplication.translate("AuditText", "phòng"),
        "rooms": QCoreApplication.translate("AuditText", "phòng"),
        "roommates_restarted": QCoreApplication.translate("AuditText", "người cùng phòng tính lại"),
        "rows": QCoreApplication.translate("AuditText", "số dòng"),
        "sampled_at": QCoreApplication.translate("AuditText", "lấy mẫu"),
        "sex": QCoreApplication.translate("AuditText", "giới tính"),
        "shift": QCoreApplication.translate("AuditText", "ca"),
        "staff": QCoreApplication.translate("AuditText", "nhân viên"),
        "start": QCoreApplication.translate("AuditText", "từ ngày"),
        "starts_at": QCoreApplication.translate("AuditText", "bắt đầu"),
        "stock": QCoreApplication.translate("AuditText", "tồn kho"),
        "symptoms": QCoreApplication.translate("AuditText", "triệu chứng"),
        "temperature": QCoreApplication.translate("AuditText", "nhiệt độ"),
        "test_days": QCoreApplication.translate("AuditText", "ngày xét nghiệm"),
        "to": QCoreApplication.translate("AuditText", "chuyển đến"),
        "unit": QCoreApplication.translate("AuditText", "đơn vị"),
        "username": QCoreApplication.translate("AuditText", "tên đăng nhập"),
        "source": QCoreApplication.translate("AuditText", "máy"),
        "variant": QCoreApplication.translate("AuditText", "loại danh sách"),
        "number": QCoreApplication.translate("AuditText", "số giấy"),
        "numbers": QCoreApplication.translate("AuditText", "các số giấy"),
        "scope": QCoreApplication.translate("AuditText", "phạm vi"),
        "commune": QCoreApplication.translate("AuditText", "xã/phường"),
        "known_user": QCoreApplication.translate("AuditText", "tên có trong chương trình"),
        "failures": QCoreApplication.translate("AuditText", "số lần sai liên tiếp"),
        "seconds": QCoreApplication.translate("AuditText", "phải chờ (giây)"),
        "sources": QCoreApplication.translate("AuditText", "số máy đang phải chờ"),
        "late": QCoreApplication.translate("AuditText", "ghi sau vì cơ sở dữ liệu đang bận (mã)"),
        "facilities": QCoreApplication.translate("AuditText", "khu cách ly"),
        "before_facilities": QCoreApplication.translate("AuditText", "khu cách ly trước đó"),
        "before_role": QCoreApplication.translate("AuditText", "vai trò trước đó"),
        "own": QCoreApplication.translate("AuditText", "tự đổi"),
        "zone": QCoreApplication.translate("AuditText", "khu vực"),
        "chosen_by": QCoreApplication.translate("AuditText", "chọn giường"),
        "full_name": QCoreApplication.translate("AuditText", "họ tên"),
        "birth_year": QCoreApplication.translate("AuditText", "năm sinh"),
        "phone": QCoreApplication.translate("AuditText", "điện thoại"),
        "address": QCoreApplication.translate("AuditText", "địa chỉ"),
        "household": QCoreApplication.translate("AuditText", "hộ gia đình"),
        "doses": QCoreApplication.translate("AuditText", "số mũi tiêm"),
    }


def value_labels() -> dict[str, str]:
    """Words for the codes that appear as values (the same code means the same thing under any field)."""
    return {
        "rapid": QCoreApplication.translate("AuditText", "Xét nghiệm nhanh"),
        "pcr": QCoreApplication.translate("AuditText", "RT-PCR"),
        "negative": QCoreApplication.translate("AuditText", "âm tính"),
        "positive": QCoreApplication.translate("AuditText", "dương tính"),
        "program": QCoreApplication.translate("AuditText", "chương trình chọn"),
        "user": QCoreApplication.translate("AuditText", "người dùng chọn"),
        "roommate_positive": QCoreApplication.translate("AuditText", "người cùng phòng dương tính"),
        "early": QCoreApplication.translate("AuditText", "chưa hết thời gian cách ly"),
        "missing_test": QCoreApplication.translate("AuditText", "thiếu xét nghiệm"),
        "breakfast": QCoreApplication.translate("AuditText", "bữa sáng"),
        "lunch": QCoreApplication.translate("AuditText", "bữa trưa"),
        "dinner": QCoreApplication.translate("AuditText", "bữa tối"),
        "seal": QCoreApplication.translate("AuditText", "vai trò hoặc khu cách ly bị sửa ngoài chương trình"),
    }


# Actions the labels module does not name (older names kept there for the other pages).
def _more_actions() -> dict[str, str]:
    return {
        "database.backup": QCoreApplication.translate("AuditText", "Sao lưu dữ liệu"),
        "database.restore": QCoreApplication.translate("AuditText", "Khôi phục dữ liệu"),
        "facility.new_key": QCoreApplication.translate("AuditText", "Tạo khóa ký giấy xác nhận mới"),
        "person.import": QCoreApplication.translate("AuditText", "Nhập danh sách"),
        "staff.add": QCoreApplication.translate("AuditText", "Thêm nhân viên trực"),
        "shift.plan": QCoreApplication.translate("AuditText", "Lập lịch ca trực"),
        "shift.assign": QCoreApplication.translate("AuditText", "Phân công vào ca"),
        "shift.unassign": QCoreApplication.translate("AuditText", "Bỏ phân công"),
    }


def action_text(action: str) -> str:
    return _more_actions().get(action) or action_label(action)


def _moment(text: str) -> str | None:
    """An ISO date or time as shown: "07:30 01/12" for a time, "01/12/2021" for a day."""
    try:
        if "T" in text:
            return datetime.fromisoformat(text).strftime("%H:%M %d/%m")
        return date.fromisoformat(text).strftime("%d/%m/%Y")
    except ValueError:
        return None


def value_text(key: str, value: Any) -> str:
    values = value_labels()
    if value is None:
        return "—"
    if value is True:
        return QCoreApplication.translate("AuditText", "có")
    if value is False:
        return QCoreApplication.translate("AuditText", "không")
    if isinstance(value, list):
        if not value and key in ("facilities", "before_facilities"):
            return QCoreApplication.translate("AuditText", "cả huyện")  # a user of no facility: the district
        return ", ".join(value_text(key, v) for v in value)
    if isinstance(value, dict):
        return "; ".join(f"{field_text(k)} {value_text(k, v)}" for k, v in value.items())
    if isinstance(value, float):
        return f"{value:.1f}".replace(".", ",") + (" °C" if key == "temperature" else "")
    if not isinstance(value, str):
        return str(value)
    if key in ("role", "before_role") and value in set(Role):
        return role_label(value)
    if key == "sex" and value in set(RoomSex):
        return room_sex_label(value)
    if ":" in value and value.split(":", 1)[0] in values and key == "problems":
        kind, day = value.split(":")[:2]
        return f"{values[kind]} {QCoreApplication.translate('AuditText', 'ngày')} {day}"
    return values.get(value) or _moment(value) or value


def field_text(key: str) -> str:
    return field_labels().get(key, key)


def _listed(details: dict[str, Any], keys: Iterable[str]) -> str:
    return ", ".join(
        f"{field_text(k)} {value_text(k, details[k])}" for k in keys if details.get(k) not in (None, "")
    )


# Sentences for the events read most; every other event lists its fields.
def _test(d: dict[str, Any]) -> str:
    return (
        QCoreApplication.translate("AuditText", "%1: %2, lấy mẫu %3")
        .replace("%1", value_text("kind", d.get("kind")))
        .replace("%2", value_text("result", d.get("result")))
        .replace("%3", value_text("sampled_at", d.get("sampled_at")))
    )


def _admit(d: dict[str, Any]) -> str:
    return (
        QCoreApplication.translate("AuditText", "phòng %1, giường %2, nhóm %3, dự kiến ra %4 (%5)")
        .replace("%1", str(d.get("room", "")))
        .replace("%2", str(d.get("bed", "")))
        .replace("%3", str(d.get("cohort", "")))
        .replace("%4", value_text("planned_release", d.get("planned_release")))
        .replace("%5", value_text("chosen_by", d.get("chosen_by")))
    )


def _release(d: dict[str, Any]) -> str:
    text = QCoreApplication.translate("AuditText", "ra lúc %1").replace("%1", value_text("at", d.get("at")))
    if d.get("override"):
        text += "; " + QCoreApplication.translate("AuditText", "duyệt sớm: %1 (%2)").replace(
            "%1", str(d["override"])
        ).replace("%2", value_text("problems", d.get("problems") or []))
    return text


def _close(d: dict[str, Any]) -> str:
    restarted = d.get("roommates_restarted", 0)  # the stays restarted (a list), or their number
    count = len(restarted) if isinstance(restarted, list) else restarted
    return (
        QCoreApplication.translate(
            "AuditText",
            "phòng %1 phong tỏa vì có ca dương tính; %2 người cùng phòng tính lại thời gian cách ly",
        )
        .replace("%1", str(d.get("room", "")))
        .replace("%2", str(count))
    )


def _restart(d: dict[str, Any]) -> str:
    return (
        QCoreApplication.translate("AuditText", "tính lại từ ngày tiếp xúc %1 (%2)")
        .replace("%1", value_text("contact", d.get("contact")))
        .replace("%2", value_text("reason", d.get("reason")))
    )


def _health(d: dict[str, Any]) -> str:
    symptoms = d.get("symptoms") or QCoreApplication.translate("AuditText", "không có triệu chứng")
    return f"{value_text('temperature', d.get('temperature'))}, {symptoms}"


def _transfer(d: dict[str, Any]) -> str:
    return (
        QCoreApplication.translate("AuditText", "chuyển đến %1 lúc %2")
        .replace("%1", str(d.get("to", "")))
        .replace("%2", value_text("at", d.get("at")))
    )


SENTENCES: dict[str, Callable[[dict[str, Any]], str]] = {
    "test.record": _test,
    "stay.admit": _admit,
    "stay.release": _release,
    "room.close": _close,
    "stay.restart": _restart,
    "health.check": _health,
    "stay.transfer": _transfer,
}
HIDDEN = {"person", "positive_person", "staff_id", "name"}  # shown in their own column, or an internal number


def event_text(row: AuditRow) -> str:
    """The details of an event as a sentence in the interface language."""
    details = row.details
    sentence = SENTENCES.get(row.action)
    if sentence is not None:
        try:
            return sentence(details)
        except (TypeError, ValueError, KeyError):
            pass  # an event recorded by an older version: its fields, as below
    shown = [k for k in details if k not in HIDDEN or row.person_id is None]
    return _listed(details, shown)


def codes_matching(text: str) -> list[str]:
    """The action, field and value codes whose words contain ``text`` (without diacritics): what the service
    looks for when the user searches the words they see."""
    needle = fold(text).strip()
    if not needle:
        return []
    actions = {code: action_text(code) for code in ACTIONS}
    labels = {**actions, **field_labels(), **value_labels()}
    return sorted(code for code, label in labels.items() if needle in fold(label))


ACTIONS = (
    "bed.in_service", "bed.out_of_service", "cohort.add", "database.backup", "database.restore",
    "facility.activate", "facility.add", "facility.new_key", "facility.close", "facility.update", "health.check",
    "meal.arrival", "meal.served", "meal.times", "rate.set", "relief.add", "relief.give",
    "person.add", "person.import", "person.update", "policy.save", "room.add", "room.close", "room.disinfect",
    "room.in_service", "room.out_of_service", "room.update", "shift.assign", "shift.plan", "shift.unassign",
    "staff.add", "stay.admit", "stay.release", "stay.restart", "stay.transfer", "stock.add_item",
    "stock.distribute", "stock.issue", "stock.receive", "test.record", "user.activate", "user.create",
    "user.deactivate", "user.locked", "user.password", "user.update", "user.unlock", "login", "login.failed",
    "login.slowed", "login.refused", "export.roster", "export.handover", "export.not_arrived", "report.daily",
    "certificate.issue", "certificate.release_paper", "certificate.batch", "commitment.print",
    "facility.key_export",
)  # fmt: skip
