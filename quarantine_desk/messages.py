"""The command line's catalogue: typed errors and result codes as sentences, in Vietnamese (default) or English.

The window turns codes into text through Qt Linguist (``tr()``); it still uses ``describe()`` for errors, so a
refusal reads the same wherever it happens. The domain and services never build sentences themselves; every
code here has both languages (tests/unit/test_messages.py).
"""

from __future__ import annotations

import contextlib
from collections.abc import Sequence
from datetime import datetime
from typing import Any

from quarantine_desk.domain import errors as e

FIELDS = {
    "vi": {
        "name": "Họ và tên",
        "sex": "Giới tính",
        "born": "Năm sinh / ngày sinh",
        "id_number": "Số CCCD/CMND/hộ chiếu",
        "phone": "Số điện thoại",
        "address": "Địa chỉ",
        "household": "Hộ gia đình",
        "doses": "Số mũi tiêm",
        "last_dose_on": "Ngày tiêm mũi cuối",
        "recovered_on": "Ngày khỏi bệnh",
        "qr": "Mã QR trên CCCD",
        "commune": "Xã/phường",
        "f_level": "Phân loại F",
        "exposure": "Ca F0 / nơi tiếp xúc",
        "relative_name": "Người thân",
        "relative_phone": "Số điện thoại người thân",
        "conditions": "Bệnh nền / thai kỳ",
        "pregnant": "Có thai",
        "special_watch": "Cần theo dõi đặc biệt",
        "notes": "Ghi chú",
        "issued_on": "Ngày cấp CCCD",
        "code": "Mã khu cách ly",
        "facility": "Khu cách ly của người dùng",
        "capacity": "Sức chứa",
        "beds": "Số giường",
        "rooms": "Danh sách phòng",
        "zone": "Khu / tầng",
        "room": "Phòng",
        "cohort": "Nhóm cách ly",
        "at": "Thời điểm",
        "kind": "Loại xét nghiệm",
        "result": "Kết quả",
        "to": "Nơi chuyển đến",
        "override": "Lý do",
        "temperature": "Nhiệt độ",
        "username": "Tên đăng nhập",
        "password": "Mật khẩu",
        "role": "Vai trò",
        "days": "Số ngày cách ly",
        "test_days": "Ngày xét nghiệm",
        "effective_to": "Hiệu lực đến",
        "people": "Danh sách người",
        "date": "Ngày",
        "signed_by": "Người ký cam kết",
        "district": "Huyện",
        "province": "Tỉnh",
        "file": "Tệp",
        "quantity": "Số lượng",
        "item_code": "Mã vật tư",
        "item_name": "Tên vật tư",
        "unit": "Đơn vị tính",
        "min_stock": "Tồn kho tối thiểu",
        "pack_size": "Số đơn vị mỗi hộp",
        "forecast_days": "Số ngày dự báo",
        "period": "Giai đoạn báo cáo",
        "week": "Tuần (dạng 2021-W32)",
        "every": "Số ngày giữa hai lần xét nghiệm nhân viên",
        "reason": "Lý do",
        "meal": "Bữa ăn",
        "diners": "Đối tượng",
        "portions": "Số suất",
        "staff": "Số lực lượng phục vụ",
        "position": "Chức vụ",
        "plan_days": "Số ngày lập lịch",
        "pattern": "Kiểu phân ca",
        "from": "Từ ngày",
        "outcome": "Hình thức ra khỏi khu cách ly",
        "home_address": "Địa chỉ cách ly tại nhà",
        "exposure_date": "Ngày phơi nhiễm / ngày đến",
        "source": "Nguồn lây / chuyến bay / chốt",
        "dose": "Ngày tiêm",
        "vaccine": "Loại vắc xin",
        "policy": "Quy định cách ly",
        "facility_name": "Tên khu cách ly",
        "policy_name": "Tên quy định cách ly",
        "by": "Người khử khuẩn",
        "symptoms": "Triệu chứng",
        "variant": "Loại danh sách",
        "demo_people": "Số người của dữ liệu mẫu",
        "staff_member": "Số của nhân viên",
        "passphrase": "Mật khẩu sao lưu",
        "limit": "Giới hạn số dòng",
        "person": "Người",
        "value": "Giá trị",
        "diet": "Chế độ ăn",
        "meal_times": "Giờ các bữa ăn",
        "breakfast": "Giờ bữa sáng",
        "lunch": "Giờ bữa trưa",
        "dinner": "Giờ bữa tối",
        "cutoff": "Giờ chốt suất ăn",
        "round_name": "Tên đợt cứu trợ",
        "goods": "Hàng phát",
        "per": "Cách phát",
        "sets": "Số suất chuẩn bị",
        "rate": "Loại định mức",
        "rate_value": "Mức",
        "note": "Ghi chú",
    },
    "en": {
        "name": "Full name",
        "sex": "Sex",
        "born": "Year / date of birth",
        "id_number": "ID number",
        "phone": "Phone",
        "address": "Address",
        "household": "Household",
        "doses": "Vaccine doses",
        "last_dose_on": "Date of last dose",
        "recovered_on": "Date of recovery",
        "qr": "The ID card's QR code",
        "commune": "Commune/ward",
        "f_level": "Contact level (F)",
        "exposure": "F0 case / exposure place",
        "relative_name": "Relative",
        "relative_phone": "Relative's phone",
        "conditions": "Underlying conditions / pregnancy",
        "pregnant": "Pregnant",
        "special_watch": "Needs special watch",
        "notes": "Notes",
        "issued_on": "Date of issue of the ID card",
        "code": "Facility code",
        "facility": "The user's facilities",
        "capacity": "Capacity",
        "beds": "Beds",
        "rooms": "Rooms",
        "zone": "Zone",
        "room": "Room",
        "cohort": "Cohort",
        "at": "Time",
        "kind": "Test kind",
        "result": "Result",
        "to": "Transfer to",
        "override": "Reason",
        "temperature": "Temperature",
        "username": "User name",
        "password": "Password",
        "role": "Role",
        "days": "Quarantine days",
        "test_days": "Test days",
        "effective_to": "Effective to",
        "people": "People",
        "date": "Date",
        "signed_by": "Signed by",
        "district": "District",
        "province": "Province",
        "file": "File",
        "quantity": "Quantity",
        "item_code": "Item code",
        "item_name": "Item name",
        "unit": "Unit",
        "min_stock": "Minimum stock",
        "pack_size": "Units per pack",
        "forecast_days": "Days to forecast",
        "period": "Report period",
        "week": "Week (as 2021-W32)",
        "every": "Days between staff tests",
        "reason": "Reason",
        "meal": "Meal",
        "diners": "Diners",
        "portions": "Portions",
        "staff": "Staff",
        "position": "Position",
        "plan_days": "Days to plan",
        "pattern": "Shift pattern",
        "from": "From date",
        "outcome": "How the stay ended",
        "home_address": "Home quarantine address",
        "exposure_date": "Exposure / arrival date",
        "source": "Source / flight / checkpoint",
        "dose": "Dose date",
        "vaccine": "Vaccine",
        "policy": "Quarantine policy",
        "facility_name": "Facility name",
        "policy_name": "Policy name",
        "by": "Disinfected by",
        "symptoms": "Symptoms",
        "variant": "List type",
        "demo_people": "People in the demo",
        "staff_member": "Staff member's number",
        "passphrase": "Backup passphrase",
        "limit": "Row limit",
        "person": "Person",
        "value": "Value",
        "diet": "Diet",
        "meal_times": "Meal times",
        "breakfast": "Breakfast time",
        "lunch": "Lunch time",
        "dinner": "Dinner time",
        "cutoff": "Kitchen cut-off time",
        "round_name": "Relief round name",
        "goods": "Goods",
        "per": "Handed out per",
        "sets": "Sets prepared",
        "rate": "Rate",
        "rate_value": "Value",
        "note": "Note",
    },
}

