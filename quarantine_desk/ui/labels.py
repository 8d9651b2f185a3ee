"""Names shown for the program's codes (roles, room states, sexes, policy kinds, audit actions), translatable.

The domain keeps codes ("manager", "out_of_service"); only the window turns them into words.
"""

from __future__ import annotations

from PySide6.QtCore import QCoreApplication

from quarantine_desk.domain.policy import PolicyKind
from quarantine_desk.domain.roles import Role
from quarantine_desk.domain.rooms import RoomSex, RoomState


def role_label(role: Role | str) -> str:
    t = QCoreApplication.translate
    names = {
        Role.ADMIN: t("Labels", "Quản trị viên"),
        Role.MANAGER: t("Labels", "Trưởng ban quản lý"),
        Role.MEDICAL: t("Labels", "Nhân viên y tế"),
        Role.LOGISTICS: t("Labels", "Hậu cần"),
        Role.VIEWER: t("Labels", "Cán bộ huyện (chỉ xem)"),
    }
    return names.get(Role(role), str(role))


def room_state_label(state: RoomState | str) -> str:
    t = QCoreApplication.translate
    names = {
        RoomState.READY: t("Labels", "Sẵn sàng"),
        RoomState.OCCUPIED: t("Labels", "Đang có người"),
        RoomState.CLOSED: t("Labels", "Phong tỏa"),
        RoomState.AWAITING_DISINFECTION: t("Labels", "Chờ khử khuẩn"),
        RoomState.OUT_OF_SERVICE: t("Labels", "Ngừng sử dụng"),
    }
    return names.get(RoomState(state), str(state))


def room_sex_label(sex: RoomSex | str) -> str:
    t = QCoreApplication.translate
    names = {
        RoomSex.MALE: t("Labels", "Nam"),
        RoomSex.FEMALE: t("Labels", "Nữ"),
        RoomSex.ANY: t("Labels", "Chung"),
    }
    return names.get(RoomSex(sex), str(sex))


def policy_kind_label(kind: PolicyKind | str) -> str:
    t = QCoreApplication.translate
    names = {
        PolicyKind.STANDARD: t("Labels", "Thông thường"),
        PolicyKind.PROTECTED: t("Labels", "Đã tiêm đủ hoặc đã khỏi bệnh"),
    }
    return names.get(PolicyKind(kind), str(kind))


def database_kind_label(dialect: str) -> str:
    return {"sqlite": "SQLite", "postgresql": "PostgreSQL"}.get(dialect, dialect)


def action_label(action: str) -> str:
    t = QCoreApplication.translate
    names = {
        "bed.in_service": t("Labels", "Đưa giường vào sử dụng"),
        "bed.out_of_service": t("Labels", "Ngừng sử dụng giường"),
        "cohort.add": t("Labels", "Thêm nhóm cách ly"),
        "facility.activate": t("Labels", "Mở khu cách ly"),
        "facility.add": t("Labels", "Thêm khu cách ly"),
        "facility.close": t("Labels", "Đóng khu cách ly"),
        "facility.update": t("Labels", "Sửa khu cách ly"),
        "health.check": t("Labels", "Kiểm tra sức khỏe"),
        "person.add": t("Labels", "Thêm người"),
        "person.update": t("Labels", "Sửa thông tin người"),
        "policy.save": t("Labels", "Lưu quy định cách ly"),
        "room.add": t("Labels", "Thêm phòng"),
        "room.close": t("Labels", "Phong tỏa phòng"),
        "room.disinfect": t("Labels", "Khử khuẩn phòng"),
        "room.in_service": t("Labels", "Đưa phòng vào sử dụng"),
        "room.out_of_service": t("Labels", "Ngừng sử dụng phòng"),
        "room.update": t("Labels", "Sửa phòng"),
        "stay.admit": t("Labels", "Tiếp nhận"),
        "stay.release": t("Labels", "Hoàn thành cách ly"),
        "stay.restart": t("Labels", "Tính lại thời gian cách ly"),
        "stay.transfer": t("Labels", "Chuyển điều trị"),
        "test.record": t("Labels", "Ghi kết quả xét nghiệm"),
        "user.activate": t("Labels", "Mở tài khoản"),
        "user.create": t("Labels", "Tạo tài khoản"),
        "user.deactivate": t("Labels", "Khóa tài khoản"),
        "user.locked": t("Labels", "Tài khoản bị khóa tạm"),
        "user.password": t("Labels", "Đặt lại mật khẩu"),
    }
    return names.get(action, action)


def yes_no(value: bool) -> str:
    t = QCoreApplication.translate
    return t("Labels", "Có") if value else t("Labels", "Không")
