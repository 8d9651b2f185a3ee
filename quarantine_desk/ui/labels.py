"""Names shown for the program's codes (roles, room states, sexes, policy kinds, audit actions), translatable.

The domain keeps codes ("manager", "out_of_service"); only the window turns them into words.
"""

from __future__ import annotations

from PySide6.QtCore import QCoreApplication

from quarantine_desk.domain.policy import PolicyKind
from quarantine_desk.domain.roles import Role
from quarantine_desk.domain.rooms import RoomSex, RoomState


def role_label(role: Role | str) -> str:
    names = {
        Role.ADMIN: QCoreApplication.translate("Labels", "Quản trị viên"),
        Role.MANAGER: QCoreApplication.translate("Labels", "Trưởng ban quản lý"),
        Role.MEDICAL: QCoreApplication.translate("Labels", "Nhân viên y tế"),
        Role.LOGISTICS: QCoreApplication.translate("Labels", "Hậu cần"),
        Role.VIEWER: QCoreApplication.translate("Labels", "Cán bộ huyện (chỉ xem)"),
    }
    return names.get(Role(role), str(role))


def room_state_label(state: RoomState | str) -> str:
    names = {
        RoomState.READY: QCoreApplication.translate("Labels", "Sẵn sàng"),
        RoomState.OCCUPIED: QCoreApplication.translate("Labels", "Đang có người"),
        RoomState.CLOSED: QCoreApplication.translate("Labels", "Phong tỏa"),
        RoomState.AWAITING_DISINFECTION: QCoreApplication.translate("Labels", "Chờ khử khuẩn"),
        RoomState.OUT_OF_SERVICE: QCoreApplication.translate("Labels", "Ngừng sử dụng"),
    }
    return names.get(RoomState(state), str(state))


def room_sex_label(sex: RoomSex | str) -> str:
    names = {
        RoomSex.MALE: QCoreApplication.translate("Labels", "Nam"),
        RoomSex.FEMALE: QCoreApplication.translate("Labels", "Nữ"),
        RoomSex.ANY: QCoreApplication.translate("Labels", "Chung"),
    }
    return names.get(RoomSex(sex), str(sex))


def policy_kind_label(kind: PolicyKind | str) -> str:
    names = {
        PolicyKind.STANDARD: QCoreApplication.translate("Labels", "Thông thường"),
        PolicyKind.PROTECTED: QCoreApplication.translate("Labels", "Đã tiêm đủ hoặc đã khỏi bệnh"),
    }
    return names.get(PolicyKind(kind), str(kind))


def database_kind_label(dialect: str) -> str:
    return {"sqlite": "SQLite", "postgresql": "PostgreSQL"}.get(dialect, dialect)