REASONS = {
    "vi": {
        "empty": "không được để trống",
        "too_long": "quá dài (tối đa {maximum} ký tự)",
        "control_character": "có ký tự điều khiển (không in được); hãy gõ lại",
        "bad_format": "không đúng định dạng",
        "bad_date": "không phải một ngày hợp lệ; hãy viết theo dạng 2021-08-01, 01/08/2021 hoặc 1/8/2021",
        "bad_time": (
            "không phải một thời điểm hợp lệ; hãy viết theo dạng 2021-08-01T08:00, 01/08/2021 08:00 hoặc "
            "1/8/2021 8:00"
        ),
        "bad_value": "không hợp lệ",
        "in_future": "không được ở tương lai",
        "too_old": "quá xa trong quá khứ",
        "bad_province_code": "có mã tỉnh (3 số đầu) không tồn tại",
        "missing_fields": "thiếu thông tin: có {count} phần ngăn bởi dấu |, cần {expected}; hãy quét lại",
        "not_cccd": "không phải số CCCD 12 số",
        "before_birth": "trước ngày sinh",
        "sex_mismatch": "không khớp với giới tính (số thứ 4 của CCCD chỉ giới tính và thế kỷ sinh)",
        "century_mismatch": "không khớp với năm sinh {year} (số thứ 4 của CCCD chỉ giới tính và thế kỷ sinh)",
        "out_of_range": "phải từ {minimum} đến {maximum}",
        "too_short": "quá ngắn (ít nhất {minimum} ký tự)",
        "not_set": "chưa được đặt: biến môi trường {name} không có",
        "not_utf8": "có byte không phải chữ UTF-8; hãy gõ lại hoặc đặt hệ thống dùng UTF-8",
        "duplicate": "bị trùng",
        "duplicate_in_file": "trùng với dòng {row} của tệp",
        "belongs_to_other": "đã là số giấy tờ của {name} trong chương trình",
        "bad_range": "có khoảng không hợp lệ",
        "too_many": "quá nhiều (tối đa {maximum})",
        "before_admission": "trước ngày vào cách ly",
        "after_admission": "sau ngày vào cách ly",
        "before_start": "trước ngày bắt đầu hiệu lực",
        "more_than_stock": "lớn hơn số còn trong kho ({stock} {unit})",
        "less_than_people": "ít hơn số người đang cách ly ({people} người): không chia đều được",
        "bad_time_of_day": "không phải giờ hợp lệ; hãy viết theo dạng 06:30",
        "bad_order": "phải theo thứ tự sáng, trưa, tối",
        "in_past": "phải ở tương lai",
        "nobody_entitled": "không có ai được nhận (không ai có mặt lúc đó hoặc danh sách trống)",
    },
    "en": {
        "empty": "must not be empty",
        "too_long": "is too long (at most {maximum} characters)",
        "control_character": "contains a control character that cannot be printed; type it again",
        "bad_format": "has a wrong format",
        "bad_date": "is not a valid date; write it as 2021-08-01, 01/08/2021 or 1/8/2021",
        "bad_time": "is not a valid time; write it as 2021-08-01T08:00, 01/08/2021 08:00 or 1/8/2021 8:00",
        "bad_value": "is not valid",
        "in_future": "must not be in the future",
        "too_old": "is too far back",
        "bad_province_code": "has a province code (first 3 digits) that does not exist",
        "missing_fields": "is incomplete: {count} parts divided by |, {expected} needed; scan it again",
        "not_cccd": "is not a 12-digit citizen ID number",
        "before_birth": "is before the date of birth",
        "sex_mismatch": "does not match the sex (the 4th digit of a CCCD gives the sex and century of birth)",
        "century_mismatch": "does not match the birth year {year} (the 4th digit gives the sex and century)",
        "out_of_range": "must be from {minimum} to {maximum}",
        "too_short": "is too short (at least {minimum})",
        "not_set": "is not set: there is no environment variable {name}",
        "not_utf8": "holds bytes that are not UTF-8 text; type it again or set the system to UTF-8",
        "duplicate": "is repeated",
        "duplicate_in_file": "repeats row {row} of the file",
        "belongs_to_other": "is already the ID number of {name} in the program",
        "bad_range": "has a wrong range",
        "too_many": "has too many (at most {maximum})",
        "before_admission": "is before the admission",
        "after_admission": "is after the admission",
        "before_start": "is before the start date",
        "more_than_stock": "is more than the store holds ({stock} {unit})",
        "less_than_people": "is less than the number of people present ({people}): it cannot be shared equally",
        "bad_time_of_day": "is not a valid time of day; write it as 06:30",
        "bad_order": "must go breakfast, lunch, dinner in order",
        "in_past": "must be in the future",
        "nobody_entitled": "has nobody entitled (nobody present then, or an empty list)",
    },
}

KINDS = {
    "vi": {
        "facility": "khu cách ly",
        "room": "phòng",
        "bed": "giường",
        "person": "người",
        "cohort": "nhóm",
        "user": "người dùng",
        "policy": "quy định cách ly",
        "first_admin": "quản trị viên đầu tiên",
        "stay": "đợt cách ly",
        "certificate": "giấy xác nhận hoàn thành cách ly",
        "release_paper": "giấy xác nhận thời gian cách ly (ra sớm, về nhà hoặc lý do khác)",
        "supply_item": "vật tư",
        "staff": "nhân viên",
        "shift": "ca trực",
        "assignment": "phân công",
        "relief_round": "đợt cứu trợ",
        "zone": "khu / tầng",
    },
    "en": {
        "facility": "facility",
        "room": "room",
        "bed": "bed",
        "person": "person",
        "cohort": "cohort",
        "user": "user",
        "policy": "policy",
        "first_admin": "first administrator",
        "stay": "stay",
        "certificate": "completion certificate",
        "release_paper": "release paper (early, home quarantine or other)",
        "supply_item": "supply item",
        "staff": "staff member",
        "shift": "shift",
        "assignment": "assignment",
        "relief_round": "relief round",
        "zone": "zone",
    },
}

SEX = {
    "vi": {"M": "nam", "F": "nữ", "any": "chung", "household": "một hộ gia đình"},
    "en": {"M": "male", "F": "female", "any": "mixed", "household": "one household"},
}

#: What an imported list's column gives, as "Cột C → Họ và tên" says it.
IMPORT_COLUMNS = {
    "vi": {
        "family_name": "Họ và tên đệm (ghép với Tên thành Họ và tên)",
        "given_name": "Tên (ghép với Họ và tên đệm thành Họ và tên)",
        "born_male": "Năm sinh của nam (giới tính Nam)",
        "born_female": "Năm sinh của nữ (giới tính Nữ)",
        "sex_male": "Giới tính: đánh dấu là Nam",
        "sex_female": "Giới tính: đánh dấu là Nữ",
        "dose_1_on": "Ngày tiêm mũi 1",
        "dose_2_on": "Ngày tiêm mũi 2",
        "dose_3_on": "Ngày tiêm mũi 3",
        "commune": "Xã/phường (ghép vào Địa chỉ)",
        "district": "Quận/huyện (ghép vào Địa chỉ)",
        "province": "Tỉnh/thành phố (ghép vào Địa chỉ)",
        "f_level": "Phân loại F",
        "exposure": "Ca F0 / nơi tiếp xúc",
        "relative_name": "Người thân",
        "relative_phone": "Số điện thoại người thân",
        "conditions": "Bệnh nền",
        "pregnant": "Có thai",
        "note": "Ghi chú",
    },
    "en": {
        "family_name": "Family and middle name (joined with the given name)",
        "given_name": "Given name (joined with the family and middle name)",
        "born_male": "Birth year of a man (sex: male)",
        "born_female": "Birth year of a woman (sex: female)",
        "sex_male": "Sex: marked male",
        "sex_female": "Sex: marked female",
        "dose_1_on": "Date of dose 1",
        "dose_2_on": "Date of dose 2",
        "dose_3_on": "Date of dose 3",
        "commune": "Commune/ward (added to the address)",
        "district": "District (added to the address)",
        "province": "Province (added to the address)",
        "f_level": "Contact level (F)",
        "exposure": "F0 case / exposure place",
        "relative_name": "Relative",
        "relative_phone": "Relative's phone",
        "conditions": "Underlying conditions",
        "pregnant": "Pregnant",
        "note": "Notes",
    },
}


def import_mapping(found: Sequence[Any], lang: str = "vi") -> str:
    """The columns of a list by field, short: "Họ và tên: B + C; Năm sinh / ngày sinh: D + E; …"."""
    by_field: dict[str, list[str]] = {}
    for column in found:
        by_field.setdefault(column.field, []).append(column.letter)
    return "; ".join(
        f"{(FIELDS[lang].get(f) or IMPORT_COLUMNS[lang].get(f, f)).split(' (')[0]}: {' + '.join(letters)}"
        for f, letters in by_field.items()
    )


def import_column(role: str, lang: str = "vi") -> str:
    """What a column of an imported list gives, in words."""
    return IMPORT_COLUMNS[lang].get(role) or FIELDS[lang].get(role, role)