def action_label(action: str) -> str:
    names = {
        "bed.in_service": QCoreApplication.translate("Labels", "Đưa giường vào sử dụng"),
        "bed.out_of_service": QCoreApplication.translate("Labels", "Ngừng sử dụng giường"),
        "cohort.add": QCoreApplication.translate("Labels", "Thêm nhóm cách ly"),
        "facility.activate": QCoreApplication.translate("Labels", "Mở khu cách ly"),
        "facility.add": QCoreApplication.translate("Labels", "Thêm khu cách ly"),
        "facility.close": QCoreApplication.translate("Labels", "Đóng khu cách ly"),
        "facility.update": QCoreApplication.translate("Labels", "Sửa khu cách ly"),
        "health.check": QCoreApplication.translate("Labels", "Kiểm tra sức khỏe"),
        "meal.served": QCoreApplication.translate("Labels", "Ghi suất ăn đã phát"),
        "meal.times": QCoreApplication.translate("Labels", "Đặt giờ bữa ăn"),
        "meal.arrival": QCoreApplication.translate("Labels", "Báo đoàn người sắp đến"),
        "rate.set": QCoreApplication.translate("Labels", "Đặt định mức"),
        "relief.add": QCoreApplication.translate("Labels", "Tạo đợt cứu trợ"),
        "relief.give": QCoreApplication.translate("Labels", "Phát hàng cứu trợ"),
        "person.add": QCoreApplication.translate("Labels", "Thêm người"),
        "person.update": QCoreApplication.translate("Labels", "Sửa thông tin người"),
        "policy.save": QCoreApplication.translate("Labels", "Lưu quy định cách ly"),
        "room.add": QCoreApplication.translate("Labels", "Thêm phòng"),
        "room.close": QCoreApplication.translate("Labels", "Phong tỏa phòng"),
        "room.disinfect": QCoreApplication.translate("Labels", "Khử khuẩn phòng"),
        "room.in_service": QCoreApplication.translate("Labels", "Đưa phòng vào sử dụng"),
        "room.out_of_service": QCoreApplication.translate("Labels", "Ngừng sử dụng phòng"),
        "room.update": QCoreApplication.translate("Labels", "Sửa phòng"),
        "stay.admit": QCoreApplication.translate("Labels", "Tiếp nhận"),
        "stay.commitment": QCoreApplication.translate("Labels", "Ghi nhận bản cam kết đã ký"),
        "stay.release": QCoreApplication.translate("Labels", "Hoàn thành cách ly"),
        "stay.restart": QCoreApplication.translate("Labels", "Tính lại thời gian cách ly"),
        "stay.transfer": QCoreApplication.translate("Labels", "Chuyển điều trị"),
        "stock.add_item": QCoreApplication.translate("Labels", "Thêm vật tư"),
        "stock.distribute": QCoreApplication.translate("Labels", "Phân phối hàng cứu trợ"),
        "stock.issue": QCoreApplication.translate("Labels", "Xuất kho"),
        "stock.receive": QCoreApplication.translate("Labels", "Nhập kho"),
        "test.record": QCoreApplication.translate("Labels", "Ghi kết quả xét nghiệm"),
        "user.activate": QCoreApplication.translate("Labels", "Mở tài khoản"),
        "user.create": QCoreApplication.translate("Labels", "Tạo tài khoản"),
        "user.deactivate": QCoreApplication.translate("Labels", "Khóa tài khoản"),
        "user.locked": QCoreApplication.translate("Labels", "Tài khoản bị khóa tạm"),
        "user.password": QCoreApplication.translate("Labels", "Đặt lại mật khẩu"),
        "user.update": QCoreApplication.translate("Labels", "Đổi vai trò / khu cách ly"),
        "user.unlock": QCoreApplication.translate("Labels", "Mở khóa đăng nhập"),
        "login": QCoreApplication.translate("Labels", "Đăng nhập"),
        "login.failed": QCoreApplication.translate("Labels", "Đăng nhập sai"),
        "login.slowed": QCoreApplication.translate("Labels", "Bắt chờ sau nhiều lần đăng nhập sai"),
        "login.refused": QCoreApplication.translate("Labels", "Từ chối đăng nhập"),
        "export.roster": QCoreApplication.translate("Labels", "Xuất danh sách"),
        "export.handover": QCoreApplication.translate("Labels", "Xuất danh sách bàn giao"),
        "export.not_arrived": QCoreApplication.translate("Labels", "Xuất danh sách chưa đến"),
        "report.daily": QCoreApplication.translate("Labels", "Lập báo cáo ngày"),
        "certificate.issue": QCoreApplication.translate("Labels", "In giấy xác nhận hoàn thành cách ly"),
        "certificate.release_paper": QCoreApplication.translate("Labels", "In giấy ra khu cách ly"),
        "certificate.batch": QCoreApplication.translate("Labels", "In giấy xác nhận theo ngày"),
        "commitment.print": QCoreApplication.translate("Labels", "In bản cam kết"),
        "facility.key_export": QCoreApplication.translate("Labels", "Xuất khóa công khai"),
    }
    return names.get(action, action)


def yes_no(value: bool) -> str:
    return (
        QCoreApplication.translate("Labels", "Có") if value else QCoreApplication.translate("Labels", "Không")
    )


def f_level_label(level: str | None) -> str:
    names = {
        "f1": QCoreApplication.translate("Labels", "F1"),
        "f2": QCoreApplication.translate("Labels", "F2"),
        "returnee": QCoreApplication.translate("Labels", "Về từ vùng dịch"),
        "other": QCoreApplication.translate("Labels", "Khác"),
    }
    return names.get(level or "", level or "")


def exposure_label(f_level: str | None, exposure: str | None) -> str:
    """ "F1 · BN 12345": the F-level and the F0 case or exposure place, the person's own or the cohort's."""
    return " · ".join(p for p in (f_level_label(f_level), exposure or "") if p)


def watch_label(special_watch: bool, pregnant: bool, conditions: str | None) -> str:
    """Why a person needs special watch ("Có thai; thai 20 tuần", "Tăng huyết áp"); empty when not flagged."""
    if not special_watch:
        return ""
    parts = [QCoreApplication.translate("Labels", "Có thai")] if pregnant else []
    if conditions:
        parts.append(conditions)
    return "; ".join(parts) or QCoreApplication.translate("Labels", "Cần theo dõi đặc biệt")


def short(text: str, limit: int = 40) -> str:
    """A long free text cut for a table cell (its tooltip gives it whole)."""
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"