FILE_REASONS = {
    "vi": {
        "unreadable": "không đọc được (không phải tệp Excel/CSV hoặc tệp bị hỏng)",
        "encrypted": "đang được đặt mật khẩu; hãy bỏ mật khẩu rồi thử lại",
        "empty": "không có dòng dữ liệu nào",
        "no_name_column": ": không tìm thấy dòng tiêu đề có cột Họ và tên trong 30 dòng đầu",
        "xls": "là tệp .xls (Excel 97–2003): hãy lưu lại thành .xlsx (Tệp > Lưu thành > Sổ làm việc Excel)",
        "not_a_daily_report": "không phải báo cáo ngày của chương trình",
        "duplicate_facility": "có hai báo cáo của cùng một khu trong cùng một ngày ({facility}, {on})",
        "different_dates": "các báo cáo không cùng một ngày",
        "other_day": "là báo cáo ngày {on}, khác ngày {first_on} của tệp {first}; chỉ tổng hợp báo cáo của cùng một ngày",
        "facility_twice": "có báo cáo của khu {facility} ngày {on}, đã có trong tệp {first}; mỗi khu chỉ một báo cáo",
        "visible_differs": (
            "có số liệu bị sửa tay: khu {facility}, ô {cell} ({field}) hiển thị {visible} nhưng trang dữ liệu ghi "
            "{data}; hãy đề nghị khu gửi lại báo cáo, hoặc vẫn tổng hợp theo số hiển thị và đánh dấu (dòng lệnh: --force)"
        ),
        "figures_inconsistent": (
            "có số liệu không khớp: khu {facility}, ô {cell} ghi đang cách ly {found}, nhưng đầu ngày + tiếp "
            "nhận − hoàn thành − chuyển điều trị = {expected}; có thể vẫn tổng hợp và đánh dấu (dòng lệnh: --force)"
        ),
        "occupied_over_beds": (
            "có số liệu không khớp: khu {facility}, ô {cell} ghi {found} giường đang sử dụng, nhiều hơn tổng "
            "số giường {expected}; có thể vẫn tổng hợp và đánh dấu (dòng lệnh: --force)"
        ),
        "not_found": "không tồn tại",
        "not_a_backup": "không phải bản sao lưu của chương trình",
        "unknown_format": "có đuôi không được hỗ trợ",
        "is_a_folder": "là một thư mục; hãy ghi rõ tên tệp",
        "no_folder": "nằm trong một thư mục không tồn tại; hãy tạo thư mục trước hoặc chọn nơi khác",
        "not_writable": "không ghi được: không có quyền ghi vào thư mục này",
        "read_only": "không ghi được: ổ đĩa chỉ cho đọc",
        "no_space": "không ghi được: ổ đĩa đã đầy; hãy giải phóng chỗ trống hoặc chọn ổ khác",
        "bad_name": "có tên không hợp lệ (quá dài hoặc có ký tự không được phép)",
        "cannot_write": "không ghi được",
        "needs_passphrase": "là bản sao lưu đã mã hóa: cần mật khẩu sao lưu (dòng lệnh: --passphrase-env BIẾN)",
        "wrong_passphrase": "không mở được: mật khẩu sao lưu không đúng",
        "damaged": "bị hỏng hoặc đã bị sửa sau khi sao lưu; không khôi phục được",
        "newer_schema": (
            "được tạo bởi phiên bản mới hơn của chương trình (phiên bản dữ liệu {revision}); hãy cập nhật "
            "chương trình rồi khôi phục"
        ),
    },
    "en": {
        "unreadable": "cannot be read (not an Excel/CSV file, or damaged)",
        "encrypted": "is password-protected; remove the password and try again",
        "empty": "has no data rows",
        "no_name_column": ': no header row with a "Full name" column in the first 30 rows',
        "xls": "is an .xls file (Excel 97–2003): save it again as .xlsx (File > Save As > Excel Workbook)",
        "not_a_daily_report": "is not a daily report of this program",
        "duplicate_facility": "holds two reports of one facility for one day ({facility}, {on})",
        "different_dates": "are not all for the same day",
        "other_day": "is the report of {on}, not of {first_on} as {first}; only one day's reports merge",
        "facility_twice": "holds facility {facility}'s report of {on}, already in {first}; one report per facility",
        "visible_differs": (
            "was edited by hand: facility {facility}, cell {cell} ({field}) shows {visible} but its data sheet "
            "holds {data}; ask the facility to send it again, or merge the shown figures anyway, marked (command line: --force)"
        ),
        "figures_inconsistent": (
            "does not add up: facility {facility}, cell {cell} has {found} present, but start + admitted − "
            "released − transferred = {expected}; it can be merged anyway, marked (command line: --force)"
        ),
        "occupied_over_beds": (
            "does not add up: facility {facility}, cell {cell} has {found} beds in use, more than its "
            "{expected} beds; it can be merged anyway, marked (command line: --force)"
        ),
        "not_found": "does not exist",
        "not_a_backup": "is not a backup of this program",
        "unknown_format": "has an unsupported extension",
        "is_a_folder": "is a folder; give a file name",
        "no_folder": "is in a folder that does not exist; create the folder first or choose another place",
        "not_writable": "cannot be written: no permission to write in that folder",
        "read_only": "cannot be written: the drive is read-only",
        "no_space": "cannot be written: the disk is full; free some space or choose another drive",
        "bad_name": "has an invalid name (too long or with characters that are not allowed)",
        "cannot_write": "cannot be written",
        "needs_passphrase": "is an encrypted backup: its passphrase is needed (command line: --passphrase-env VAR)",
        "wrong_passphrase": "cannot be opened: wrong backup passphrase",
        "damaged": "is damaged or was changed after it was written; it cannot be restored",
        "newer_schema": (
            "was made by a newer version of the program (data version {revision}); update the program, then "
            "restore"
        ),
    },
}


def _options(err: e.DeskError, lang: str) -> str:
    options = getattr(err, "options", ())
    if not options:
        return ""
    listed = ", ".join(f"{o.room} ({o.free_beds})" for o in options)
    return (
        f" Phòng phù hợp (giường trống): {listed}."
        if lang == "vi"
        else f" Rooms that fit (free beds): {listed}."
    )


def _problems(err: e.ReleaseNeedsOverride, lang: str) -> str:
    parts = []
    for p in err.problems:
        due = f"{p.due:%d/%m/%Y}" if p.due else ""
        match p.kind:
            case e.ProblemKind.EARLY:
                until = (f" (đến {due})" if lang == "vi" else f" (until {due})") if due else ""
                parts.append(
                    ("chưa hết thời gian cách ly" if lang == "vi" else "the period is not over") + until
                )
            case e.ProblemKind.POSITIVE:
                parts.append("có kết quả dương tính" if lang == "vi" else "a test was positive")
            case e.ProblemKind.MISSING_TEST:
                parts.append(
                    f"thiếu xét nghiệm ngày thứ {p.day} ({due})"
                    if lang == "vi"
                    else f"the day-{p.day} test ({due}) is missing"
                )
    return "; ".join(parts)


def _day(iso: str) -> str:
    """An ISO day as people write it: 24/11/2021."""
    try:
        return datetime.fromisoformat(iso).strftime("%d/%m/%Y")
    except ValueError:
        return iso


def _shift_time(iso: str) -> str:
    """An ISO start time as people write it: 22:00 11/08/2021."""
    try:
        return datetime.fromisoformat(iso).strftime("%H:%M %d/%m/%Y")
    except ValueError:
        return iso


CHECK_PROBLEMS = {
    "vi": {
        "bed_twice": "một giường có hai người đang ở",
        "two_open_stays": "một người đang có hai lượt cách ly chưa kết thúc",
        "room_two_cohorts": "một phòng có người của hai nhóm cách ly",
        "room_two_start_days": "một phòng có người bắt đầu cách ly vào những ngày khác nhau",
        "room_mixed_sexes": "một phòng có cả nam và nữ không cùng một hộ gia đình",
        "admitted_without_disinfection": "phòng nhận người mới sau khi người cũ ra mà chưa khử khuẩn",
        "more_occupants_than_beds": "một phòng có nhiều người hơn số giường",
        "times_out_of_order": "thời điểm ghi nhận không theo đúng thứ tự (ra trước khi vào, xét nghiệm ngoài thời gian ở)",
        "stay_elsewhere": "giường hoặc phòng của một lượt cách ly không thuộc phòng hoặc khu của nó",
        "negative_stock": "tồn kho âm (xuất nhiều hơn nhập)",
        "audit_event_edited": "sự kiện nhật ký bị sửa ngoài chương trình",
        "audit_event_missing": "sự kiện nhật ký bị xóa",
        "audit_event_unchained": "sự kiện nhật ký được thêm ngoài chương trình",
        "audit_chain_head": "các sự kiện cuối của nhật ký bị xóa",
        "user_seal": "vai trò hoặc khu cách ly của người dùng bị sửa ngoài chương trình",
    },
    "en": {
        "bed_twice": "a bed holds two people",
        "two_open_stays": "a person has two stays that have not ended",
        "room_two_cohorts": "a room holds people of two cohorts",
        "room_two_start_days": "a room holds people whose quarantine started on different days",
        "room_mixed_sexes": "a room holds men and women not of one household",
        "admitted_without_disinfection": "a room took new people after the last ones left, without a disinfection",
        "more_occupants_than_beds": "a room holds more people than beds",
        "times_out_of_order": "recorded times out of order (released before admitted, a test outside the stay)",
        "stay_elsewhere": "a stay's bed or room does not belong to its room or facility",
        "negative_stock": "negative stock (more taken out than came in)",
        "audit_event_edited": "an audit event was changed outside the program",
        "audit_event_missing": "an audit event was deleted",
        "audit_event_unchained": "an audit event was added outside the program",
        "audit_chain_head": "the last audit events were deleted",
        "user_seal": "a user's role or facilities were changed outside the program",
    },
}


def check_problem(problem: str, where: str, lang: str = "vi") -> str:
    """One finding of the invariant checker as a line: where, then what."""
    return f"{where}: {CHECK_PROBLEMS[lang].get(problem, problem)}"


def _findings(err: e.UnsoundBackup, lang: str) -> str:
    shown = [check_problem(p, w, lang) for p, w in err.problems[:10]]
    more = len(err.problems) - len(shown)
    if more > 0:
        shown.append(f"… (+{more})")
    return "\n".join(f"  - {line}" for line in shown)


def _invalid(err: e.InvalidInput, lang: str) -> str:
    field = FIELDS[lang].get(err.field, err.field)
    reason = REASONS[lang].get(err.reason, err.reason)
    with contextlib.suppress(KeyError, IndexError):
        reason = reason.format(**err.params)
    value = f" (“{err.value}”)" if err.value not in (None, "") else ""
    return f"{field}{value} {reason}."


def _gap(reason: str) -> str:
    return "" if reason.startswith(":") else " "


def _file_reason(err: e.BadFile, lang: str) -> str:
    return FILE_REASONS[lang].get(err.reason, err.reason).format(**{"facility": "", "on": "", **err.params})


def _wait(seconds: int, lang: str) -> str:
    if seconds < 120:
        return f"{seconds} giây" if lang == "vi" else f"{seconds} seconds"
    minutes = (seconds + 59) // 60
    return f"{minutes} phút" if lang == "vi" else f"{minutes} minutes"


def _vi(err: e.DeskError) -> str:
    lang = "vi"
    match err:
        case e.InvalidInput():
            return _invalid(err, lang)
        case e.BadFile():
            reason = _file_reason(err, lang)
            return (
                f"Tệp {err.path}{_gap(reason)}{reason}."
                if err.path
                else f"Không tổng hợp được: các báo cáo {reason}."
            )
        case e.Cancelled():
            return "Đã hủy; không có gì được ghi."
        case e.SigningKeyMissing():
            return (
                f"Khu {err.facility} chưa có khóa ký giấy xác nhận (dữ liệu được khôi phục từ bản sao lưu không "
                "mã hóa, không chứa khóa). Hãy khôi phục bản sao lưu có mật khẩu, hoặc tạo khóa mới (facility key "
                f"new {err.facility}) rồi gửi lại tệp khóa công khai cho xã, phường, chốt kiểm soát."
            )
        case e.NotFound():
            return f"Không tìm thấy {KINDS[lang].get(err.kind, err.kind)} “{err.key}”."
        case e.IdNumberTaken():
            born = f", sinh {err.birth_year}" if err.birth_year else ""
            where = (
                f"đang ở {err.facility}, phòng {err.room}" if err.facility else "hiện không ở khu cách ly nào"
            )
            return f"Số giấy tờ “{err.id_number}” đã là của {err.full_name}{born}, {where}."
        case e.AlreadyExists():
            return f"{KINDS[lang].get(err.kind, err.kind).capitalize()} “{err.key}” đã có."
        case e.OutsideFacility():
            return f"Tài khoản của bạn không làm việc tại khu cách ly {err.facility}."
        case e.NotAllowed():
            return "Tài khoản của bạn không có quyền làm việc này."
        case e.LoginFailed():
            return "Sai tên đăng nhập hoặc mật khẩu."
        case e.LoginSlowedDown():
            return (
                "Đăng nhập sai nhiều lần từ máy này. "
                f"Thử lại sau {_wait(err.seconds, lang)}, hoặc nhờ quản trị viên mở khóa."
            )
        case e.AccountTampered():
            return (
                f"Vai trò hoặc khu cách ly của tài khoản “{err.username}” đã bị sửa ngoài chương trình; "
                "quản trị viên cần đặt lại trong chương trình trước khi tài khoản đăng nhập được."
            )
        case e.LoginRequired():
            return "Cần đăng nhập (--user TÊN, mật khẩu trong biến QUARANTINE_DESK_PASSWORD hoặc nhập khi được hỏi)."
        case e.DatabaseUnavailable():
            why = {
                "not_sqlite": "tệp này không phải cơ sở dữ liệu SQLite",
                "not_ours": "đây là cơ sở dữ liệu của một chương trình khác, không phải của Quarantine Desk",
                "missing": "không có tệp nào ở đường dẫn này (kiểm tra lại đường dẫn; tạo mới bằng lệnh “init”)",
                "empty": "tệp rỗng (0 byte), không có dữ liệu (kiểm tra lại đường dẫn; tạo mới bằng lệnh “init”)",
                "unreachable": "không kết nối được máy chủ (kiểm tra địa chỉ và mạng, máy chủ có đang chạy không)",
                "login_refused": "máy chủ từ chối đăng nhập (kiểm tra tên, mật khẩu và tên cơ sở dữ liệu)",
                "read_only": "tệp hoặc cơ sở dữ liệu chỉ cho phép đọc, không ghi được",
                "disk_full": "ổ đĩa đã đầy; giải phóng chỗ trống rồi thử lại (chưa có gì bị thay đổi)",
                "damaged": "tệp bị hỏng (kiểm tra toàn vẹn không đạt); hãy khôi phục từ bản sao lưu",
                "bad_url": "địa chỉ cơ sở dữ liệu không đúng dạng",
                "folder_not_writable": "không ghi được vào thư mục",
                "is_a_directory": "đường dẫn là một thư mục",
                "unsupported": (
                    "chương trình chỉ dùng tệp SQLite trên máy này hoặc máy chủ PostgreSQL (postgresql://…), "
                    "không dùng loại cơ sở dữ liệu này"
                ),
            }.get(err.reason, "lỗi cơ sở dữ liệu")
            if err.reason in ("read_only", "disk_full"):
                return f"Không ghi được vào cơ sở dữ liệu {err.url}: {why}."
            return f"Không mở được cơ sở dữ liệu {err.url}: {why}."
        case e.StaleEdit():
            return (
                f"{KINDS[lang].get(err.kind, err.kind).capitalize()} “{err.key}” vừa được sửa trên một máy khác sau "
                "khi bạn mở ra; thay đổi của bạn chưa được lưu, để không ghi đè lên thay đổi kia. Hãy mở lại để "
                "xem thông tin mới rồi sửa lại."
            )
        case e.UnsoundBackup():
            return (
                f"Không khôi phục từ {err.path}: dữ liệu trong tệp vi phạm quy tắc ({len(err.problems)} lỗi); "
                f"dữ liệu hiện tại giữ nguyên.\n{_findings(err, lang)}"
            )
        case e.DatabaseBusy():
            return (
                f"Cơ sở dữ liệu {err.url} đang bận: một máy khác đang ghi dữ liệu quá lâu. Chưa có gì bị thay đổi; "
                "vui lòng thử lại sau ít phút."
            )
        case e.DatabaseNotInitialised():
            return f"Cơ sở dữ liệu {err.url} chưa được khởi tạo cho chương trình; chạy lệnh “init” trước."
        case e.ConcurrentChange():
            return "Một máy khác vừa thay đổi cùng dữ liệu; thao tác đã được hủy toàn bộ. Vui lòng thử lại."
        case e.DatabaseNotEmpty():
            return (
                f"Cơ sở dữ liệu {err.url} đã có dữ liệu ({err.facilities} khu cách ly, {err.people} người); dữ liệu "
                "mẫu chỉ được tạo trong một cơ sở dữ liệu trống, không trộn vào dữ liệu thật. Để xem dữ liệu mẫu, "
                "tạo một cơ sở dữ liệu mới: quarantine-desk --db demo.sqlite3 init --admin admin, rồi "
                "quarantine-desk --db demo.sqlite3 --user admin demo (trong cửa sổ: Tệp → Cơ sở dữ liệu…)."
            )
        case e.BedTaken():
            if not err.bed:
                return f"Phòng {err.room} đã hết giường trống." + _options(err, lang)
            return f"Giường {err.bed} phòng {err.room} đã có người hoặc không sử dụng được." + _options(
                err, lang
            )
        case e.PersonAlreadyStaying():
            return f"{err.person} đang cách ly tại {err.facility}, phòng {err.room}."
        case e.RoomCohortConflict():
            if err.room_day and err.person_day and err.room_day != err.person_day:
                return (
                    f"Phòng {err.room} đang cách ly nhóm “{err.room_cohort}”, bắt đầu ngày {_day(err.room_day)}; "
                    f"người vào ngày {_day(err.person_day)} không được ở chung (cuốn chiếu, tránh lây nhiễm chéo). "
                    "Trưởng ban có thể nhận là tiếp xúc gần: cả phòng bắt đầu lại thời gian cách ly."
                    + _options(err, lang)
                )
            return (
                f"Phòng {err.room} đang cách ly nhóm “{err.room_cohort}”; không thể đưa người của nhóm "
                f"“{err.person_cohort}” vào (tránh lây nhiễm chéo)." + _options(err, lang)
            )
        case e.CohortDayConflict():
            return (
                f"Nhóm “{err.cohort}” đã vào cách ly ngày {_day(err.cohort_day)}; người vào ngày "
                f"{_day(err.admitted_on)} thuộc một nhóm mới (một nhóm là những người vào cùng ngày)."
            )
        case e.ChildAlone():
            who = f"{err.person} " if err.person else ""
            if err.reason == "no_household":
                return (
                    f"Trẻ {who}dưới 16 tuổi không được ở một mình: cần mã hộ gia đình và một người lớn cùng hộ "
                    "ở cùng phòng."
                )
            return (
                f"Trẻ {who}dưới 16 tuổi không được ở một mình: phòng {err.room} không có người lớn cùng hộ "
                "gia đình." + _options(err, lang)
            )
        case e.ChildWouldBeLeftAlone():
            return (
                f"Không thể để {err.person} rời khu cách ly: trẻ {err.child} (dưới 16 tuổi) sẽ ở lại một mình; "
                "cho trẻ ra hoặc chuyển đi trước, hoặc để một người lớn khác cùng hộ ở lại."
            )
        case e.FacilityNotEmpty():
            return (
                f"Khu cách ly {err.facility} còn {err.people} người đang cách ly; chỉ đóng được khi đã trống."
            )
        case e.RoomSexConflict():
            return (
                f"Phòng {err.room} dành cho {SEX[lang].get(err.room_sex, err.room_sex)}; không thể xếp người "
                f"{SEX[lang].get(err.person_sex, err.person_sex)} vào (trừ khi cùng một hộ gia đình)."
                + _options(err, lang)
            )
        case e.RoomAwaitingDisinfection():
            return f"Phòng {err.room} chưa được khử khuẩn sau lượt trước." + _options(err, lang)
        case e.RoomClosed():
            return f"Phòng {err.room} đang bị phong tỏa do có ca dương tính." + _options(err, lang)
        case e.RoomOutOfService():
            return f"Phòng {err.room} đang ngừng sử dụng." + _options(err, lang)
        case e.RoomNotEmpty():
            return f"Phòng {err.room} còn {err.occupants} người; chỉ làm được khi phòng trống."
        case e.NoBedAvailable():
            return (
                f"Không còn chỗ phù hợp cho {err.arrivals} người của nhóm “{err.cohort}” tại {err.facility} "
                "mà không vi phạm quy tắc phòng (cùng nhóm, cùng giới, đã khử khuẩn)."
            )
        case e.FacilityInactive():
            return f"Khu cách ly {err.facility} đang đóng, không nhận người."
        case e.ReleaseNeedsOverride():
            return (
                f"Chưa thể cho {err.person} hoàn thành cách ly: {_problems(err, lang)}. "
                "Cần trưởng ban quản lý duyệt với lý do."
            )
        case e.NoPolicy():
            return f"Không có quy định cách ly nào có hiệu lực vào ngày {err.on}."
        case e.NoOpenStay():
            return f"{err.person} hiện không ở trong khu cách ly nào."
        case e.StaffMustQuarantine():
            why = "dương tính" if err.reason == "positive" else "tiếp xúc"
            return f"{err.staff} đang phải cách ly ({why}): không phân công trực cho đến khi hết cách ly."
        case e.AlreadyHandedOut():
            by = f" (người phát: {err.given_by})" if err.given_by else ""
            taken = f", do {err.taken_by} nhận cho cả hộ" if err.taken_by else ""
            return (
                f"{err.person} đã nhận “{err.round_name}” lúc {_shift_time(err.given_at)}{taken}{by}; "
                "mỗi người (hộ) chỉ nhận một lần trong một đợt."
            )
        case e.NotEntitled():
            return f"{err.person} không có trong danh sách được nhận “{err.round_name}”."
        case e.StaffDoubleBooked():
            return (
                f"{err.staff} đã có {err.conflict} lúc {_shift_time(err.conflict_starts_at)}, trùng giờ với "
                f"{err.shift} lúc {_shift_time(err.starts_at)}; một người không thể trực hai ca cùng lúc."
            )
    return "Đã xảy ra lỗi; chi tiết trong nhật ký."


def _en(err: e.DeskError) -> str:
    lang = "en"
    match err:
        case e.InvalidInput():
            return _invalid(err, lang)
        case e.BadFile():
            reason = _file_reason(err, lang)
            return f"File {err.path}{_gap(reason)}{reason}." if err.path else f"The reports {reason}."
        case e.NotFound():
            return f"No {KINDS[lang].get(err.kind, err.kind)} “{err.key}”."
        case e.IdNumberTaken():
            born = f", born {err.birth_year}" if err.birth_year else ""
            where = f"staying in {err.facility}, room {err.room}" if err.facility else "not in quarantine now"
            return f"ID number “{err.id_number}” already belongs to {err.full_name}{born}, {where}."
        case e.AlreadyExists():
            return f"{KINDS[lang].get(err.kind, err.kind).capitalize()} “{err.key}” already exists."
        case e.OutsideFacility():
            return f"Your account does not work at facility {err.facility}."
        case e.NotAllowed():
            return "Your account is not allowed to do this."
        case e.LoginFailed():
            return "Wrong user name or password."
        case e.LoginSlowedDown():
            return (
                "Too many wrong logins from this PC. "
                f"Try again in {_wait(err.seconds, lang)}, or ask an administrator to unlock."
            )
        case e.AccountTampered():
            return (
                f"The role or facilities of account “{err.username}” were changed outside the program; an "
                "administrator must set them again in the program before the account can log in."
            )
        case e.RoomCohortConflict():
            if err.room_day and err.person_day and err.room_day != err.person_day:
                return (
                    f"Room {err.room} holds cohort “{err.room_cohort}”, whose quarantine started on "
                    f"{_day(err.room_day)}; a person arriving on {_day(err.person_day)} cannot join it. A manager "
                    "may accept the person as a contact: the whole room then restarts its quarantine."
                    + _options(err, lang)
                )
            return (
                f"Room {err.room} holds cohort “{err.room_cohort}”; a person of cohort “{err.person_cohort}” "
                "cannot enter it." + _options(err, lang)
            )
        case e.CohortDayConflict():
            return (
                f"Cohort “{err.cohort}” was admitted on {_day(err.cohort_day)}; a person arriving on "
                f"{_day(err.admitted_on)} belongs to a new cohort (a cohort is the people admitted on one day)."
            )
        case e.ChildAlone():
            who = f"{err.person} " if err.person else ""
            if err.reason == "no_household":
                return (
                    f"The child {who}is under 16 and may not be placed alone: a household code and an adult of "
                    "that household in the same room are needed."
                )
            return (
                f"The child {who}is under 16 and may not be placed alone: room {err.room} has no adult of the "
                "same household." + _options(err, lang)
            )
        case e.ChildWouldBeLeftAlone():
            return (
                f"{err.person} cannot leave: the child {err.child} (under 16) would stay alone; release or "
                "transfer the child first, or keep another adult of the household."
            )
        case e.FacilityNotEmpty():
            return f"Facility {err.facility} still has {err.people} people in quarantine; it closes only when empty."
        case e.ReleaseNeedsOverride():
            return f"{err.person} cannot be released yet: {_problems(err, lang)}. A manager must approve with a reason."
        case e.Cancelled():
            return "Cancelled; nothing was written."
        case e.SigningKeyMissing():
            return (
                f"Facility {err.facility} has no certificate signing key (the data was restored from an "
                "unencrypted backup, which holds no keys). Restore a backup with a passphrase, or make a new key "
                f"(facility key new {err.facility}) and send the new public key file to the communes and checkpoints."
            )
        case e.LoginRequired():
            return (
                "Log in first (--user NAME; the password from QUARANTINE_DESK_PASSWORD or typed when asked)."
            )
        case e.DatabaseUnavailable():
            why = {
                "not_sqlite": "this file is not a SQLite database",
                "not_ours": "this is another program's database, not a Quarantine Desk one",
                "missing": "there is no file at this path (check the path; “init” creates a new database)",
                "empty": "the file is empty (0 bytes) and holds no data (check the path; “init” creates a new one)",
                "unreachable": "the server cannot be reached (check the address and the network, and that it runs)",
                "login_refused": "the server refused the login (check the name, the password and the database name)",
                "read_only": "the file or database is read-only and cannot be written",
                "disk_full": "the disk is full; free some space and try again (nothing was changed)",
                "damaged": "the file is damaged (its integrity check fails); restore it from a backup",
                "bad_url": "the database address is malformed",
                "folder_not_writable": "the folder cannot be written",
                "is_a_directory": "the path is a folder",
                "unsupported": (
                    "the program works with a SQLite file on this PC or a PostgreSQL server (postgresql://…), "
                    "not with this kind of database"
                ),
            }.get(err.reason, "database error")
            if err.reason in ("read_only", "disk_full"):
                return f"Cannot write to the database {err.url}: {why}."
            return f"Cannot open the database {err.url}: {why}."
        case e.StaleEdit():
            return (
                f"The {KINDS[lang].get(err.kind, err.kind)} “{err.key}” was changed on another PC after you opened "
                "it; your change was not saved, so as not to overwrite the other one. Open it again to see the new "
                "details, then make your change."
            )
        case e.UnsoundBackup():
            return (
                f"Not restored from {err.path}: the data in the file breaks the rules ({len(err.problems)} "
                f"problems); the current data is unchanged.\n{_findings(err, lang)}"
            )
        case e.DatabaseBusy():
            return (
                f"The database {err.url} is busy: another PC has been writing for too long. Nothing was changed; "
                "please try again in a few minutes."
            )
        case e.DatabaseNotInitialised():
            return f"The database {err.url} is not set up for this program; run “init” first."
        case e.ConcurrentChange():
            return "Another PC changed the same data at the same moment; nothing was saved. Please try again."
        case e.DatabaseNotEmpty():
            return (
                f"The database {err.url} already holds data ({err.facilities} facilities, {err.people} people); "
                "demo data is only made in an empty database, never mixed with real data. To see the demo, make a "
                "new database: quarantine-desk --db demo.sqlite3 init --admin admin, then quarantine-desk --db "
                "demo.sqlite3 --user admin demo (in the window: File → Database…)."
            )
        case e.BedTaken():
            if not err.bed:
                return f"Room {err.room} has no free bed." + _options(err, lang)
            return f"Bed {err.bed} in room {err.room} is taken or out of service." + _options(err, lang)
        case e.PersonAlreadyStaying():
            return f"{err.person} is already in quarantine at {err.facility}, room {err.room}."
        case e.RoomSexConflict():
            return (
                f"Room {err.room} is for {SEX[lang].get(err.room_sex, err.room_sex)}; a "
                f"{SEX[lang].get(err.person_sex, err.person_sex)} person cannot be placed there (except within "
                "one household)." + _options(err, lang)
            )
        case e.RoomAwaitingDisinfection():
            return f"Room {err.room} has not been disinfected since its last occupants." + _options(err, lang)
        case e.RoomClosed():
            return f"Room {err.room} is closed after a positive case." + _options(err, lang)
        case e.RoomOutOfService():
            return f"Room {err.room} is out of service." + _options(err, lang)
        case e.RoomNotEmpty():
            return f"Room {err.room} still has {err.occupants} occupants; this needs an empty room."
        case e.NoBedAvailable():
            return (
                f"No bed fits {err.arrivals} people of cohort “{err.cohort}” at {err.facility} without breaking "
                "the room rules (one cohort, one sex, disinfected)."
            )
        case e.FacilityInactive():
            return f"Facility {err.facility} is closed and takes nobody."
        case e.NoPolicy():
            return f"No quarantine policy is in force on {err.on}."
        case e.NoOpenStay():
            return f"{err.person} is not in any facility now."
        case e.StaffMustQuarantine():
            why = "positive test" if err.reason == "positive" else "exposure"
            return f"{err.staff} must quarantine ({why}): no duty shifts until the quarantine is over."
        case e.AlreadyHandedOut():
            by = f" (handed out by {err.given_by})" if err.given_by else ""
            taken = f", taken by {err.taken_by} for the household" if err.taken_by else ""
            return (
                f"{err.person} already received “{err.round_name}” at {_shift_time(err.given_at)}{taken}{by}; "
                "each person (household) receives once a round."
            )
        case e.NotEntitled():
            return f"{err.person} is not on the list of those entitled to “{err.round_name}”."
        case e.StaffDoubleBooked():
            return (
                f"{err.staff} already has {err.conflict} at {_shift_time(err.conflict_starts_at)}, which overlaps "
                f"{err.shift} at {_shift_time(err.starts_at)}; nobody can be on two shifts at once."
            )
    return _vi(err)


def describe(err: e.DeskError, lang: str = "vi") -> str:
    """A sentence for the person in front of the screen."""
    return _en(err) if lang == "en" else _vi(err)
