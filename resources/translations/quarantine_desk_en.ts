<?xml version="1.0" encoding="utf-8"?>
<!DOCTYPE TS>
<TS version="2.1" language="en" sourcelanguage="vi">
<context>
    <name>AdminPage</name>
    <message>
        <location filename="../../quarantine_desk/ui/pages/admin.py" line="625"/>
        <source>Người dùng</source>
        <translation>Users</translation>
    </message>
    <message>
        <location filename="../../quarantine_desk/ui/pages/admin.py" line="619"/>
        <source>Khu cách ly</source>
        <translation>Facilities</translation>
    </message>
    <message>
        <location filename="../../quarantine_desk/ui/pages/admin.py" line="620"/>
        <source>Quy định cách ly</source>
        <translation>Quarantine policies</translation>
    </message>
    <message>
        <location filename="../../quarantine_desk/ui/pages/admin.py" line="628"/>
        <source>Nhật ký</source>
        <translation>Audit trail</translation>
    </message>
</context>
<context>
    <name>AdminTables</name>
    <message>
        <location filename="../../quarantine_desk/ui/pages/admin.py" line="167"/>
        <source>Phải chờ đăng nhập đến {0}</source>
        <translation>Must wait to log in until {0}</translation>
    </message>
    <message>
        <location filename="../../quarantine_desk/ui/pages/admin.py" line="185"/>
        <source>Làm việc tại</source>
        <translation>Works at</translation>
    </message>
    <message>
        <location filename="../../quarantine_desk/ui/pages/admin.py" line="175"/>
        <source>Cả huyện</source>
        <translation>Whole district</translation>
    </message>
    <message>
        <location filename="../../quarantine_desk/ui/pages/admin.py" line="78"/>
        <source>Mã</source>
        <translation>Code</translation>
    </message>
    <message>
        <location filename="../../quarantine_desk/ui/pages/admin.py" line="79"/>
        <source>Tên khu cách ly</source>
        <translation>Facility name</translation>
    </message>
    <message>
        <location filename="../../quarantine_desk/ui/pages/admin.py" line="80"/>
        <source>Huyện</source>
        <translation>District</translation>
    </message>
    <message>
        <location filename="../../quarantine_desk/ui/pages/admin.py" line="81"/>
        <source>Tỉnh</source>
        <translation>Province</translation>
    </message>
    <message>
        <location filename="../../quarantine_desk/ui/pages/admin.py" line="83"/>
        <source>Địa chỉ</source>
        <translation>Address</translation>
    </message>
    <message>
        <location filename="../../quarantine_desk/ui/pages/admin.py" line="88"/>
        <source>Sức chứa</source>
        <translation>Capacity</translation>
    </message>
    <message>
        <location filename="../../quarantine_desk/ui/pages/admin.py" line="93"/>
        <location filename="../../quarantine_desk/ui/pages/admin.py" line="122"/>
        <location filename="../../quarantine_desk/ui/pages/admin.py" line="186"/>
        <source>Trạng thái</source>
        <translation>Status</translation>
    </message>
    <message>
        <location filename="../../quarantine_desk/ui/pages/admin.py" line="95"/>
        <source>Đang hoạt động</source>
        <translation>Active</translation>
    </message>
    <message>
        <location filename="../../quarantine_desk/ui/pages/admin.py" line="97"/>
        <source>Đã đóng</source>
        <translation>Closed</translation>
    </message>
    <message>
        <location filename="../../quarantine_desk/ui/pages/admin.py" line="108"/>
        <source>Khu / tầng</source>
        <translation>Zone / floor</translation>
    </message>
    <message>
        <location filename="../../quarantine_desk/ui/pages/admin.py" line="109"/>
        <source>Phòng</source>
        <translation>Room</translation>
    </message>
    <message>
        <location filename="../../quarantine_desk/ui/pages/admin.py" line="110"/>
        <source>Giới tính</source>
        <translation>Sex</translation>
    </message>
    <message>
        <location filename="../../quarantine_desk/ui/pages/admin.py" line="112"/>
        <source>Số giường</source>
        <translation>Beds</translation>
    </message>
    <message>
        <location filename="../../quarantine_desk/ui/pages/admin.py" line="117"/>
        <source>Đang ở</source>
        <translation>Occupants</translation>
    </message>
    <message>
        <location filename="../../quarantine_desk/ui/pages/admin.py" line="133"/>
        <source>Tên quy định</source>
        <translation>Policy name</translation>
    </message>
    <message>
        <location filename="../../quarantine_desk/ui/pages/admin.py" line="138"/>
        <source>Áp dụng cho</source>
        <translation>Applies to</translation>
    </message>
    <message>
        <location filename="../../quarantine_desk/ui/pages/admin.py" line="141"/>
        <source>Hiệu lực từ</source>
        <translation>Effective from</translation>
    </message>
    <message>
        <location filename="../../quarantine_desk/ui/pages/admin.py" line="144"/>
        <source>Hiệu lực đến</source>
        <translation>Effective to</translation>
    </message>
    <message>
        <location filename="../../quarantine_desk/ui/pages/admin.py" line="148"/>
        <source>không thời hạn</source>
        <translation>open-ended</translation>
    </message>
    <message>
        <location filename="../../quarantine_desk/ui/pages/admin.py" line="152"/>
        <source>Số ngày</source>
        <translation>Days</translation>
    </message>
    <message>
        <location filename="../../quarantine_desk/ui/pages/admin.py" line="155"/>
        <source>Ngày xét nghiệm</source>
        <translation>Test days</translation>
    </message>
    <message>
        <location filename="../../quarantine_desk/ui/pages/admin.py" line="165"/>
        <source>Đã khóa</source>
        <translation>Deactivated</translation>
    </message>
    <message>
        <location filename="../../quarantine_desk/ui/pages/admin.py" line="170"/>
        <source>Đang dùng</source>
        <translation>Active</translation>
    </message>
    <message>
        <location filename="../../quarantine_desk/ui/pages/admin.py" line="182"/>
        <source>Tên đăng nhập</source>
        <translation>User name</translation>
    </message>
    <message>
        <location filename="../../quarantine_desk/ui/pages/admin.py" line="183"/>
        <source>Họ và tên</source>
        <translation>Full name</translation>
    </message>
    <message>
        <location filename="../../quarantine_desk/ui/pages/admin.py" line="184"/>
        <source>Vai trò</source>
        <translation>Role</translation>
    </message>
</context>
<context>
    <name>Alerts</name>
    <message>
        <location filename="../../quarantine_desk/ui/pages/dashboard.py" line="47"/>
        <source>Dương tính: %1, phòng %2 (mẫu lúc %3) – chờ chuyển điều trị</source>
        <translation>Positive: %1, room %2 (sampled %3) – awaiting transfer to treatment</translation>
    </message>
    <message>
        <location filename="../../quarantine_desk/ui/pages/dashboard.py" line="55"/>
        <source>Chưa lập báo cáo 16 giờ hôm nay</source>
        <translation>Today&apos;s 16:00 report has not been made</translation>
    </message>
    <message>
        <location filename="../../quarantine_desk/ui/pages/dashboard.py" line="58"/>
        <source>Phòng %1 đang phong tỏa, còn %2 người ở</source>
        <translation>Room %1 is closed, %2 people still in it</translation>
    </message>
    <message>
        <location filename="../../quarantine_desk/ui/pages/dashboard.py" line="63"/>
        <source>Phòng %1 chờ khử khuẩn trước khi nhận người mới</source>
        <translation>Room %1 must be disinfected before it takes new people</translation>
    </message>
    <message>
        <location filename="../../quarantine_desk/ui/pages/dashboard.py" line="97"/>
        <source>Vật tư dưới mức tối thiểu: %1 còn %2 %3 (tối thiểu %4)</source>
        <translation>Stock below minimum: %1, %2 %3 left (minimum %4)</translation>
    </message>
    <message>
        <location filename="../../quarantine_desk/ui/pages/dashboard.py" line="105"/>
        <source>Ca trực thiếu người: %1 khoảng trống trong 24 giờ tới, khoảng đầu từ %2</source>
        <translation>Duty shifts short: %1 uncovered periods in the next 24 hours, the first from %2</translation>
    </message>
    <message>
        <location filename="../../quarantine_desk/ui/pages/dashboard.py" line="88"/>
        <source>Hết kit %1: %2 xét nghiệm đã làm không có kit (từ %3), cần nhập bù</source>
        <translation>Out of %1 kits: %2 tests made without a kit (since %3), restock needed</translation>
    </message>
    <message>
        <location filename="../../quarantine_desk/ui/pages/dashboard.py" line="69"/>
        <source>Đã dùng %1 % số giường (cảnh báo 90 %), dự kiến hết giường ngày %2</source>
        <translation>%1 % of the beds in use (the 90 % warning); expected full on %2</translation>
    </message>
    <message>
        <location filename="../../quarantine_desk/ui/pages/dashboard.py" line="79"/>
        <source>Dự kiến vượt 90 % số giường ngày %1, hết giường ngày %2: chuẩn bị khu cách ly mới</source>
        <translation>Expected over 90 % of the beds on %1, full on %2: prepare a new facility</translation>
    </message>
</context>
<context>
    <name>App</name>
    <message>
        <location filename="../../quarantine_desk/ui/app.py" line="127"/>
        <source>Không mở được cơ sở dữ liệu</source>
        <translation>The database could not be opened</translation>
    </message>
    <message>
        <location filename="../../quarantine_desk/ui/app.py" line="139"/>
        <source>{0}

Tạo một cơ sở dữ liệu mới, trống, tại đường dẫn này?</source>
        <translation>{0}

Create a new, empty database at this path?</translation>
    </message>
    <message>
        <location filename="../../quarantine_desk/ui/app.py" line="142"/>
        <source>Tạo cơ sở dữ liệu mới</source>
        <translation>Create a new database</translation>
    </message>
    <message>
        <location filename="../../quarantine_desk/ui/app.py" line="158"/>
        <source>{0}

Chọn một bản sao lưu để khôi phục? Tệp bị hỏng được giữ lại bên cạnh, không bị xóa.</source>
        <translation>{0}

Choose a backup to restore? The damaged file is kept beside it, not deleted.</translation>
    </message>
    <message>
        <location filename="../../quarantine_desk/ui/app.py" line="162"/>
        <source>Khôi phục từ bản sao lưu</source>
        <translation>Restore from a backup</translation>
    </message>
</context>
<context>
    <name>AuditModel</name>
    <message>
        <location filename="../../quarantine_desk/ui/pages/audit.py" line="40"/>
        <source>Thời điểm</source>
        <translation>When</translation>
    </message>
    <message>
        <location filename="../../quarantine_desk/ui/pages/audit.py" line="43"/>
        <source>Người dùng</source>
        <translation>User</translation>
    </message>
    <message>
        <location filename="../../quarantine_desk/ui/pages/audit.py" line="44"/>
        <source>Việc</source>
        <translation>Action</translation>
    </message>
    <message>
        <location filename="../../quarantine_desk/ui/pages/audit.py" line="46"/>
        <source>Người cách ly</source>
        <translation>Person</translation>
    </message>
    <message>
        <location filename="../../quarantine_desk/ui/pages/audit.py" line="48"/>
        <source>Phòng</source>
        <translation>Room</translation>
    </message>
    <message>
        <location filename="../../quarantine_desk/ui/pages/audit.py" line="49"/>
        <source>Chi tiết</source>
        <translation>Details</translation>
    </message>
</context>
<context>
    <name>AuditTab</name>
    <message>
        <location filename="../../forms/audit_tab.ui" line="151"/>
        <source>Lọc</source>
        <translation>Filter</translation>
    </message>
    <message>
        <location filename="../../quarantine_desk/ui/pages/audit.py" line="201"/>
        <source>%2 sự kiện</source>
        <translation>%2 events</translation>
    </message>
    <message>
        <location filename="../../forms/audit_tab.ui" line="81"/>
        <source>Họ tên hoặc số giấy tờ</source>
        <translation>Name or ID number</translation>
    </message>
    <message>
        <location filename="../../forms/audit_tab.ui" line="71"/>
        <source>Người cách ly</source>
        <translation>Person</translation>
    </message>
    <message>
        <location filename="../../forms/audit_tab.ui" line="43"/>
        <source>Người dùng</source>
        <translation>User</translation>
    </message>
    <message>
        <location filename="../../forms/audit_tab.ui" line="91"/>
        <source>Phòng</source>
        <translation>Room</translation>
    </message>
    <message>
        <location filename="../../forms/audit_tab.ui" line="101"/>
        <source>Số phòng</source>
        <translation>Room number</translation>
    </message>
    <message>
        <location filename="../../forms/audit_tab.ui" line="23"/>
        <source>Tìm</source>
        <translation>Search</translation>
    </message>
    <message>
        <location filename="../../forms/audit_tab.ui" line="33"/>
        <source>Tìm trong nhật ký (không cần dấu), ví dụ: duong tinh</source>
        <translation>Search the log (accents not needed), e.g. positive</translation>
    </message>
    <message>
        <location filename="../../quarantine_desk/ui/pages/audit.py" line="145"/>
        <location filename="../../quarantine_desk/ui/pages/audit.py" line="149"/>
        <source>Tất cả</source>
        <translation>All</translation>
    </message>
    <message>
        <location filename="../../forms/audit_tab.ui" line="111"/>
        <source>Từ ngày</source>
        <translation>From</translation>
    </message>
    <message>
        <location filename="../../forms/audit_tab.ui" line="57"/>
        <source>Việc</source>
        <translation>Action</translation>
    </message>
    <message>
        <location filename="../../quarantine_desk/ui/pages/audit.py" line="199"/>
        <source>Đang hiện %1 trong %2 sự kiện; cuộn xuống để xem thêm.</source>
        <translation>Showing %1 of %2 events; scroll down for more.</translation>
    </message>
    <message>
        <location filename="../../forms/audit_tab.ui" line="131"/>
        <source>đến ngày</source>
        <translation>to</translation>
    </message>
</context>
<context>
    <name>AuditText</name>
    <message>
        <location filename="../../quarantine_desk/ui/audit_text.py" line="142"/>
        <source>Tạo khóa ký giấy xác nhận mới</source>
        <translation>New certificate signing key</translation>
    </message>
    <message>
        <location filename="../../quarantine_desk/ui/audit_text.py" line="175"/>
        <source>cả huyện</source>
        <translation>whole district</translation>
    </message>
    <message>
        <location filename="../../quarantine_desk/ui/audit_text.py" line="94"/>
        <source>loại danh sách</source>
        <translation>list</translation>
    </message>
    <message>
        <location filename="../../quarantine_desk/ui/audit_text.py" line="95"/>
        <source>số giấy</source>
        <translation>number</translation>
    </message>
    <message>
        <location filename="../../quarantine_desk/ui/audit_text.py" line="96"/>
        <source>các số giấy</source>
        <translation>numbers</translation>
    </message>
    <message>
        <location filename="../../quarantine_desk/ui/audit_text.py" line="97"/>
        <source>phạm vi</source>
        <translation>scope</translation>
    </message>
    <message>
        <location filename="../../quarantine_desk/ui/audit_text.py" line="98"/>
        <source>xã/phường</source>
        <translation>commune</translation>
    </message>
    <message>
        <location filename="../../quarantine_desk/ui/audit_text.py" line="93"/>
        <source>máy</source>
        <translation>PC</translation>
    </message>
    <message>
        <location filename="../../quarantine_desk/ui/audit_text.py" line="99"/>
        <source>tên có trong chương trình</source>
        <translation>user name exists</translation>
    </message>
    <message>
        <location filename="../../quarantine_desk/ui/audit_text.py" line="100"/>
        <source>số lần sai liên tiếp</source>
        <translation>wrong attempts in a row</translation>
    </message>
    <message>
        <location filename="../../quarantine_desk/ui/audit_text.py" line="101"/>
        <source>phải chờ (giây)</source>
        <translation>wait (seconds)</translation>
    </message>
    <message>
        <location filename="../../quarantine_desk/ui/audit_text.py" line="102"/>
        <source>số máy đang phải chờ</source>
        <translation>PCs that were waiting</translation>
    </message>
    <message>
        <location filename="../../quarantine_desk/ui/audit_text.py" line="103"/>
        <source>ghi sau vì cơ sở dữ liệu đang bận (mã)</source>
        <translation>recorded later, the database being busy (code)</translation>
    </message>
    <message>
        <location filename="../../quarantine_desk/ui/audit_text.py" line="103"/>
        <source>khu cách ly</source>
        <translation>facilities</translation>
    </message>
    <message>
        <location filename="../../quarantine_desk/ui/audit_text.py" line="104"/>
        <source>khu cách ly trước đó</source>
        <translation>facilities before</translation>
    </message>
    <message>
        <location filename="../../quarantine_desk/ui/audit_text.py" line="105"/>
        <source>vai trò trước đó</source>
        <translation>role before</translation>
    </message>
    <message>
        <location filename="../../quarantine_desk/ui/audit_text.py" line="106"/>
        <source>tự đổi</source>
        <translation>own change</translation>
    </message>
    <message>
        <location filename="../../quarantine_desk/ui/audit_text.py" line="133"/>
        <source>vai trò hoặc khu cách ly bị sửa ngoài chương trình</source>
        <translation>role or facilities changed outside the program</translation>
    </message>
    <message>
        <location filename="../../quarantine_desk/ui/audit_text.py" line="25"/>
        <source>nhận</source>
        <translation>accepted</translation>
    </message>
    <message>
        <location filename="../../quarantine_desk/ui/audit_text.py" line="26"/>
        <source>sau</source>
        <translation>after</translation>
    </message>
    <message>
        <location filename="../../quarantine_desk/ui/audit_text.py" line="27"/>
        <source>lúc</source>
        <translation>at</translation>
    </message>
    <message>
        <location filename="../../quarantine_desk/ui/audit_text.py" line="28"/>
        <source>giường</source>
        <translation>bed</translation>
    </message>
    <message>
        <location filename="../../quarantine_desk/ui/audit_text.py" line="29"/>
        <source>số giường</source>
        <translation>beds</translation>
    </message>
    <message>
        <location filename="../../quarantine_desk/ui/audit_text.py" line="30"/>
        <source>trước</source>
        <translation>before</translation>
    </message>
    <message>
        <location filename="../../quarantine_desk/ui/audit_text.py" line="31"/>
        <source>người làm</source>
        <translation>by</translation>
    </message>
    <message>
        <location filename="../../quarantine_desk/ui/audit_text.py" line="32"/>
        <source>mã</source>
        <translation>code</translation>
    </message>
    <message>
        <location filename="../../quarantine_desk/ui/audit_text.py" line="33"/>
        <source>nhóm</source>
        <translation>cohort</translation>
    </message>
    <message>
        <location filename="../../quarantine_desk/ui/audit_text.py" line="34"/>
        <source>ngày tiếp xúc</source>
        <translation>contact day</translation>
    </message>
    <message>
        <location filename="../../quarantine_desk/ui/audit_text.py" line="35"/>
        <source>đã tạo</source>
        <translation>created</translation>
    </message>
    <message>
        <location filename="../../quarantine_desk/ui/audit_text.py" line="36"/>
        <source>số ngày</source>
        <translation>days</translation>
    </message>
    <message>
        <location filename="../../quarantine_desk/ui/audit_text.py" line="37"/>
        <source>số người ăn</source>
        <translation>diners</translation>
    </message>
    <message>
        <location filename="../../quarantine_desk/ui/audit_text.py" line="38"/>
        <source>đã phát</source>
        <translation>distributed</translation>
    </message>
    <message>
        <location filename="../../quarantine_desk/ui/audit_text.py" line="39"/>
        <source>hiệu lực từ</source>
        <translation>effective from</translation>
    </message>
    <message>
        <location filename="../../quarantine_desk/ui/audit_text.py" line="40"/>
        <source>hiệu lực đến</source>
        <translation>effective to</translation>
    </message>
    <message>
        <location filename="../../quarantine_desk/ui/audit_text.py" line="41"/>
        <source>đã có</source>
        <translation>existing</translation>
    </message>
    <message>
        <location filename="../../quarantine_desk/ui/audit_text.py" line="42"/>
        <source>khu</source>
        <translation>facility</translation>
    </message>
    <message>
        <location filename="../../quarantine_desk/ui/audit_text.py" line="43"/>
        <source>tệp</source>
        <translation>file</translation>
    </message>
    <message>
        <location filename="../../quarantine_desk/ui/audit_text.py" line="44"/>
        <source>tài khoản đầu tiên</source>
        <translation>first account</translation>
    </message>
    <message>
        <location filename="../../quarantine_desk/ui/audit_text.py" line="45"/>
        <source>số giờ trong 24 giờ</source>
        <translation>hours in 24</translation>
    </message>
    <message>
        <location filename="../../quarantine_desk/ui/audit_text.py" line="46"/>
        <source>số giấy tờ</source>
        <translation>ID number</translation>
    </message>
    <message>
        <location filename="../../quarantine_desk/ui/audit_text.py" line="47"/>
        <source>vật tư</source>
        <translation>item</translation>
    </message>
    <message>
        <location filename="../../quarantine_desk/ui/audit_text.py" line="48"/>
        <source>loại</source>
        <translation>kind</translation>
    </message>
    <message>
        <location filename="../../quarantine_desk/ui/audit_text.py" line="49"/>
        <source>bữa</source>
        <translation>meal</translation>
    </message>
    <message>
        <location filename="../../quarantine_desk/ui/audit_text.py" line="50"/>
        <source>hàng phát</source>
        <translation>goods</translation>
    </message>
    <message>
        <location filename="../../quarantine_desk/ui/audit_text.py" line="51"/>
        <source>mức</source>
        <translation>value</translation>
    </message>
    <message>
        <location filename="../../quarantine_desk/ui/audit_text.py" line="52"/>
        <source>đợt</source>
        <translation>round</translation>
    </message>
    <message>
        <location filename="../../quarantine_desk/ui/audit_text.py" line="53"/>
        <source>định mức</source>
        <translation>rate</translation>
    </message>
    <message>
        <location filename="../../quarantine_desk/ui/audit_text.py" line="54"/>
        <source>tồn tối thiểu</source>
        <translation>minimum stock</translation>
    </message>
    <message>
        <location filename="../../quarantine_desk/ui/audit_text.py" line="55"/>
        <location filename="../../quarantine_desk/ui/audit_text.py" line="109"/>
        <source>họ tên</source>
        <translation>name</translation>
    </message>
    <message>
        <location filename="../../quarantine_desk/ui/audit_text.py" line="56"/>
        <source>ngày</source>
        <translation>day</translation>
    </message>
    <message>
        <location filename="../../quarantine_desk/ui/audit_text.py" line="57"/>
        <source>lý do duyệt</source>
        <translation>approval reason</translation>
    </message>
    <message>
        <location filename="../../quarantine_desk/ui/audit_text.py" line="58"/>
        <source>kiểu ca</source>
        <translation>shift pattern</translation>
    </message>
    <message>
        <location filename="../../quarantine_desk/ui/audit_text.py" line="59"/>
        <source>số người</source>
        <translation>people</translation>
    </message>
    <message>
        <location filename="../../quarantine_desk/ui/audit_text.py" line="60"/>
        <source>mỗi người</source>
        <translation>per person</translation>
    </message>
    <message>
        <location filename="../../quarantine_desk/ui/audit_text.py" line="61"/>
        <source>người cách ly</source>
        <translation>person</translation>
    </message>
    <message>
        <location filename="../../quarantine_desk/ui/audit_text.py" line="62"/>
        <source>dự kiến ra</source>
        <translation>planned release</translation>
    </message>
    <message>
        <location filename="../../quarantine_desk/ui/audit_text.py" line="63"/>
        <source>quy định</source>
        <translation>policy</translation>
    </message>
    <message>
        <location filename="../../quarantine_desk/ui/audit_text.py" line="64"/>
        <source>số suất</source>
        <translation>portions</translation>
    </message>
    <message>
        <location filename="../../quarantine_desk/ui/audit_text.py" line="65"/>
        <source>chức vụ</source>
        <translation>position</translation>
    </message>
    <message>
        <location filename="../../quarantine_desk/ui/audit_text.py" line="66"/>
        <location filename="../../quarantine_desk/ui/audit_text.py" line="124"/>
        <source>dương tính</source>
        <translation>positive</translation>
    </message>
    <message>
        <location filename="../../quarantine_desk/ui/audit_text.py" line="67"/>
        <source>ca dương tính</source>
        <translation>positive case</translation>
    </message>
    <message>
        <location filename="../../quarantine_desk/ui/audit_text.py" line="68"/>
        <source>dữ liệu cũ giữ ở</source>
        <translation>previous data kept in</translation>
    </message>
    <message>
        <location filename="../../quarantine_desk/ui/audit_text.py" line="69"/>
        <source>vấn đề</source>
        <translation>problems</translation>
    </message>
    <message>
        <location filename="../../quarantine_desk/ui/audit_text.py" line="70"/>
        <source>số lượng</source>
        <translation>quantity</translation>
    </message>
    <message>
        <location filename="../../quarantine_desk/ui/audit_text.py" line="71"/>
        <source>lý do</source>
        <translation>reason</translation>
    </message>
    <message>
        <location filename="../../quarantine_desk/ui/audit_text.py" line="72"/>
        <source>bị loại</source>
        <translation>rejected</translation>
    </message>
    <message>
        <location filename="../../quarantine_desk/ui/audit_text.py" line="73"/>
        <source>còn lại</source>
        <translation>remainder</translation>
    </message>
    <message>
        <location filename="../../quarantine_desk/ui/audit_text.py" line="74"/>
        <source>kết quả</source>
        <translation>result</translation>
    </message>
    <message>
        <location filename="../../quarantine_desk/ui/audit_text.py" line="75"/>
        <source>vai trò</source>
        <translation>role</translation>
    </message>
    <message>
        <location filename="../../quarantine_desk/ui/audit_text.py" line="76"/>
        <location filename="../../quarantine_desk/ui/audit_text.py" line="77"/>
        <source>phòng</source>
        <translation>room</translation>
    </message>
    <message>
        <location filename="../../quarantine_desk/ui/audit_text.py" line="78"/>
        <source>người cùng phòng tính lại</source>
        <translation>roommates restarted</translation>
    </message>
    <message>
        <location filename="../../quarantine_desk/ui/audit_text.py" line="79"/>
        <source>số dòng</source>
        <translation>rows</translation>
    </message>
    <message>
        <location filename="../../quarantine_desk/ui/audit_text.py" line="80"/>
        <source>lấy mẫu</source>
        <translation>sampled</translation>
    </message>
    <message>
        <location filename="../../quarantine_desk/ui/audit_text.py" line="81"/>
        <source>giới tính</source>
        <translation>sex</translation>
    </message>
    <message>
        <location filename="../../quarantine_desk/ui/audit_text.py" line="82"/>
        <source>ca</source>
        <translation>shift</translation>
    </message>
    <message>
        <location filename="../../quarantine_desk/ui/audit_text.py" line="83"/>
        <source>nhân viên</source>
        <translation>staff</translation>
    </message>
    <message>
        <location filename="../../quarantine_desk/ui/audit_text.py" line="84"/>
        <source>từ ngày</source>
        <translation>from</translation>
    </message>
    <message>
        <location filename="../../quarantine_desk/ui/audit_text.py" line="85"/>
        <source>bắt đầu</source>
        <translation>starts</translation>
    </message>
    <message>
        <location filename="../../quarantine_desk/ui/audit_text.py" line="86"/>
        <source>tồn kho</source>
        <translation>stock</translation>
    </message>
    <message>
        <location filename="../../quarantine_desk/ui/audit_text.py" line="87"/>
        <source>triệu chứng</source>
        <translation>symptoms</translation>
    </message>
    <message>
        <location filename="../../quarantine_desk/ui/audit_text.py" line="88"/>
        <source>nhiệt độ</source>
        <translation>temperature</translation>
    </message>
    <message>
        <location filename="../../quarantine_desk/ui/audit_text.py" line="89"/>
        <source>ngày xét nghiệm</source>
        <translation>test days</translation>
    </message>
    <message>
        <location filename="../../quarantine_desk/ui/audit_text.py" line="90"/>
        <source>chuyển đến</source>
        <translation>to</translation>
    </message>
    <message>
        <location filename="../../quarantine_desk/ui/audit_text.py" line="91"/>
        <source>đơn vị</source>
        <translation>unit</translation>
    </message>
    <message>
        <location filename="../../quarantine_desk/ui/audit_text.py" line="92"/>
        <source>tên đăng nhập</source>
        <translation>user name</translation>
    </message>
    <message>
        <location filename="../../quarantine_desk/ui/audit_text.py" line="107"/>
        <source>khu vực</source>
        <translation>zone</translation>
    </message>
    <message>
        <location filename="../../quarantine_desk/ui/audit_text.py" line="108"/>
        <source>chọn giường</source>
        <translation>bed chosen by</translation>
    </message>
    <message>
        <location filename="../../quarantine_desk/ui/audit_text.py" line="110"/>
        <source>năm sinh</source>
        <translation>year of birth</translation>
    </message>
    <message>
        <location filename="../../quarantine_desk/ui/audit_text.py" line="111"/>
        <source>điện thoại</source>
        <translation>phone</translation>
    </message>
    <message>
        <location filename="../../quarantine_desk/ui/audit_text.py" line="112"/>
        <source>địa chỉ</source>
        <translation>address</translation>
    </message>
    <message>
        <location filename="../../quarantine_desk/ui/audit_text.py" line="113"/>
        <source>hộ gia đình</source>
        <translation>household</translation>
    </message>
    <message>
        <location filename="../../quarantine_desk/ui/audit_text.py" line="114"/>
        <source>số mũi tiêm</source>
        <translation>doses</translation>
    </message>
    <message>
        <location filename="../../quarantine_desk/ui/audit_text.py" line="121"/>
        <source>Xét nghiệm nhanh</source>
        <translation>Rapid test</translation>
    </message>
    <message>
        <location filename="../../quarantine_desk/ui/audit_text.py" line="122"/>
        <source>RT-PCR</source>
        <translation>RT-PCR</translation>
    </message>
    <message>
        <location filename="../../quarantine_desk/ui/audit_text.py" line="123"/>
        <source>âm tính</source>
        <translation>negative</translation>
    </message>
    <message>
        <location filename="../../quarantine_desk/ui/audit_text.py" line="125"/>
        <source>chương trình chọn</source>
        <translation>chosen by the program</translation>
    </message>
    <message>
        <location filename="../../quarantine_desk/ui/audit_text.py" line="126"/>
        <source>người dùng chọn</source>
        <translation>chosen by the user</translation>
    </message>
    <message>
        <location filename="../../quarantine_desk/ui/audit_text.py" line="127"/>
        <source>người cùng phòng dương tính</source>
        <translation>a roommate tested positive</translation>
    </message>
    <message>
        <location filename="../../quarantine_desk/ui/audit_text.py" line="128"/>
        <source>chưa hết thời gian cách ly</source>
        <translation>period not over</translation>
    </message>
    <message>
        <location filename="../../quarantine_desk/ui/audit_text.py" line="129"/>
        <source>thiếu xét nghiệm</source>
        <translation>missing test</translation>
    </message>
    <message>
        <location filename="../../quarantine_desk/ui/audit_text.py" line="130"/>
        <source>bữa sáng</source>
        <translation>breakfast</translation>
    </message>
    <message>
        <location filename="../../quarantine_desk/ui/audit_text.py" line="131"/>
        <source>bữa trưa</source>
        <translation>lunch</translation>
    </message>
    <message>
        <location filename="../../quarantine_desk/ui/audit_text.py" line="132"/>
        <source>bữa tối</source>
        <translation>dinner</translation>
    </message>
    <message>
        <location filename="../../quarantine_desk/ui/audit_text.py" line="140"/>
        <source>Sao lưu dữ liệu</source>
        <translation>Data backed up</translation>
    </message>
    <message>
        <location filename="../../quarantine_desk/ui/audit_text.py" line="141"/>
        <source>Khôi phục dữ liệu</source>
        <translation>Data restored</translation>
    </message>
    <message>
        <location filename="../../quarantine_desk/ui/audit_text.py" line="143"/>
        <source>Nhập danh sách</source>
        <translation>List imported</translation>
    </message>
    <message>
        <location filename="../../quarantine_desk/ui/audit_text.py" line="144"/>
        <source>Thêm nhân viên trực</source>
        <translation>Staff added</translation>
    </message>
    <message>
        <location filename="../../quarantine_desk/ui/audit_text.py" line="145"/>
        <source>Lập lịch ca trực</source>
        <translation>Shifts planned</translation>
    </message>
    <message>
        <location filename="../../quarantine_desk/ui/audit_text.py" line="146"/>
        <source>Phân công vào ca</source>
        <translation>Assigned to a shift</translation>
    </message>
    <message>
        <location filename="../../quarantine_desk/ui/audit_text.py" line="147"/>
        <source>Bỏ phân công</source>
        <translation>Unassigned from a shift</translation>
    </message>
    <message>
        <location filename="../../quarantine_desk/ui/audit_text.py" line="170"/>
        <source>có</source>
        <translation>yes</translation>
    </message>
    <message>
        <location filename="../../quarantine_desk/ui/audit_text.py" line="172"/>
        <source>không</source>
        <translation>no</translation>
    </message>
    <message>
        <location filename="../../quarantine_desk/ui/audit_text.py" line="206"/>
        <source>%1: %2, lấy mẫu %3</source>
        <translation>%1: %2, sampled %3</translation>
    </message>
    <message>
        <location filename="../../quarantine_desk/ui/audit_text.py" line="215"/>
        <source>phòng %1, giường %2, nhóm %3, dự kiến ra %4 (%5)</source>
        <translation>room %1, bed %2, cohort %3, planned release %4 (%5)</translation>
    </message>
    <message>
        <location filename="../../quarantine_desk/ui/audit_text.py" line="225"/>
        <source>ra lúc %1</source>
        <translation>left at %1</translation>
    </message>
    <message>
        <location filename="../../quarantine_desk/ui/audit_text.py" line="227"/>
        <source>duyệt sớm: %1 (%2)</source>
        <translation>approved early: %1 (%2)</translation>
    </message>
    <message>
        <location filename="../../quarantine_desk/ui/audit_text.py" line="237"/>
        <source>phòng %1 phong tỏa vì có ca dương tính; %2 người cùng phòng tính lại thời gian cách ly</source>
        <translation>room %1 closed after a positive case; %2 roommates restart their quarantine</translation>
    </message>
    <message>
        <location filename="../../quarantine_desk/ui/audit_text.py" line="248"/>
        <source>tính lại từ ngày tiếp xúc %1 (%2)</source>
        <translation>restarted from the contact day %1 (%2)</translation>
    </message>
    <message>
        <location filename="../../quarantine_desk/ui/audit_text.py" line="255"/>
        <source>không có triệu chứng</source>
        <translation>no symptoms</translation>
    </message>
    <message>
        <location filename="../../quarantine_desk/ui/audit_text.py" line="261"/>
        <source>chuyển đến %1 lúc %2</source>
        <translation>transferred to %1 at %2</translation>
    </message>
</context>
<context>
    <name>AutomaticBackupsDialog</name>
    <message>
        <location filename="../../quarantine_desk/ui/data_menu.py" line="221"/>
        <source>đã mã hóa</source>
        <translation>encrypted</translation>
    </message>
    <message>
        <location filename="../../quarantine_desk/ui/data_menu.py" line="226"/>
        <source>Đóng</source>
        <translation>Close</translation>
    </message>
    <message>
        <location filename="../../quarantine_desk/ui/data_menu.py" line="214"/>
        <source>trước khi nâng cấp</source>
        <translation>before an upgrade</translation>
    </message>
    <message>
        <location filename="../../quarantine_desk/ui/data_menu.py" line="213"/>
        <source>trước khi khôi phục</source>
        <translation>before a restore</translation>
    </message>
    <message>
        <location filename="../../quarantine_desk/ui/data_menu.py" line="215"/>
        <source>khác</source>
        <translation>other</translation>
    </message>
    <message>
        <location filename="../../quarantine_desk/ui/data_menu.py" line="212"/>
        <source>hằng tuần</source>
        <translation>weekly</translation>
    </message>
    <message>
        <location filename="../../quarantine_desk/ui/data_menu.py" line="211"/>
        <source>hằng ngày</source>
        <translation>daily</translation>
    </message>
    <message>
        <location filename="../../quarantine_desk/ui/data_menu.py" line="226"/>
        <source>Khôi phục bản đã chọn</source>
        <translation>Restore the one chosen</translation>
    </message>
    <message>
        <location filename="../../quarantine_desk/ui/data_menu.py" line="204"/>
        <source>Cơ sở dữ liệu dùng chung trên máy chủ PostgreSQL được sao lưu trên máy chủ: người quản trị máy chủ chạy pg_dump hằng ngày (ví dụ: pg_dump -Fc -f sao-luu.dump TÊN-CSDL) và giữ các bản ở nơi an toàn. Lệnh Sao lưu dữ liệu vẫn ghi được một tệp từ máy này. Dưới đây là các bản chương trình lưu trước mỗi lần khôi phục:</source>
        <translation>A database shared on a PostgreSQL server is backed up on the server: its administrator runs pg_dump every day (for example: pg_dump -Fc -f backup.dump DATABASE) and keeps the copies in a safe place. Back up data still writes a file from this PC. Below are the copies the program saved before each restore:</translation>
    </message>
    <message>
        <location filename="../../quarantine_desk/ui/data_menu.py" line="196"/>
        <source>Chương trình tự sao lưu cơ sở dữ liệu khi mở và mỗi %1 giờ khi đang mở (giữ 7 bản hằng ngày, 4 bản hằng tuần), trước khi khôi phục và trước khi nâng cấp. Các bản này nằm trong thư mục dữ liệu của chương trình, chỉ người dùng này đọc được. Chọn một bản để khôi phục:</source>
        <translation>The program backs up the database when it opens and every %1 hours while it is open (7 daily and 4 weekly copies kept), before a restore and before an upgrade. The copies are in the program&apos;s data folder, readable by this user only. Choose one to restore:</translation>
    </message>
    <message>
        <location filename="../../quarantine_desk/ui/data_menu.py" line="232"/>
        <source>Chưa có bản sao lưu tự động nào.</source>
        <translation>No automatic backup yet.</translation>
    </message>
    <message>
        <location filename="../../forms/automatic_backups_dialog.ui" line="12"/>
        <source>Bản sao lưu tự động</source>
        <translation>Automatic backups</translation>
    </message>
</context>
<context>
    <name>BackupPassphraseDialog</name>
    <message>
        <location filename="../../forms/backup_passphrase_dialog.ui" line="44"/>
        <source>Nhập lại mật khẩu:</source>
        <translation>Repeat password:</translation>
    </message>
    <message>
        <location filename="../../forms/backup_passphrase_dialog.ui" line="27"/>
        <source>Mật khẩu sao lưu:</source>
        <translation>Backup passphrase:</translation>
    </message>
    <message>
        <location filename="../../forms/backup_passphrase_dialog.ui" line="12"/>
        <source>Mật khẩu sao lưu</source>
        <translation>Backup passphrase</translation>
    </message>
    <message>
        <location filename="../../quarantine_desk/ui/data_menu.py" line="95"/>
        <source>Hai lần nhập mật khẩu không giống nhau.</source>
        <translation>The two passphrases differ.</translation>
    </message>
    <message>
        <location filename="../../quarantine_desk/ui/data_menu.py" line="76"/>
        <source>Bản sao lưu chứa thông tin của mọi người cách ly. Đặt mật khẩu (ít nhất %1 ký tự) để mã hóa tệp, và ghi nhớ nó: không có mật khẩu thì không khôi phục được. Để trống: tệp không mã hóa, không chứa khóa ký giấy xác nhận, chỉ nên giữ trên máy này.</source>
        <translation>A backup holds the details of everyone in quarantine. Set a passphrase (at least %1 characters) to encrypt the file, and remember it: without it the backup cannot be restored. Left empty: the file is not encrypted, holds no certificate signing key, and should stay on this PC.</translation>
    </message>
    <message>
        <location filename="../../quarantine_desk/ui/data_menu.py" line="83"/>
        <source>Bản sao lưu %1 đã được mã hóa. Nhập mật khẩu sao lưu.</source>
        <translation>The backup %1 is encrypted. Type its passphrase.</translation>
    </message>
</context>
<context>
    <name>BulkRoomsDialog</name>
    <message>
        <location filename="../../forms/bulk_rooms_dialog.ui" line="12"/>
        <source>Thêm phòng hàng loạt</source>
        <translation>Add rooms in bulk</translation>
    </message>
    <message>
        <location filename="../../forms/bulk_rooms_dialog.ui" line="40"/>
        <source>ví dụ: Tầng 2</source>
        <translation>e.g. Floor 2</translation>
    </message>
    <message>
        <location filename="../../forms/bulk_rooms_dialog.ui" line="57"/>
        <source>ví dụ: 201-220, 225</source>
        <translation>e.g. 201-220, 225</translation>
    </message>
    <message>
        <location filename="../../forms/bulk_rooms_dialog.ui" line="20"/>
        <source>Khu cách ly:</source>
        <translation>Facility:</translation>
    </message>
    <message>
        <location filename="../../forms/bulk_rooms_dialog.ui" line="30"/>
        <source>Khu / tầng:</source>
        <translation>Zone / floor:</translation>
    </message>
    <message>
        <location filename="../../forms/bulk_rooms_dialog.ui" line="47"/>
        <source>Các phòng:</source>
        <translation>Rooms:</translation>
    </message>
    <message>
        <location filename="../../forms/bulk_rooms_dialog.ui" line="64"/>
        <source>Số giường mỗi phòng:</source>
        <translation>Beds per room:</translation>
    </message>
    <message>
        <location filename="../../forms/bulk_rooms_dialog.ui" line="84"/>
        <source>Giới tính:</source>
        <translation>Sex:</translation>
    </message>
</context>
<context>
    <name>CertificateCheckDialog</name>
    <message>
        <location filename="../../forms/certificate_check_dialog.ui" line="12"/>
        <source>Kiểm tra giấy xác nhận</source>
        <translation>Check a release certificate</translation>
    </message>
    <message>
        <location filename="../../forms/certificate_check_dialog.ui" line="18"/>
        <source>Quét mã QR trên giấy xác nhận hoàn thành cách ly bằng máy quét, hoặc dán nội dung mã vào ô dưới đây, rồi nhấn Enter.</source>
        <translation>Scan the QR code on the release certificate with the scanner, or paste its text into the box below, then press Enter.</translation>
    </message>
    <message>
        <location filename="../../forms/certificate_check_dialog.ui" line="33"/>
        <source>Nội dung mã QR</source>
        <translation>Text of the QR code</translation>
    </message>
    <message>
        <location filename="../../forms/certificate_check_dialog.ui" line="40"/>
        <source>Kiểm tra</source>
        <translation>Check</translation>
    </message>
    <message>
        <location filename="../../forms/certificate_check_dialog.ui" line="51"/>
        <source>Khóa: các khu cách ly trong cơ sở dữ liệu này.</source>
        <translation>Keys: the facilities in this database.</translation>
    </message>
    <message>
        <location filename="../../forms/certificate_check_dialog.ui" line="61"/>
        <source>Dùng tệp khóa của khu khác…</source>
        <translation>Use another facility&apos;s key file…</translation>
    </message>
    <message>
        <location filename="../../quarantine_desk/ui/certificate_check.py" line="36"/>
        <source>Đóng</source>
        <translation>Close</translation>
    </message>
    <message>
        <location filename="../../quarantine_desk/ui/certificate_check.py" line="40"/>
        <source>Tệp khóa công khai</source>
        <translation>Public key file</translation>
    </message>
    <message>
        <location filename="../../quarantine_desk/ui/certificate_check.py" line="40"/>
        <source>Tệp khóa (*.key *.pem *.txt);;Mọi tệp (*)</source>
        <translation>Key files (*.key *.pem *.txt);;All files (*)</translation>
    </message>
    <message>
        <location filename="../../quarantine_desk/ui/certificate_check.py" line="48"/>
        <source>Khóa: tệp %1 và các khu trong cơ sở dữ liệu này.</source>
        <translation>Keys: the file %1 and the facilities in this database.</translation>
    </message>
    <message>
        <location filename="../../quarantine_desk/ui/certificate_check.py" line="78"/>
        <source>HỢP LỆ: giấy số %1 của %2 (sinh năm %3, giấy tờ số …%4) đã hoàn thành cách ly tại %5 từ %6 đến %7.</source>
        <translation>VALID: certificate %1 of %2 (born %3, ID …%4) completed quarantine at %5 from %6 to %7.</translation>
    </message>
    <message>
        <location filename="../../quarantine_desk/ui/certificate_check.py" line="90"/>
        <source>KHÔNG đọc được: đây không phải mã QR của giấy xác nhận, hoặc quét chưa hết.</source>
        <translation>CANNOT READ: this is not the QR code of a certificate, or it was not scanned whole.</translation>
    </message>
    <message>
        <location filename="../../quarantine_desk/ui/certificate_check.py" line="92"/>
        <location filename="../../quarantine_desk/ui/certificate_check.py" line="93"/>
        <source>CHƯA kiểm tra được: cần tệp khóa công khai của khu %1.</source>
        <translation>NOT CHECKED: the public key file of facility %1 is needed.</translation>
    </message>
    <message>
        <location filename="../../quarantine_desk/ui/certificate_check.py" line="94"/>
        <source>KHÔNG hợp lệ: nội dung đã bị sửa, hoặc không do khu %1 ký.</source>
        <translation>NOT VALID: the text was altered, or facility %1 did not sign it.</translation>
    </message>
    <message>
        <location filename="../../quarantine_desk/ui/certificate_check.py" line="95"/>
        <source>KHÔNG hợp lệ: không phải giấy hoàn thành cách ly.</source>
        <translation>NOT VALID: not a certificate of completed quarantine.</translation>
    </message>
    <message>
        <location filename="../../quarantine_desk/ui/certificate_check.py" line="97"/>
        <source>KHÔNG hợp lệ.</source>
        <translation>NOT VALID.</translation>
    </message>
</context>
<context>
    <name>CheckinPage</name>
    <message>
        <location filename="../../quarantine_desk/ui/pages/checkin.py" line="958"/>
        <source>Đang in bản cam kết…</source>
        <translation>Printing the commitment…</translation>
    </message>
    <message>
        <location filename="../../forms/checkin_page.ui" line="9"/>
        <source>Tiếp nhận người cách ly</source>
        <translation>Check-in</translation>
    </message>
    <message>
        <location filename="../../forms/checkin_page.ui" line="19"/>
        <source>Tìm theo họ tên, số CCCD/CMND/hộ chiếu hoặc số điện thoại; quét mã rồi Enter để thêm</source>
        <translation>Search by name, ID or passport number, or phone; scan a code and press Enter to add</translation>
    </message>
    <message>
        <location filename="../../forms/checkin_page.ui" line="28"/>
        <source>Tìm người</source>
        <translation>Find a person</translation>
    </message>
    <message>
        <location filename="../../quarantine_desk/ui/pages/checkin.py" line="136"/>
        <location filename="../../quarantine_desk/ui/pages/checkin.py" line="222"/>
        <location filename="../../quarantine_desk/ui/pages/checkin.py" line="254"/>
        <location filename="../../quarantine_desk/ui/pages/checkin.py" line="273"/>
        <location filename="../../forms/checkin_page.ui" line="133"/>
        <source>Họ và tên</source>
        <translation>Full name</translation>
    </message>
    <message>
        <location filename="../../quarantine_desk/ui/pages/checkin.py" line="141"/>
        <location filename="../../quarantine_desk/ui/pages/checkin.py" line="227"/>
        <source>Năm sinh</source>
        <translation>Born</translation>
    </message>
    <message>
        <location filename="../../quarantine_desk/ui/pages/checkin.py" line="144"/>
        <location filename="../../quarantine_desk/ui/pages/checkin.py" line="226"/>
        <source>Giới tính</source>
        <translation>Sex</translation>
    </message>
    <message>
        <location filename="../../quarantine_desk/ui/pages/checkin.py" line="145"/>
        <location filename="../../quarantine_desk/ui/pages/checkin.py" line="229"/>
        <source>CCCD/CMND</source>
        <translation>ID number</translation>
    </message>
    <message>
        <location filename="../../quarantine_desk/ui/pages/checkin.py" line="146"/>
        <location filename="../../forms/checkin_page.ui" line="188"/>
        <source>SĐT</source>
        <translation>Phone</translation>
    </message>
    <message>
        <location filename="../../quarantine_desk/ui/pages/checkin.py" line="147"/>
        <source>Đang ở</source>
        <translation>Staying in</translation>
    </message>
    <message>
        <location filename="../../forms/checkin_page.ui" line="98"/>
        <source>Thêm vào danh sách đến</source>
        <translation>Add to arrivals</translation>
    </message>
    <message>
        <location filename="../../quarantine_desk/ui/pages/checkin.py" line="439"/>
        <location filename="../../forms/checkin_page.ui" line="65"/>
        <source>Kết quả tìm kiếm</source>
        <translation>Search results</translation>
    </message>
    <message>
        <location filename="../../forms/checkin_page.ui" line="111"/>
        <source>Người mới</source>
        <translation>New person</translation>
    </message>
    <message>
        <location filename="../../quarantine_desk/ui/pages/checkin.py" line="188"/>
        <source>Nam</source>
        <translation>Male</translation>
    </message>
    <message>
        <location filename="../../quarantine_desk/ui/pages/checkin.py" line="189"/>
        <source>Nữ</source>
        <translation>Female</translation>
    </message>
    <message>
        <location filename="../../forms/checkin_page.ui" line="164"/>
        <source>1985, 15/03/1985</source>
        <translation>1985, 15/03/1985</translation>
    </message>
    <message>
        <location filename="../../forms/checkin_page.ui" line="181"/>
        <source>Số trên giấy tờ</source>
        <translation>Card number</translation>
    </message>
    <message>
        <location filename="../../forms/checkin_page.ui" line="260"/>
        <source>Xã/phường, huyện, tỉnh</source>
        <translation>Commune/ward, district, province</translation>
    </message>
    <message>
        <location filename="../../forms/checkin_page.ui" line="212"/>
        <source>Giống nhau cả nhà</source>
        <translation>Same for the family</translation>
    </message>
    <message>
        <location filename="../../forms/checkin_page.ui" line="243"/>
        <source>dd/mm/yyyy</source>
        <translation>dd/mm/yyyy</translation>
    </message>
    <message>
        <location filename="../../forms/checkin_page.ui" line="123"/>
        <source>Họ và tên*</source>
        <translation>Full name*</translation>
    </message>
    <message>
        <location filename="../../forms/checkin_page.ui" line="154"/>
        <source>Năm/ngày sinh*</source>
        <translation>Year or date of birth*</translation>
    </message>
    <message>
        <location filename="../../forms/checkin_page.ui" line="171"/>
        <source>CCCD/CMND/hộ chiếu</source>
        <translation>ID / passport</translation>
    </message>
    <message>
        <location filename="../../quarantine_desk/ui/pages/checkin.py" line="228"/>
        <location filename="../../forms/checkin_page.ui" line="202"/>
        <source>Hộ gia đình</source>
        <translation>Household</translation>
    </message>
    <message>
        <location filename="../../forms/checkin_page.ui" line="219"/>
        <source>Số mũi tiêm</source>
        <translation>Vaccine doses</translation>
    </message>
    <message>
        <location filename="../../forms/checkin_page.ui" line="233"/>
        <source>Ngày tiêm mũi cuối</source>
        <translation>Date of last dose</translation>
    </message>
    <message>
        <location filename="../../forms/checkin_page.ui" line="250"/>
        <source>Địa chỉ</source>
        <translation>Address</translation>
    </message>
    <message>
        <location filename="../../forms/checkin_page.ui" line="271"/>
        <source>Lưu và thêm vào danh sách đến</source>
        <translation>Save and add to arrivals</translation>
    </message>
    <message>
        <location filename="../../forms/checkin_page.ui" line="303"/>
        <source>Đến cùng nhau (hộ gia đình hoặc cả nhóm)</source>
        <translation>Arriving together (household or group)</translation>
    </message>
    <message>
        <location filename="../../forms/checkin_page.ui" line="341"/>
        <source>Bỏ khỏi danh sách</source>
        <translation>Remove from the list</translation>
    </message>
    <message>
        <location filename="../../quarantine_desk/ui/pages/checkin.py" line="244"/>
        <source>Chọn nhóm hoặc gõ tên nhóm mới</source>
        <translation>Pick a cohort or type a new one</translation>
    </message>
    <message>
        <location filename="../../forms/checkin_page.ui" line="352"/>
        <source>Đề xuất giường</source>
        <translation>Propose beds</translation>
    </message>
    <message>
        <location filename="../../forms/checkin_page.ui" line="372"/>
        <source>Nhận vào (Ctrl+Enter)</source>
        <translation>Admit (Ctrl+Enter)</translation>
    </message>
    <message>
        <location filename="../../quarantine_desk/ui/pages/checkin.py" line="255"/>
        <location filename="../../quarantine_desk/ui/pages/checkin.py" line="274"/>
        <location filename="../../forms/checkin_page.ui" line="397"/>
        <source>Phòng</source>
        <translation>Room</translation>
    </message>
    <message>
        <location filename="../../quarantine_desk/ui/pages/checkin.py" line="256"/>
        <location filename="../../quarantine_desk/ui/pages/checkin.py" line="275"/>
        <location filename="../../forms/checkin_page.ui" line="417"/>
        <source>Giường</source>
        <translation>Bed</translation>
    </message>
    <message>
        <location filename="../../quarantine_desk/ui/pages/checkin.py" line="257"/>
        <source>Lý do</source>
        <translation>Reason</translation>
    </message>
    <message>
        <location filename="../../forms/checkin_page.ui" line="315"/>
        <source>Nhóm cách ly*</source>
        <translation>Cohort*</translation>
    </message>
    <message>
        <location filename="../../forms/checkin_page.ui" line="391"/>
        <source>Chọn phòng khác cho người đang chọn</source>
        <translation>Choose another room for the selected person</translation>
    </message>
    <message>
        <location filename="../../forms/checkin_page.ui" line="437"/>
        <source>Nhận vào phòng này</source>
        <translation>Admit into this room</translation>
    </message>
    <message>
        <location filename="../../forms/checkin_page.ui" line="451"/>
        <source>Vừa tiếp nhận</source>
        <translation>Just admitted</translation>
    </message>
    <message>
        <location filename="../../quarantine_desk/ui/pages/checkin.py" line="276"/>
        <source>Dự kiến ra</source>
        <translation>Planned release</translation>
    </message>
    <message>
        <location filename="../../quarantine_desk/ui/pages/checkin.py" line="278"/>
        <source>Ngày xét nghiệm</source>
        <translation>Test days</translation>
    </message>
    <message>
        <location filename="../../forms/checkin_page.ui" line="476"/>
        <source>In bản cam kết</source>
        <translation>Print the commitment</translation>
    </message>
    <message>
        <location filename="../../quarantine_desk/ui/pages/checkin.py" line="292"/>
        <source>xếp cùng phòng với nhóm</source>
        <translation>with the same cohort</translation>
    </message>
    <message>
        <location filename="../../quarantine_desk/ui/pages/checkin.py" line="293"/>
        <source>mở phòng mới</source>
        <translation>opens a new room</translation>
    </message>
    <message>
        <location filename="../../quarantine_desk/ui/pages/checkin.py" line="294"/>
        <source>giữ hộ gia đình cùng phòng</source>
        <translation>keeps the household together</translation>
    </message>
    <message>
        <location filename="../../quarantine_desk/ui/pages/checkin.py" line="295"/>
        <source>hộ quá đông, chia phòng</source>
        <translation>household too large, split over rooms</translation>
    </message>
    <message>
        <location filename="../../quarantine_desk/ui/pages/checkin.py" line="315"/>
        <source>%1, phòng %2</source>
        <translation>%1, room %2</translation>
    </message>
    <message>
        <location filename="../../quarantine_desk/ui/pages/checkin.py" line="319"/>
        <source>trống</source>
        <translation>free</translation>
    </message>
    <message>
        <location filename="../../quarantine_desk/ui/pages/checkin.py" line="320"/>
        <source>có người</source>
        <translation>occupied</translation>
    </message>
    <message>
        <location filename="../../quarantine_desk/ui/pages/checkin.py" line="321"/>
        <source>phong tỏa</source>
        <translation>closed</translation>
    </message>
    <message>
        <location filename="../../quarantine_desk/ui/pages/checkin.py" line="322"/>
        <source>chờ khử khuẩn</source>
        <translation>awaiting disinfection</translation>
    </message>
    <message>
        <location filename="../../quarantine_desk/ui/pages/checkin.py" line="323"/>
        <source>ngừng sử dụng</source>
        <translation>out of service</translation>
    </message>
    <message>
        <location filename="../../quarantine_desk/ui/pages/checkin.py" line="371"/>
        <source>%1 · %2 · %3 %4/%5</source>
        <translation>%1 · %2 · %3 %4/%5</translation>
    </message>
    <message>
        <location filename="../../quarantine_desk/ui/pages/checkin.py" line="404"/>
        <source>Tự chọn giường</source>
        <translation>Any free bed</translation>
    </message>
    <message>
        <location filename="../../quarantine_desk/ui/pages/checkin.py" line="584"/>
        <source>%1 đã có trong danh sách đến.</source>
        <translation>%1 is already in the arrivals.</translation>
    </message>
    <message>
        <location filename="../../quarantine_desk/ui/pages/checkin.py" line="590"/>
        <source>Đã thêm %1. Danh sách đến có %2 người.</source>
        <translation>%1 added. %2 people in the arrivals.</translation>
    </message>
    <message>
        <location filename="../../quarantine_desk/ui/pages/checkin.py" line="768"/>
        <source>Chưa chọn khu cách ly.</source>
        <translation>No facility chosen.</translation>
    </message>
    <message>
        <location filename="../../quarantine_desk/ui/pages/checkin.py" line="771"/>
        <source>Danh sách đến đang trống: tìm hoặc quét mã người cần tiếp nhận.</source>
        <translation>The arrivals list is empty: search or scan the people to admit.</translation>
    </message>
    <message>
        <location filename="../../quarantine_desk/ui/pages/checkin.py" line="801"/>
        <source>Đề xuất cho %1 người; nhấn Ctrl+Enter để nhận vào.</source>
        <translation>Beds proposed for %1 people; press Ctrl+Enter to admit.</translation>
    </message>
    <message>
        <location filename="../../quarantine_desk/ui/pages/checkin.py" line="896"/>
        <source>Chưa chọn phòng.</source>
        <translation>No room chosen.</translation>
    </message>
    <message>
        <location filename="../../quarantine_desk/ui/pages/checkin.py" line="920"/>
        <source>Đã nhận %1 người (%2). Dự kiến ra: %3; xét nghiệm các ngày %4.</source>
        <translation>%1 people admitted (%2). Planned release: %3; tests on %4.</translation>
    </message>
    <message>
        <location filename="../../quarantine_desk/ui/pages/checkin.py" line="944"/>
        <source>Lưu bản cam kết</source>
        <translation>Save the commitment</translation>
    </message>
    <message>
        <location filename="../../quarantine_desk/ui/pages/checkin.py" line="953"/>
        <source>Đã lưu bản cam kết: %1</source>
        <translation>Commitment saved: %1</translation>
    </message>
    <message>
        <location filename="../../forms/checkin_page.ui" line="91"/>
        <source>Đăng ký người mới</source>
        <translation>Register a new person</translation>
    </message>
    <message>
        <location filename="../../quarantine_desk/ui/pages/checkin.py" line="439"/>
        <location filename="../../quarantine_desk/ui/pages/checkin.py" line="545"/>
        <source>Không tìm thấy “%1”</source>
        <translation>Nobody found for “%1”</translation>
    </message>
    <message>
        <location filename="../../quarantine_desk/ui/pages/checkin.py" line="531"/>
        <source>Không đọc được mã QR của CCCD: %1</source>
        <translation>The ID card&apos;s QR code cannot be read: %1</translation>
    </message>
    <message>
        <location filename="../../quarantine_desk/ui/pages/checkin.py" line="560"/>
        <source>Đã đọc CCCD của %1: thêm số điện thoại nếu có rồi nhấn Enter để đăng ký.</source>
        <translation>ID card of %1 read: add the phone number if there is one, then press Enter to register.</translation>
    </message>
    <message>
        <location filename="../../quarantine_desk/ui/pages/checkin.py" line="457"/>
        <source>Chưa có trong danh sách: nhập thông tin người mới rồi nhấn Enter.</source>
        <translation>Not on the list: enter the new person&apos;s details, then press Enter.</translation>
    </message>
    <message>
        <location filename="../../quarantine_desk/ui/pages/checkin.py" line="187"/>
        <source>— chọn —</source>
        <translation>— choose —</translation>
    </message>
    <message>
        <location filename="../../forms/checkin_page.ui" line="140"/>
        <source>Giới tính*</source>
        <translation>Sex*</translation>
    </message>
    <message>
        <location filename="../../quarantine_desk/ui/pages/checkin.py" line="314"/>
        <source>phòng %1</source>
        <translation>room %1</translation>
    </message>
    <message>
        <location filename="../../quarantine_desk/ui/pages/checkin.py" line="381"/>
        <source>(từ %1)</source>
        <translation>(since %1)</translation>
    </message>
    <message>
        <location filename="../../quarantine_desk/ui/pages/checkin.py" line="383"/>
        <source>không nhận người đến sau</source>
        <translation>takes no later arrivals</translation>
    </message>
    <message>
        <location filename="../../quarantine_desk/ui/pages/checkin.py" line="808"/>
        <source>Sửa thông tin, mũi tiêm…</source>
        <translation>Edit details, vaccine doses…</translation>
    </message>
    <message>
        <location filename="../../quarantine_desk/ui/pages/checkin.py" line="852"/>
        <source>Nhận %1 vào phòng %2 như người tiếp xúc gần với những người đang ở đó?
Tất cả người trong phòng sẽ tính lại thời gian cách ly từ hôm nay.</source>
        <translation>Admit %1 into room %2 as a close contact of the people there?
Everyone in the room restarts their quarantine from today.</translation>
    </message>
    <message>
        <location filename="../../quarantine_desk/ui/pages/checkin.py" line="858"/>
        <source>Nhận là người tiếp xúc</source>
        <translation>Accept as a contact</translation>
    </message>
    <message>
        <location filename="../../quarantine_desk/ui/pages/checkin.py" line="638"/>
        <source>%1 dưới 16 tuổi: sẽ được xếp cùng phòng với %2 (phòng %3), người lớn cùng hộ gia đình.</source>
        <translation>%1 is under 16: will be placed in the room of %2 (room %3), an adult of the same household.</translation>
    </message>
    <message>
        <location filename="../../quarantine_desk/ui/pages/checkin.py" line="646"/>
        <source>%1 dưới 16 tuổi, không được ở một mình (quy tắc R9).</source>
        <translation>%1 is under 16 and may not be placed alone (rule R9).</translation>
    </message>
    <message>
        <location filename="../../quarantine_desk/ui/pages/checkin.py" line="650"/>
        <location filename="../../quarantine_desk/ui/pages/checkin.py" line="662"/>
        <source>Người lớn đi cùng trẻ</source>
        <translation>Adult accompanying the child</translation>
    </message>
    <message>
        <location filename="../../quarantine_desk/ui/pages/checkin.py" line="651"/>
        <source>Chọn người lớn cùng hộ gia đình vào cách ly cùng trẻ:</source>
        <translation>Choose the adult of the household who enters quarantine with the child:</translation>
    </message>
    <message>
        <location filename="../../quarantine_desk/ui/pages/checkin.py" line="666"/>
        <source>Chọn người lớn đi cùng trong danh sách đến; hai người được ghi cùng một hộ gia đình:</source>
        <translation>Choose the accompanying adult from the arrivals; both are recorded as one household:</translation>
    </message>
    <message>
        <location filename="../../quarantine_desk/ui/pages/checkin.py" line="678"/>
        <source>Tìm và thêm người lớn cùng hộ gia đình đi cùng (có thể sửa mã hộ gia đình bằng F2) trước khi nhận.</source>
        <translation>Find and add the accompanying adult of the household (the household code can be corrected with F2) before admitting.</translation>
    </message>
    <message>
        <location filename="../../quarantine_desk/ui/pages/checkin.py" line="696"/>
        <source>%1 và %2 được ghi cùng hộ gia đình %3; trẻ sẽ ở cùng phòng với người lớn.</source>
        <translation>%1 and %2 are recorded as household %3; the child will share the adult&apos;s room.</translation>
    </message>
    <message>
        <location filename="../../quarantine_desk/ui/pages/checkin.py" line="305"/>
        <source>Cần theo dõi đặc biệt: %1</source>
        <translation>Needs special watch: %1</translation>
    </message>
</context>
<context>
    <name>DashboardPage</name>
    <message>
        <location filename="../../quarantine_desk/ui/pages/dashboard.py" line="355"/>
        <source>%1 · đang đọc số liệu…</source>
        <translation>%1 · reading the figures…</translation>
    </message>
    <message>
        <location filename="../../forms/dashboard_page.ui" line="39"/>
        <source>Tổng quan</source>
        <translation>Overview</translation>
    </message>
    <message>
        <location filename="../../quarantine_desk/ui/pages/dashboard.py" line="222"/>
        <location filename="../../forms/dashboard_page.ui" line="81"/>
        <source>Cần xử lý ngay</source>
        <translation>Needs action now</translation>
    </message>
    <message>
        <location filename="../../quarantine_desk/ui/pages/dashboard.py" line="222"/>
        <source>Bấm để mở danh sách</source>
        <translation>Click to open the list</translation>
    </message>
    <message>
        <location filename="../../forms/dashboard_page.ui" line="91"/>
        <source>Không có việc cần xử lý ngay.</source>
        <translation>Nothing needs action right now.</translation>
    </message>
    <message>
        <location filename="../../quarantine_desk/ui/pages/dashboard.py" line="233"/>
        <source>Tổng số giường</source>
        <translation>Total beds</translation>
    </message>
    <message>
        <location filename="../../quarantine_desk/ui/pages/dashboard.py" line="234"/>
        <source>Giường đang có người</source>
        <translation>Occupied beds</translation>
    </message>
    <message>
        <location filename="../../quarantine_desk/ui/pages/dashboard.py" line="235"/>
        <source>Giường còn trống</source>
        <translation>Free beds</translation>
    </message>
    <message>
        <location filename="../../quarantine_desk/ui/pages/dashboard.py" line="236"/>
        <source>Giường tạm đóng</source>
        <translation>Closed beds</translation>
    </message>
    <message>
        <location filename="../../quarantine_desk/ui/pages/dashboard.py" line="237"/>
        <source>Người đang cách ly</source>
        <translation>People in quarantine</translation>
    </message>
    <message>
        <location filename="../../quarantine_desk/ui/pages/dashboard.py" line="238"/>
        <source>Nhập khu hôm nay</source>
        <translation>Admitted today</translation>
    </message>
    <message>
        <location filename="../../quarantine_desk/ui/pages/dashboard.py" line="239"/>
        <source>Rời khu hôm nay</source>
        <translation>Left today</translation>
    </message>
    <message>
        <location filename="../../quarantine_desk/ui/pages/dashboard.py" line="240"/>
        <source>Đến hạn ra hôm nay</source>
        <translation>Due to leave today</translation>
    </message>
    <message>
        <location filename="../../quarantine_desk/ui/pages/dashboard.py" line="241"/>
        <source>Đến hạn ra ngày mai</source>
        <translation>Due to leave tomorrow</translation>
    </message>
    <message>
        <location filename="../../quarantine_desk/ui/pages/dashboard.py" line="242"/>
        <source>Dương tính hôm nay</source>
        <translation>Positive today</translation>
    </message>
    <message>
        <location filename="../../quarantine_desk/ui/pages/dashboard.py" line="243"/>
        <source>Xét nghiệm đến hạn hôm nay</source>
        <translation>Tests due today</translation>
    </message>
    <message>
        <location filename="../../quarantine_desk/ui/pages/dashboard.py" line="244"/>
        <source>Xét nghiệm quá hạn</source>
        <translation>Overdue tests</translation>
    </message>
    <message>
        <location filename="../../quarantine_desk/ui/pages/dashboard.py" line="245"/>
        <source>Phòng chờ khử khuẩn</source>
        <translation>Rooms awaiting disinfection</translation>
    </message>
    <message>
        <location filename="../../quarantine_desk/ui/pages/dashboard.py" line="246"/>
        <source>Vật tư dưới mức tối thiểu</source>
        <translation>Items below minimum stock</translation>
    </message>
    <message>
        <location filename="../../quarantine_desk/ui/pages/dashboard.py" line="247"/>
        <source>Khoảng trống ca trực 24 giờ tới</source>
        <translation>Shift gaps in the next 24 hours</translation>
    </message>
    <message>
        <location filename="../../quarantine_desk/ui/pages/dashboard.py" line="268"/>
        <source>Khu</source>
        <translation>Zone</translation>
    </message>
    <message>
        <location filename="../../quarantine_desk/ui/pages/dashboard.py" line="269"/>
        <source>Giường</source>
        <translation>Beds</translation>
    </message>
    <message>
        <location filename="../../quarantine_desk/ui/pages/dashboard.py" line="270"/>
        <source>Có người</source>
        <translation>Occupied</translation>
    </message>
    <message>
        <location filename="../../quarantine_desk/ui/pages/dashboard.py" line="271"/>
        <source>Còn trống</source>
        <translation>Free</translation>
    </message>
    <message>
        <location filename="../../quarantine_desk/ui/pages/dashboard.py" line="272"/>
        <source>Tạm đóng</source>
        <translation>Closed</translation>
    </message>
    <message>
        <location filename="../../forms/dashboard_page.ui" line="117"/>
        <source>Giường theo khu</source>
        <translation>Beds by zone</translation>
    </message>
    <message>
        <location filename="../../quarantine_desk/ui/pages/dashboard.py" line="348"/>
        <source>Chưa chọn khu cách ly.</source>
        <translation>No facility chosen.</translation>
    </message>
    <message>
        <location filename="../../quarantine_desk/ui/pages/dashboard.py" line="366"/>
        <source>%1 – %2 · ngày %3</source>
        <translation>%1 – %2 · day %3</translation>
    </message>
    <message>
        <location filename="../../quarantine_desk/ui/pages/dashboard.py" line="407"/>
        <source>%1 % số giường</source>
        <translation>%1 % of the beds</translation>
    </message>
    <message>
        <location filename="../../quarantine_desk/ui/pages/dashboard.py" line="411"/>
        <source>%1 phòng phong tỏa</source>
        <translation>%1 rooms closed</translation>
    </message>
    <message>
        <location filename="../../quarantine_desk/ui/pages/dashboard.py" line="415"/>
        <source>%1 chuyển điều trị</source>
        <translation>%1 transferred to treatment</translation>
    </message>
    <message>
        <location filename="../../quarantine_desk/ui/pages/dashboard.py" line="427"/>
        <source>Đã dùng %1 % số giường của khu cách ly: cần chuẩn bị thêm chỗ.</source>
        <translation>%1 % of the facility&apos;s beds are in use: prepare more places.</translation>
    </message>
    <message>
        <location filename="../../quarantine_desk/ui/pages/dashboard.py" line="325"/>
        <source>Đã dùng %1 % số giường</source>
        <translation>%1 % of the beds in use</translation>
    </message>
    <message>
        <location filename="../../quarantine_desk/ui/pages/dashboard.py" line="327"/>
        <source>Dự kiến vượt 90 % ngày %1</source>
        <translation>Expected over 90 % on %1</translation>
    </message>
    <message>
        <location filename="../../quarantine_desk/ui/pages/dashboard.py" line="329"/>
        <source>Chưa vượt 90 % trong %1 ngày tới</source>
        <translation>Not over 90 % in the next %1 days</translation>
    </message>
    <message>
        <location filename="../../quarantine_desk/ui/pages/dashboard.py" line="331"/>
        <source>hết giường ngày %1</source>
        <translation>full on %1</translation>
    </message>
    <message>
        <location filename="../../quarantine_desk/ui/pages/dashboard.py" line="333"/>
        <source>chưa hết giường</source>
        <translation>not full</translation>
    </message>
    <message>
        <location filename="../../quarantine_desk/ui/pages/dashboard.py" line="339"/>
        <source>Giả định: mỗi ngày nhận thêm bình quân %1 người như 7 ngày qua, mọi người ra đúng ngày dự kiến, giường đang đóng vẫn đóng.</source>
        <translation>Assumed: %1 arrivals a day as over the last 7 days, everyone leaves on the planned day, closed beds stay closed.</translation>
    </message>
    <message>
        <location filename="../../quarantine_desk/ui/pages/dashboard.py" line="380"/>
        <source>bình quân %1 người đến/ngày, ra đúng hạn</source>
        <translation>%1 arrivals a day, leaving on time</translation>
    </message>
</context>
<context>
    <name>DataMenu</name>
    <message>
        <location filename="../../quarantine_desk/ui/data_menu.py" line="1"/>
        <source>ổ đĩa đã đầy</source>
        <translation>the disk is full</translation>
    </message>
    <message>
        <location filename="../../quarantine_desk/ui/data_menu.py" line="1"/>
        <source>không có quyền ghi vào thư mục sao lưu</source>
        <translation>no permission to write to the backup folder</translation>
    </message>
    <message>
        <location filename="../../quarantine_desk/ui/data_menu.py" line="1"/>
        <source>ổ đĩa chỉ cho đọc</source>
        <translation>the disk is read-only</translation>
    </message>
    <message>
        <location filename="../../quarantine_desk/ui/data_menu.py" line="1"/>
        <source>không ghi được tệp sao lưu ({0}).</source>
        <translation>the backup file could not be written ({0}).</translation>
    </message>
    <message>
        <location filename="../../quarantine_desk/ui/data_menu.py" line="1"/>
        <source>lỗi ngoài dự kiến; chi tiết trong nhật ký.</source>
        <translation>an unexpected error; the details are in the log.</translation>
    </message>
    <message>
        <location filename="../../quarantine_desk/ui/data_menu.py" line="1"/>
        <source>Sao lưu tự động không thành công: {0}

Dữ liệu vẫn được ghi bình thường, nhưng chưa có bản sao lưu mới. Hãy kiểm tra chỗ trống trên đĩa, hoặc sao lưu ngay bằng Tệp → Sao lưu dữ liệu…</source>
        <translation>The automatic backup failed: {0}

Data is still being saved as usual, but there is no new backup. Check the free space on the disk, or back up now with File → Back up data…</translation>
    </message>
    <message>
        <location filename="../../quarantine_desk/ui/data_menu.py" line="57"/>
        <source>Bản sao lưu (*.sqlite3 *.qdb);;Mọi tệp (*)</source>
        <translation>Backups (*.sqlite3 *.qdb);;All files (*)</translation>
    </message>
    <message>
        <location filename="../../quarantine_desk/ui/data_menu.py" line="45"/>
        <location filename="../../quarantine_desk/ui/data_menu.py" line="133"/>
        <location filename="../../quarantine_desk/ui/data_menu.py" line="145"/>
        <source>Sao lưu dữ liệu</source>
        <translation>Back up data</translation>
    </message>
    <message>
        <location filename="../../quarantine_desk/ui/data_menu.py" line="47"/>
        <source>Bản sao lưu (*.sqlite3)</source>
        <translation>Backup (*.sqlite3)</translation>
    </message>
    <message>
        <location filename="../../quarantine_desk/ui/data_menu.py" line="55"/>
        <location filename="../../quarantine_desk/ui/data_menu.py" line="157"/>
        <location filename="../../quarantine_desk/ui/data_menu.py" line="168"/>
        <location filename="../../quarantine_desk/ui/data_menu.py" line="180"/>
        <source>Khôi phục dữ liệu</source>
        <translation>Restore data</translation>
    </message>
    <message>
        <location filename="../../quarantine_desk/ui/data_menu.py" line="130"/>
        <source>Đã sao lưu %1 dòng dữ liệu vào %2.</source>
        <translation>Backed up %1 rows to %2.</translation>
    </message>
    <message>
        <location filename="../../quarantine_desk/ui/data_menu.py" line="139"/>
        <source>Đang sao lưu dữ liệu…</source>
        <translation>Backing up data…</translation>
    </message>
    <message>
        <location filename="../../quarantine_desk/ui/data_menu.py" line="151"/>
        <source>Khôi phục sẽ THAY TOÀN BỘ dữ liệu hiện có bằng dữ liệu trong bản sao lưu %1. Dữ liệu hiện có được tự động sao lưu trước. Tiếp tục?</source>
        <translation>Restoring REPLACES ALL current data with the data in the backup %1. The current data is backed up automatically first. Continue?</translation>
    </message>
    <message>
        <location filename="../../quarantine_desk/ui/data_menu.py" line="165"/>
        <source>Đã khôi phục %1 dòng dữ liệu. Hãy khởi động lại chương trình và đăng nhập lại.</source>
        <translation>Restored %1 rows. Please restart the program and log in again.</translation>
    </message>
    <message>
        <location filename="../../quarantine_desk/ui/data_menu.py" line="174"/>
        <source>Đang khôi phục dữ liệu…</source>
        <translation>Restoring data…</translation>
    </message>
</context>
<context>
    <name>DatabaseChoiceDialog</name>
    <message>
        <location filename="../../forms/database_choice_dialog.ui" line="12"/>
        <source>Cơ sở dữ liệu</source>
        <translation>Database</translation>
    </message>
    <message>
        <location filename="../../quarantine_desk/ui/data_menu.py" line="272"/>
        <source>Đang dùng: %1</source>
        <translation>In use: %1</translation>
    </message>
    <message>
        <location filename="../../forms/database_choice_dialog.ui" line="25"/>
        <source>Một máy: tệp SQLite trên máy này. Nhiều máy dùng chung: máy chủ PostgreSQL (postgresql://tên:mật-khẩu@máy-chủ:5432/tên-cơ-sở-dữ-liệu). Không đặt tệp SQLite trong thư mục chia sẻ qua mạng: dữ liệu có thể bị hỏng.</source>
        <translation>One PC: a SQLite file on this PC. Several PCs sharing data: a PostgreSQL server (postgresql://name:password@server:5432/database). Never put the SQLite file in a folder shared over the network: the data can be damaged.</translation>
    </message>
    <message>
        <location filename="../../forms/database_choice_dialog.ui" line="40"/>
        <source>Đường dẫn tệp SQLite hoặc địa chỉ PostgreSQL</source>
        <translation>SQLite file path or PostgreSQL address</translation>
    </message>
    <message>
        <location filename="../../forms/database_choice_dialog.ui" line="47"/>
        <source>Chọn tệp…</source>
        <translation>Choose file…</translation>
    </message>
    <message>
        <location filename="../../forms/database_choice_dialog.ui" line="56"/>
        <source>Thay đổi có hiệu lực từ lần khởi động sau.</source>
        <translation>The change applies from the next start.</translation>
    </message>
    <message>
        <location filename="../../quarantine_desk/ui/data_menu.py" line="275"/>
        <source>Lưu</source>
        <translation>Save</translation>
    </message>
    <message>
        <location filename="../../quarantine_desk/ui/data_menu.py" line="280"/>
        <source>Tệp cơ sở dữ liệu</source>
        <translation>Database file</translation>
    </message>
    <message>
        <location filename="../../quarantine_desk/ui/data_menu.py" line="282"/>
        <source>Cơ sở dữ liệu SQLite (*.sqlite3 *.db)</source>
        <translation>SQLite database (*.sqlite3 *.db)</translation>
    </message>
</context>
<context>
    <name>DatabaseDialog</name>
    <message>
        <location filename="../../forms/database_dialog.ui" line="12"/>
        <source>Chọn cơ sở dữ liệu</source>
        <translation>Choose a database</translation>
    </message>
    <message>
        <location filename="../../forms/database_dialog.ui" line="25"/>
        <source>Nhập đường dẫn tệp SQLite hoặc địa chỉ máy chủ PostgreSQL (postgresql://tên@máy-chủ/cơ-sở-dữ-liệu), hoặc thoát.</source>
        <translation>Enter the path of a SQLite file or the address of a PostgreSQL server (postgresql://user@server/database), or quit.</translation>
    </message>
    <message>
        <location filename="../../forms/database_dialog.ui" line="43"/>
        <source>Chọn tệp…</source>
        <translation>Choose a file…</translation>
    </message>
    <message>
        <location filename="../../quarantine_desk/ui/dialogs.py" line="37"/>
        <source>Mở</source>
        <translation>Open</translation>
    </message>
    <message>
        <location filename="../../quarantine_desk/ui/dialogs.py" line="37"/>
        <source>Thoát</source>
        <translation>Quit</translation>
    </message>
    <message>
        <location filename="../../quarantine_desk/ui/dialogs.py" line="42"/>
        <source>Tệp cơ sở dữ liệu</source>
        <translation>Database file</translation>
    </message>
    <message>
        <location filename="../../quarantine_desk/ui/dialogs.py" line="44"/>
        <source>Cơ sở dữ liệu SQLite (*.sqlite3 *.db)</source>
        <translation>SQLite database (*.sqlite3 *.db)</translation>
    </message>
</context>
<context>
    <name>DistributionDialog</name>
    <message>
        <location filename="../../forms/distribution_dialog.ui" line="12"/>
        <source>Phân phối hàng cứu trợ</source>
        <translation>Distribute relief goods</translation>
    </message>
    <message>
        <location filename="../../forms/distribution_dialog.ui" line="70"/>
        <source>ví dụ: hàng cứu trợ của Mặt trận Tổ quốc huyện</source>
        <translation>e.g. relief goods from the district Fatherland Front</translation>
    </message>
    <message>
        <location filename="../../forms/distribution_dialog.ui" line="20"/>
        <source>Hàng:</source>
        <translation>Goods:</translation>
    </message>
    <message>
        <location filename="../../forms/distribution_dialog.ui" line="30"/>
        <source>Còn trong kho:</source>
        <translation>In store:</translation>
    </message>
    <message>
        <location filename="../../forms/distribution_dialog.ui" line="40"/>
        <source>Số lượng đem chia:</source>
        <translation>Quantity to share:</translation>
    </message>
    <message>
        <location filename="../../forms/distribution_dialog.ui" line="57"/>
        <source>Nguồn / ghi chú:</source>
        <translation>Source / note:</translation>
    </message>
    <message>
        <location filename="../../quarantine_desk/ui/pages/supplies.py" line="151"/>
        <source>Phòng</source>
        <translation>Room</translation>
    </message>
    <message>
        <location filename="../../quarantine_desk/ui/pages/supplies.py" line="152"/>
        <source>Số người</source>
        <translation>People</translation>
    </message>
    <message>
        <location filename="../../quarantine_desk/ui/pages/supplies.py" line="153"/>
        <source>Được nhận</source>
        <translation>Share</translation>
    </message>
    <message>
        <location filename="../../quarantine_desk/ui/pages/supplies.py" line="159"/>
        <source>Ghi phân phối</source>
        <translation>Record distribution</translation>
    </message>
    <message>
        <location filename="../../quarantine_desk/ui/pages/supplies.py" line="189"/>
        <source>%1 người ở %2 phòng: mỗi người %3 %4. Phát %5 %4; còn lại %6 %4 trong kho.</source>
        <translation>%1 people in %2 rooms: %3 %4 each. Hand out %5 %4; %6 %4 stay in store.</translation>
    </message>
</context>
<context>
    <name>FacilitiesTab</name>
    <message>
        <location filename="../../forms/facilities_tab.ui" line="46"/>
        <source>Thêm khu cách ly…</source>
        <translation>Add a facility…</translation>
    </message>
    <message>
        <location filename="../../forms/facilities_tab.ui" line="53"/>
        <source>Sửa…</source>
        <translation>Edit…</translation>
    </message>
    <message>
        <location filename="../../quarantine_desk/ui/pages/admin.py" line="327"/>
        <location filename="../../forms/facilities_tab.ui" line="60"/>
        <source>Đóng khu</source>
        <translation>Close facility</translation>
    </message>
    <message>
        <location filename="../../forms/facilities_tab.ui" line="67"/>
        <source>Làm việc với khu này</source>
        <translation>Work in this facility</translation>
    </message>
    <message>
        <location filename="../../forms/facilities_tab.ui" line="28"/>
        <source>Các khu cách ly</source>
        <translation>Facilities</translation>
    </message>
    <message>
        <location filename="../../forms/facilities_tab.ui" line="105"/>
        <source>Thêm phòng hàng loạt…</source>
        <translation>Add rooms in bulk…</translation>
    </message>
    <message>
        <location filename="../../forms/facilities_tab.ui" line="112"/>
        <source>Sửa phòng…</source>
        <translation>Edit room…</translation>
    </message>
    <message>
        <location filename="../../quarantine_desk/ui/pages/admin.py" line="336"/>
        <location filename="../../forms/facilities_tab.ui" line="119"/>
        <source>Ngừng sử dụng phòng</source>
        <translation>Take room out of service</translation>
    </message>
    <message>
        <location filename="../../quarantine_desk/ui/pages/admin.py" line="312"/>
        <source>Khu / tầng và phòng của khu {0}</source>
        <translation>Zones and rooms of {0}</translation>
    </message>
    <message>
        <location filename="../../quarantine_desk/ui/pages/admin.py" line="315"/>
        <source>Khu / tầng và phòng (chưa chọn khu cách ly)</source>
        <translation>Zones and rooms (no facility chosen)</translation>
    </message>
    <message>
        <location filename="../../quarantine_desk/ui/pages/admin.py" line="327"/>
        <source>Mở lại khu</source>
        <translation>Reopen facility</translation>
    </message>
    <message>
        <location filename="../../quarantine_desk/ui/pages/admin.py" line="334"/>
        <source>Đưa phòng vào sử dụng</source>
        <translation>Put room back in service</translation>
    </message>
    <message>
        <location filename="../../quarantine_desk/ui/pages/admin.py" line="358"/>
        <source>Đóng khu cách ly {0}? Khu đã đóng không nhận thêm người.</source>
        <translation>Close facility {0}? A closed facility admits nobody.</translation>
    </message>
    <message>
        <location filename="../../quarantine_desk/ui/pages/admin.py" line="362"/>
        <source>Mở lại khu cách ly {0} để nhận người?</source>
        <translation>Reopen facility {0} for admissions?</translation>
    </message>
    <message>
        <location filename="../../quarantine_desk/ui/pages/admin.py" line="397"/>
        <source>Đưa phòng {0} trở lại sử dụng?</source>
        <translation>Put room {0} back in service?</translation>
    </message>
    <message>
        <location filename="../../quarantine_desk/ui/pages/admin.py" line="399"/>
        <source>Ngừng sử dụng phòng {0} (sửa chữa)? Phòng phải đang trống.</source>
        <translation>Take room {0} out of service (repairs)? The room must be empty.</translation>
    </message>
</context>
<context>
    <name>FacilityDialog</name>
    <message>
        <location filename="../../forms/facility_dialog.ui" line="12"/>
        <source>Thêm khu cách ly</source>
        <translation>Add a facility</translation>
    </message>
    <message>
        <location filename="../../quarantine_desk/ui/pages/admin_dialogs.py" line="112"/>
        <source>Sửa khu cách ly</source>
        <translation>Edit facility</translation>
    </message>
    <message>
        <location filename="../../forms/facility_dialog.ui" line="33"/>
        <source>ví dụ: KTX-DHQG</source>
        <translation>e.g. KTX-DHQG</translation>
    </message>
    <message>
        <location filename="../../forms/facility_dialog.ui" line="105"/>
        <source>không ghi</source>
        <translation>not set</translation>
    </message>
    <message>
        <location filename="../../forms/facility_dialog.ui" line="20"/>
        <source>Mã khu:</source>
        <translation>Code:</translation>
    </message>
    <message>
        <location filename="../../forms/facility_dialog.ui" line="40"/>
        <source>Tên khu cách ly:</source>
        <translation>Facility name:</translation>
    </message>
    <message>
        <location filename="../../forms/facility_dialog.ui" line="53"/>
        <source>Huyện:</source>
        <translation>District:</translation>
    </message>
    <message>
        <location filename="../../forms/facility_dialog.ui" line="66"/>
        <source>Tỉnh:</source>
        <translation>Province:</translation>
    </message>
    <message>
        <location filename="../../forms/facility_dialog.ui" line="79"/>
        <source>Địa chỉ:</source>
        <translation>Address:</translation>
    </message>
    <message>
        <location filename="../../forms/facility_dialog.ui" line="92"/>
        <source>Sức chứa (người):</source>
        <translation>Capacity (people):</translation>
    </message>
</context>
<context>
    <name>Files</name>
    <message>
        <location filename="../../quarantine_desk/ui/files.py" line="20"/>
        <source>Bảng tính Excel (*.xlsx)</source>
        <translation>Excel workbook (*.xlsx)</translation>
    </message>
    <message>
        <location filename="../../quarantine_desk/ui/files.py" line="21"/>
        <source>Tệp PDF (*.pdf)</source>
        <translation>PDF file (*.pdf)</translation>
    </message>
</context>
<context>
    <name>FirstAdminDialog</name>
    <message>
        <location filename="../../forms/first_admin_dialog.ui" line="12"/>
        <source>Tạo quản trị viên đầu tiên</source>
        <translation>Create the first administrator</translation>
    </message>
    <message>
        <location filename="../../quarantine_desk/ui/dialogs.py" line="67"/>
        <source>Cơ sở dữ liệu mới chưa có người dùng. Hãy tạo tài khoản quản trị viên đầu tiên; mật khẩu có ít nhất {0} ký tự.</source>
        <translation>The new database has no users yet. Create the first administrator&apos;s account; the password needs at least {0} characters.</translation>
    </message>
    <message>
        <location filename="../../forms/first_admin_dialog.ui" line="27"/>
        <source>Tên đăng nhập:</source>
        <translation>User name:</translation>
    </message>
    <message>
        <location filename="../../forms/first_admin_dialog.ui" line="40"/>
        <source>Họ và tên:</source>
        <translation>Full name:</translation>
    </message>
    <message>
        <location filename="../../forms/first_admin_dialog.ui" line="53"/>
        <source>Mật khẩu:</source>
        <translation>Password:</translation>
    </message>
    <message>
        <location filename="../../forms/first_admin_dialog.ui" line="70"/>
        <source>Nhập lại mật khẩu:</source>
        <translation>Repeat password:</translation>
    </message>
    <message>
        <location filename="../../quarantine_desk/ui/dialogs.py" line="76"/>
        <source>Tạo tài khoản</source>
        <translation>Create account</translation>
    </message>
    <message>
        <location filename="../../quarantine_desk/ui/dialogs.py" line="82"/>
        <source>Hai lần nhập mật khẩu không khớp.</source>
        <translation>The two passwords differ.</translation>
    </message>
</context>
<context>
    <name>FirstSteps</name>
    <message>
        <location filename="../../quarantine_desk/ui/guide.py" line="87"/>
        <source>1. Tạo khu cách ly</source>
        <translation>1. Create the facility</translation>
    </message>
    <message>
        <location filename="../../quarantine_desk/ui/guide.py" line="88"/>
        <source>2. Thêm phòng</source>
        <translation>2. Add rooms</translation>
    </message>
    <message>
        <location filename="../../quarantine_desk/ui/guide.py" line="89"/>
        <source>3. Đăng ký người cách ly</source>
        <translation>3. Register people</translation>
    </message>
    <message>
        <location filename="../../quarantine_desk/ui/guide.py" line="85"/>
        <source>Bắt đầu với cơ sở dữ liệu mới:</source>
        <translation>Getting started with a new database:</translation>
    </message>
    <message>
        <location filename="../../quarantine_desk/ui/guide.py" line="91"/>
        <source>Hướng dẫn (F1)</source>
        <translation>Guide (F1)</translation>
    </message>
    <message>
        <location filename="../../quarantine_desk/ui/guide.py" line="90"/>
        <source>hoặc nhập danh sách…</source>
        <translation>or import a list…</translation>
    </message>
</context>
<context>
    <name>Forms</name>
    <message>
        <location filename="../../quarantine_desk/ui/forms.py" line="18"/>
        <source>Đồng ý</source>
        <translation>OK</translation>
    </message>
    <message>
        <location filename="../../quarantine_desk/ui/forms.py" line="20"/>
        <source>Hủy</source>
        <translation>Cancel</translation>
    </message>
</context>
<context>
    <name>GuideWindow</name>
    <message>
        <location filename="../../quarantine_desk/ui/guide.py" line="56"/>
        <source>Hướng dẫn sử dụng</source>
        <translation>User guide</translation>
    </message>
</context>
<context>
    <name>Interaction</name>
    <message>
        <location filename="../../quarantine_desk/ui/interaction.py" line="25"/>
        <source>Đã xảy ra lỗi ngoài dự kiến; chi tiết trong nhật ký.</source>
        <translation>Something unexpected went wrong; the log has details.</translation>
    </message>
    <message>
        <location filename="../../quarantine_desk/ui/interaction.py" line="34"/>
        <source>Không thực hiện được</source>
        <translation>Not done</translation>
    </message>
    <message>
        <location filename="../../quarantine_desk/ui/interaction.py" line="39"/>
        <location filename="../../quarantine_desk/ui/interaction.py" line="50"/>
        <source>Đồng ý</source>
        <translation>OK</translation>
    </message>
    <message>
        <location filename="../../quarantine_desk/ui/interaction.py" line="45"/>
        <source>Thông báo</source>
        <translation>Notice</translation>
    </message>
    <message>
        <location filename="../../quarantine_desk/ui/interaction.py" line="56"/>
        <source>Xác nhận</source>
        <translation>Confirm</translation>
    </message>
    <message>
        <location filename="../../quarantine_desk/ui/interaction.py" line="61"/>
        <source>Có</source>
        <translation>Yes</translation>
    </message>
    <message>
        <location filename="../../quarantine_desk/ui/interaction.py" line="62"/>
        <source>Không</source>
        <translation>No</translation>
    </message>
</context>
<context>
    <name>ItemDialog</name>
    <message>
        <location filename="../../forms/item_dialog.ui" line="12"/>
        <source>Thêm vật tư</source>
        <translation>Add item</translation>
    </message>
    <message>
        <location filename="../../forms/item_dialog.ui" line="33"/>
        <source>ví dụ: KHAU-TRANG</source>
        <translation>e.g. MASKS</translation>
    </message>
    <message>
        <location filename="../../forms/item_dialog.ui" line="50"/>
        <source>ví dụ: Khẩu trang y tế (hộp 50 cái)</source>
        <translation>e.g. Medical masks (box of 50)</translation>
    </message>
    <message>
        <location filename="../../forms/item_dialog.ui" line="67"/>
        <source>ví dụ: hộp, bộ, lít, kg, thùng</source>
        <translation>e.g. box, set, litre, kg, carton</translation>
    </message>
    <message>
        <location filename="../../forms/item_dialog.ui" line="20"/>
        <source>Mã vật tư:</source>
        <translation>Item code:</translation>
    </message>
    <message>
        <location filename="../../forms/item_dialog.ui" line="40"/>
        <source>Tên vật tư:</source>
        <translation>Item name:</translation>
    </message>
    <message>
        <location filename="../../forms/item_dialog.ui" line="57"/>
        <source>Đơn vị tính:</source>
        <translation>Unit:</translation>
    </message>
    <message>
        <location filename="../../forms/item_dialog.ui" line="74"/>
        <source>Tồn kho tối thiểu:</source>
        <translation>Minimum stock:</translation>
    </message>
</context>
<context>
    <name>Labels</name>
    <message>
        <location filename="../../quarantine_desk/ui/labels.py" line="104"/>
        <source>Xuất danh sách</source>
        <translation>Roster exported</translation>
    </message>
    <message>
        <location filename="../../quarantine_desk/ui/labels.py" line="105"/>
        <source>Xuất danh sách bàn giao</source>
        <translation>Handover list exported</translation>
    </message>
    <message>
        <location filename="../../quarantine_desk/ui/labels.py" line="106"/>
        <source>Xuất danh sách chưa đến</source>
        <translation>Not-arrived list exported</translation>
    </message>
    <message>
        <location filename="../../quarantine_desk/ui/labels.py" line="107"/>
        <source>Lập báo cáo ngày</source>
        <translation>Daily report made</translation>
    </message>
    <message>
        <location filename="../../quarantine_desk/ui/labels.py" line="108"/>
        <source>In giấy xác nhận hoàn thành cách ly</source>
        <translation>Release certificate printed</translation>
    </message>
    <message>
        <location filename="../../quarantine_desk/ui/labels.py" line="109"/>
        <source>In giấy ra khu cách ly</source>
        <translation>Release paper printed</translation>
    </message>
    <message>
        <location filename="../../quarantine_desk/ui/labels.py" line="110"/>
        <source>In giấy xác nhận theo ngày</source>
        <translation>Day&apos;s certificates printed</translation>
    </message>
    <message>
        <location filename="../../quarantine_desk/ui/labels.py" line="111"/>
        <source>In bản cam kết</source>
        <translation>Commitment printed</translation>
    </message>
    <message>
        <location filename="../../quarantine_desk/ui/labels.py" line="112"/>
        <source>Xuất khóa công khai</source>
        <translation>Public key exported</translation>
    </message>
    <message>
        <location filename="../../quarantine_desk/ui/labels.py" line="98"/>
        <source>Đổi vai trò / khu cách ly</source>
        <translation>Role / facilities changed</translation>
    </message>
    <message>
        <location filename="../../quarantine_desk/ui/labels.py" line="99"/>
        <source>Mở khóa đăng nhập</source>
        <translation>Login unlocked</translation>
    </message>
    <message>
        <location filename="../../quarantine_desk/ui/labels.py" line="101"/>
        <source>Đăng nhập sai</source>
        <translation>Failed login</translation>
    </message>
    <message>
        <location filename="../../quarantine_desk/ui/labels.py" line="102"/>
        <source>Bắt chờ sau nhiều lần đăng nhập sai</source>
        <translation>Made to wait after failed logins</translation>
    </message>
    <message>
        <location filename="../../quarantine_desk/ui/labels.py" line="103"/>
        <source>Từ chối đăng nhập</source>
        <translation>Login refused</translation>
    </message>
    <message>
        <location filename="../../quarantine_desk/ui/labels.py" line="100"/>
        <source>Đăng nhập</source>
        <translation>Login</translation>
    </message>
    <message>
        <location filename="../../quarantine_desk/ui/labels.py" line="84"/>
        <source>Ghi nhận bản cam kết đã ký</source>
        <translation>Signed commitment recorded</translation>
    </message>
    <message>
        <location filename="../../quarantine_desk/ui/labels.py" line="17"/>
        <source>Quản trị viên</source>
        <translation>Administrator</translation>
    </message>
    <message>
        <location filename="../../quarantine_desk/ui/labels.py" line="18"/>
        <source>Trưởng ban quản lý</source>
        <translation>Facility manager</translation>
    </message>
    <message>
        <location filename="../../quarantine_desk/ui/labels.py" line="19"/>
        <source>Nhân viên y tế</source>
        <translation>Medical staff</translation>
    </message>
    <message>
        <location filename="../../quarantine_desk/ui/labels.py" line="20"/>
        <source>Hậu cần</source>
        <translation>Logistics</translation>
    </message>
    <message>
        <location filename="../../quarantine_desk/ui/labels.py" line="21"/>
        <source>Cán bộ huyện (chỉ xem)</source>
        <translation>District official (read only)</translation>
    </message>
    <message>
        <location filename="../../quarantine_desk/ui/labels.py" line="28"/>
        <source>Sẵn sàng</source>
        <translation>Ready</translation>
    </message>
    <message>
        <location filename="../../quarantine_desk/ui/labels.py" line="29"/>
        <source>Đang có người</source>
        <translation>Occupied</translation>
    </message>
    <message>
        <location filename="../../quarantine_desk/ui/labels.py" line="30"/>
        <source>Phong tỏa</source>
        <translation>Closed (positive case)</translation>
    </message>
    <message>
        <location filename="../../quarantine_desk/ui/labels.py" line="31"/>
        <source>Chờ khử khuẩn</source>
        <translation>Awaiting disinfection</translation>
    </message>
    <message>
        <location filename="../../quarantine_desk/ui/labels.py" line="32"/>
        <source>Ngừng sử dụng</source>
        <translation>Out of service</translation>
    </message>
    <message>
        <location filename="../../quarantine_desk/ui/labels.py" line="39"/>
        <source>Nam</source>
        <translation>Male</translation>
    </message>
    <message>
        <location filename="../../quarantine_desk/ui/labels.py" line="40"/>
        <source>Nữ</source>
        <translation>Female</translation>
    </message>
    <message>
        <location filename="../../quarantine_desk/ui/labels.py" line="41"/>
        <source>Chung</source>
        <translation>Mixed</translation>
    </message>
    <message>
        <location filename="../../quarantine_desk/ui/labels.py" line="48"/>
        <source>Thông thường</source>
        <translation>Standard</translation>
    </message>
    <message>
        <location filename="../../quarantine_desk/ui/labels.py" line="49"/>
        <source>Đã tiêm đủ hoặc đã khỏi bệnh</source>
        <translation>Fully vaccinated or recovered</translation>
    </message>
    <message>
        <location filename="../../quarantine_desk/ui/labels.py" line="60"/>
        <source>Đưa giường vào sử dụng</source>
        <translation>Bed back in service</translation>
    </message>
    <message>
        <location filename="../../quarantine_desk/ui/labels.py" line="61"/>
        <source>Ngừng sử dụng giường</source>
        <translation>Bed out of service</translation>
    </message>
    <message>
        <location filename="../../quarantine_desk/ui/labels.py" line="62"/>
        <source>Thêm nhóm cách ly</source>
        <translation>Cohort added</translation>
    </message>
    <message>
        <location filename="../../quarantine_desk/ui/labels.py" line="63"/>
        <source>Mở khu cách ly</source>
        <translation>Facility reopened</translation>
    </message>
    <message>
        <location filename="../../quarantine_desk/ui/labels.py" line="64"/>
        <source>Thêm khu cách ly</source>
        <translation>Facility added</translation>
    </message>
    <message>
        <location filename="../../quarantine_desk/ui/labels.py" line="65"/>
        <source>Đóng khu cách ly</source>
        <translation>Facility closed</translation>
    </message>
    <message>
        <location filename="../../quarantine_desk/ui/labels.py" line="66"/>
        <source>Sửa khu cách ly</source>
        <translation>Facility edited</translation>
    </message>
    <message>
        <location filename="../../quarantine_desk/ui/labels.py" line="67"/>
        <source>Kiểm tra sức khỏe</source>
        <translation>Health check</translation>
    </message>
    <message>
        <location filename="../../quarantine_desk/ui/labels.py" line="68"/>
        <source>Ghi suất ăn đã phát</source>
        <translation>Record meals served</translation>
    </message>
    <message>
        <location filename="../../quarantine_desk/ui/labels.py" line="69"/>
        <source>Đặt giờ bữa ăn</source>
        <translation>Set meal times</translation>
    </message>
    <message>
        <location filename="../../quarantine_desk/ui/labels.py" line="70"/>
        <source>Báo đoàn người sắp đến</source>
        <translation>Announce an arriving group</translation>
    </message>
    <message>
        <location filename="../../quarantine_desk/ui/labels.py" line="71"/>
        <source>Đặt định mức</source>
        <translation>Set a rate</translation>
    </message>
    <message>
        <location filename="../../quarantine_desk/ui/labels.py" line="72"/>
        <source>Tạo đợt cứu trợ</source>
        <translation>New relief round</translation>
    </message>
    <message>
        <location filename="../../quarantine_desk/ui/labels.py" line="73"/>
        <source>Phát hàng cứu trợ</source>
        <translation>Hand out relief goods</translation>
    </message>
    <message>
        <location filename="../../quarantine_desk/ui/labels.py" line="74"/>
        <source>Thêm người</source>
        <translation>Person added</translation>
    </message>
    <message>
        <location filename="../../quarantine_desk/ui/labels.py" line="75"/>
        <source>Sửa thông tin người</source>
        <translation>Person edited</translation>
    </message>
    <message>
        <location filename="../../quarantine_desk/ui/labels.py" line="76"/>
        <source>Lưu quy định cách ly</source>
        <translation>Policy saved</translation>
    </message>
    <message>
        <location filename="../../quarantine_desk/ui/labels.py" line="77"/>
        <source>Thêm phòng</source>
        <translation>Rooms added</translation>
    </message>
    <message>
        <location filename="../../quarantine_desk/ui/labels.py" line="78"/>
        <source>Phong tỏa phòng</source>
        <translation>Room closed</translation>
    </message>
    <message>
        <location filename="../../quarantine_desk/ui/labels.py" line="79"/>
        <source>Khử khuẩn phòng</source>
        <translation>Room disinfected</translation>
    </message>
    <message>
        <location filename="../../quarantine_desk/ui/labels.py" line="80"/>
        <source>Đưa phòng vào sử dụng</source>
        <translation>Room back in service</translation>
    </message>
    <message>
        <location filename="../../quarantine_desk/ui/labels.py" line="81"/>
        <source>Ngừng sử dụng phòng</source>
        <translation>Room out of service</translation>
    </message>
    <message>
        <location filename="../../quarantine_desk/ui/labels.py" line="82"/>
        <source>Sửa phòng</source>
        <translation>Room edited</translation>
    </message>
    <message>
        <location filename="../../quarantine_desk/ui/labels.py" line="83"/>
        <source>Tiếp nhận</source>
        <translation>Admission</translation>
    </message>
    <message>
        <location filename="../../quarantine_desk/ui/labels.py" line="85"/>
        <source>Hoàn thành cách ly</source>
        <translation>Released</translation>
    </message>
    <message>
        <location filename="../../quarantine_desk/ui/labels.py" line="86"/>
        <source>Tính lại thời gian cách ly</source>
        <translation>Quarantine restarted</translation>
    </message>
    <message>
        <location filename="../../quarantine_desk/ui/labels.py" line="87"/>
        <source>Chuyển điều trị</source>
        <translation>Transfer to treatment</translation>
    </message>
    <message>
        <location filename="../../quarantine_desk/ui/labels.py" line="88"/>
        <source>Thêm vật tư</source>
        <translation>Add supply item</translation>
    </message>
    <message>
        <location filename="../../quarantine_desk/ui/labels.py" line="89"/>
        <source>Phân phối hàng cứu trợ</source>
        <translation>Distribute relief goods</translation>
    </message>
    <message>
        <location filename="../../quarantine_desk/ui/labels.py" line="90"/>
        <source>Xuất kho</source>
        <translation>Issue from store</translation>
    </message>
    <message>
        <location filename="../../quarantine_desk/ui/labels.py" line="91"/>
        <source>Nhập kho</source>
        <translation>Receive into store</translation>
    </message>
    <message>
        <location filename="../../quarantine_desk/ui/labels.py" line="92"/>
        <source>Ghi kết quả xét nghiệm</source>
        <translation>Test result recorded</translation>
    </message>
    <message>
        <location filename="../../quarantine_desk/ui/labels.py" line="93"/>
        <source>Mở tài khoản</source>
        <translation>Account reactivated</translation>
    </message>
    <message>
        <location filename="../../quarantine_desk/ui/labels.py" line="94"/>
        <source>Tạo tài khoản</source>
        <translation>Account created</translation>
    </message>
    <message>
        <location filename="../../quarantine_desk/ui/labels.py" line="95"/>
        <source>Khóa tài khoản</source>
        <translation>Account deactivated</translation>
    </message>
    <message>
        <location filename="../../quarantine_desk/ui/labels.py" line="96"/>
        <source>Tài khoản bị khóa tạm</source>
        <translation>Account locked</translation>
    </message>
    <message>
        <location filename="../../quarantine_desk/ui/labels.py" line="97"/>
        <source>Đặt lại mật khẩu</source>
        <translation>Password reset</translation>
    </message>
    <message>
        <location filename="../../quarantine_desk/ui/labels.py" line="119"/>
        <source>Có</source>
        <translation>Yes</translation>
    </message>
    <message>
        <location filename="../../quarantine_desk/ui/labels.py" line="119"/>
        <source>Không</source>
        <translation>No</translation>
    </message>
    <message>
        <location filename="../../quarantine_desk/ui/labels.py" line="125"/>
        <source>F1</source>
        <translation>F1</translation>
    </message>
    <message>
        <location filename="../../quarantine_desk/ui/labels.py" line="126"/>
        <source>F2</source>
        <translation>F2</translation>
    </message>
    <message>
        <location filename="../../quarantine_desk/ui/labels.py" line="127"/>
        <source>Về từ vùng dịch</source>
        <translation>Returnee</translation>
    </message>
    <message>
        <location filename="../../quarantine_desk/ui/labels.py" line="128"/>
        <source>Khác</source>
        <translation>Other</translation>
    </message>
    <message>
        <location filename="../../quarantine_desk/ui/labels.py" line="142"/>
        <source>Có thai</source>
        <translation>Pregnant</translation>
    </message>
    <message>
        <location filename="../../quarantine_desk/ui/labels.py" line="145"/>
        <source>Cần theo dõi đặc biệt</source>
        <translation>Needs special watch</translation>
    </message>
</context>
<context>
    <name>LoginDialog</name>
    <message>
        <location filename="../../quarantine_desk/ui/dialogs.py" line="124"/>
        <location filename="../../forms/login_dialog.ui" line="12"/>
        <source>Đăng nhập</source>
        <translation>Log in</translation>
    </message>
    <message>
        <location filename="../../quarantine_desk/ui/dialogs.py" line="120"/>
        <source>Cơ sở dữ liệu: {0}</source>
        <translation>Database: {0}</translation>
    </message>
    <message>
        <location filename="../../forms/login_dialog.ui" line="27"/>
        <source>Tên đăng nhập:</source>
        <translation>User name:</translation>
    </message>
    <message>
        <location filename="../../forms/login_dialog.ui" line="40"/>
        <source>Mật khẩu:</source>
        <translation>Password:</translation>
    </message>
</context>
<context>
    <name>MainWindow</name>
    <message>
        <location filename="../../quarantine_desk/ui/main_window.py" line="645"/>
        <source>Tệp dữ liệu {0} bị hỏng: kiểm tra toàn vẹn, chạy ngay sau khi mở chương trình, không đạt.

Cửa sổ sẽ đóng lại để không ai ghi thêm vào tệp bị hỏng. Sau đó chương trình đề nghị chọn một bản sao lưu để khôi phục; tệp bị hỏng được giữ lại bên cạnh, không bị xóa.</source>
        <translation>The data file {0} is damaged: its integrity check, run just after the program opened, failed.

The window will close so that nobody writes more into the damaged file. The program will then offer to restore a backup; the damaged file is kept beside it, not deleted.</translation>
    </message>
    <message>
        <location filename="../../quarantine_desk/ui/main_window.py" line="651"/>
        <source>Tệp dữ liệu bị hỏng</source>
        <translation>Damaged data file</translation>
    </message>
    <message>
        <location filename="../../quarantine_desk/ui/main_window.py" line="1"/>
        <source>Sao lưu tự động lỗi lúc {0}</source>
        <translation>Automatic backup failed at {0}</translation>
    </message>
    <message>
        <location filename="../../quarantine_desk/ui/main_window.py" line="1"/>
        <source>Sao lưu tự động không thành công</source>
        <translation>Automatic backup failed</translation>
    </message>
    <message>
        <location filename="../../quarantine_desk/ui/main_window.py" line="428"/>
        <source>Bản sao lưu tự động…</source>
        <translation>Automatic backups…</translation>
    </message>
    <message>
        <location filename="../../quarantine_desk/ui/main_window.py" line="462"/>
        <source>Kiểm tra giấy xác nhận…</source>
        <translation>Check a release certificate…</translation>
    </message>
    <message>
        <location filename="../../quarantine_desk/ui/main_window.py" line="95"/>
        <source>Quản lý khu cách ly tập trung</source>
        <translation>Quarantine facility management</translation>
    </message>
    <message>
        <location filename="../../quarantine_desk/ui/main_window.py" line="154"/>
        <source>Tổng quan</source>
        <translation>Overview</translation>
    </message>
    <message>
        <location filename="../../quarantine_desk/ui/main_window.py" line="155"/>
        <source>Người cách ly</source>
        <translation>People</translation>
    </message>
    <message>
        <location filename="../../quarantine_desk/ui/main_window.py" line="156"/>
        <source>Phòng &amp; giường</source>
        <translation>Rooms &amp; beds</translation>
    </message>
    <message>
        <location filename="../../quarantine_desk/ui/main_window.py" line="157"/>
        <source>Xét nghiệm</source>
        <translation>Tests</translation>
    </message>
    <message>
        <location filename="../../quarantine_desk/ui/main_window.py" line="158"/>
        <source>Suất ăn</source>
        <translation>Meals</translation>
    </message>
    <message>
        <location filename="../../quarantine_desk/ui/main_window.py" line="159"/>
        <source>Vật tư</source>
        <translation>Supplies</translation>
    </message>
    <message>
        <location filename="../../quarantine_desk/ui/main_window.py" line="160"/>
        <source>Cứu trợ</source>
        <translation>Relief</translation>
    </message>
    <message>
        <location filename="../../quarantine_desk/ui/main_window.py" line="161"/>
        <source>Ca trực</source>
        <translation>Shifts</translation>
    </message>
    <message>
        <location filename="../../quarantine_desk/ui/main_window.py" line="162"/>
        <source>Báo cáo</source>
        <translation>Reports</translation>
    </message>
    <message>
        <location filename="../../quarantine_desk/ui/main_window.py" line="163"/>
        <source>Quản trị</source>
        <translation>Administration</translation>
    </message>
    <message>
        <location filename="../../quarantine_desk/ui/main_window.py" line="256"/>
        <source>Xem</source>
        <translation>Show</translation>
    </message>
    <message>
        <location filename="../../quarantine_desk/ui/main_window.py" line="259"/>
        <source>Lập báo cáo</source>
        <translation>Make the report</translation>
    </message>
    <message>
        <location filename="../../quarantine_desk/ui/main_window.py" line="304"/>
        <source>(và %1 việc khác trong Tổng quan)</source>
        <translation>(and %1 more in the Overview)</translation>
    </message>
    <message>
        <location filename="../../quarantine_desk/ui/main_window.py" line="345"/>
        <source>Khu cách ly</source>
        <translation>Facility</translation>
    </message>
    <message>
        <location filename="../../quarantine_desk/ui/main_window.py" line="348"/>
        <source>Khu cách ly:</source>
        <translation>Facility:</translation>
    </message>
    <message>
        <location filename="../../quarantine_desk/ui/main_window.py" line="356"/>
        <source>Khu cách ly đang làm việc</source>
        <translation>The facility you are working in</translation>
    </message>
    <message>
        <location filename="../../quarantine_desk/ui/main_window.py" line="385"/>
        <source>(đã đóng)</source>
        <translation>(closed)</translation>
    </message>
    <message>
        <location filename="../../quarantine_desk/ui/main_window.py" line="388"/>
        <source>(chưa có khu cách ly nào)</source>
        <translation>(no facility yet)</translation>
    </message>
    <message>
        <location filename="../../quarantine_desk/ui/main_window.py" line="413"/>
        <source>&amp;Tệp</source>
        <translation>&amp;File</translation>
    </message>
    <message>
        <location filename="../../quarantine_desk/ui/main_window.py" line="415"/>
        <location filename="../../quarantine_desk/ui/main_window.py" line="565"/>
        <location filename="../../quarantine_desk/ui/main_window.py" line="577"/>
        <source>Tạo dữ liệu mẫu</source>
        <translation>Create demo data</translation>
    </message>
    <message>
        <location filename="../../quarantine_desk/ui/main_window.py" line="422"/>
        <source>Sao lưu dữ liệu…</source>
        <translation>Back up data…</translation>
    </message>
    <message>
        <location filename="../../quarantine_desk/ui/main_window.py" line="425"/>
        <source>Khôi phục từ bản sao lưu…</source>
        <translation>Restore from a backup…</translation>
    </message>
    <message>
        <location filename="../../quarantine_desk/ui/main_window.py" line="434"/>
        <source>Cơ sở dữ liệu…</source>
        <translation>Database…</translation>
    </message>
    <message>
        <location filename="../../quarantine_desk/ui/main_window.py" line="439"/>
        <source>Thoát</source>
        <translation>Quit</translation>
    </message>
    <message>
        <location filename="../../quarantine_desk/ui/main_window.py" line="444"/>
        <source>&amp;Ngôn ngữ</source>
        <translation>&amp;Language</translation>
    </message>
    <message>
        <location filename="../../quarantine_desk/ui/main_window.py" line="456"/>
        <source>Trợ &amp;giúp</source>
        <translation>&amp;Help</translation>
    </message>
    <message>
        <location filename="../../quarantine_desk/ui/main_window.py" line="466"/>
        <location filename="../../quarantine_desk/ui/main_window.py" line="555"/>
        <source>Giới thiệu</source>
        <translation>About</translation>
    </message>
    <message>
        <location filename="../../quarantine_desk/ui/main_window.py" line="476"/>
        <source>Ngôn ngữ mới sẽ được áp dụng khi khởi động lại chương trình.</source>
        <translation>The new language applies when the program is restarted.</translation>
    </message>
    <message>
        <location filename="../../quarantine_desk/ui/main_window.py" line="477"/>
        <source>Ngôn ngữ</source>
        <translation>Language</translation>
    </message>
    <message>
        <location filename="../../quarantine_desk/ui/main_window.py" line="505"/>
        <source>Cơ sở dữ liệu mới sẽ được dùng khi khởi động lại chương trình.</source>
        <translation>The new database will be used when the program is restarted.</translation>
    </message>
    <message>
        <location filename="../../quarantine_desk/ui/main_window.py" line="506"/>
        <source>Cơ sở dữ liệu</source>
        <translation>Database</translation>
    </message>
    <message>
        <location filename="../../quarantine_desk/ui/main_window.py" line="552"/>
        <source>Quản lý khu cách ly tập trung, phiên bản {0}.

Phòng, giường, người cách ly, xét nghiệm, suất ăn, vật tư, ca trực và báo cáo hằng ngày.</source>
        <translation>Quarantine facility management, version {0}.

Rooms, beds, people in quarantine, tests, meals, supplies, shifts and the daily report.</translation>
    </message>
    <message>
        <location filename="../../quarantine_desk/ui/main_window.py" line="562"/>
        <source>Tạo một khu cách ly mẫu với phòng, người cách ly, xét nghiệm, vật tư và ca trực để tập sử dụng? Không nên làm việc này trên cơ sở dữ liệu thật.</source>
        <translation>Create a demo facility with rooms, people, tests, supplies and shifts to practise with? Do not do this on a real database.</translation>
    </message>
    <message>
        <location filename="../../quarantine_desk/ui/main_window.py" line="577"/>
        <source>Đã tạo dữ liệu mẫu.</source>
        <translation>Demo data created.</translation>
    </message>
    <message>
        <location filename="../../quarantine_desk/ui/main_window.py" line="582"/>
        <source>Đang tạo dữ liệu mẫu…</source>
        <translation>Creating demo data…</translation>
    </message>
    <message>
        <location filename="../../quarantine_desk/ui/main_window.py" line="594"/>
        <source>Cơ sở dữ liệu: {0} ({1})</source>
        <translation>Database: {0} ({1})</translation>
    </message>
    <message>
        <location filename="../../quarantine_desk/ui/main_window.py" line="601"/>
        <source>Người dùng: {0} – {1}</source>
        <translation>User: {0} – {1}</translation>
    </message>
    <message>
        <location filename="../../quarantine_desk/ui/main_window.py" line="613"/>
        <source>chưa chọn</source>
        <translation>none chosen</translation>
    </message>
    <message>
        <location filename="../../quarantine_desk/ui/main_window.py" line="614"/>
        <source>Khu cách ly: {0}</source>
        <translation>Facility: {0}</translation>
    </message>
    <message>
        <location filename="../../quarantine_desk/ui/main_window.py" line="457"/>
        <source>Hướng dẫn sử dụng</source>
        <translation>User guide</translation>
    </message>
</context>
<context>
    <name>MealsPage</name>
    <message>
        <location filename="../../forms/meals_page.ui" line="9"/>
        <source>Suất ăn</source>
        <translation>Meals</translation>
    </message>
    <message>
        <location filename="../../forms/meals_page.ui" line="45"/>
        <source>◀ Hôm trước</source>
        <translation>◀ Previous day</translation>
    </message>
    <message>
        <location filename="../../forms/meals_page.ui" line="52"/>
        <source>Hôm sau ▶</source>
        <translation>Next day ▶</translation>
    </message>
    <message>
        <location filename="../../forms/meals_page.ui" line="59"/>
        <source>Hôm nay</source>
        <translation>Today</translation>
    </message>
    <message>
        <location filename="../../forms/meals_page.ui" line="98"/>
        <source>theo ca trực</source>
        <translation>from shifts</translation>
    </message>
    <message>
        <location filename="../../forms/meals_page.ui" line="101"/>
        <source>Số lực lượng phục vụ ăn mỗi bữa; để “theo ca trực” để lấy từ lịch ca trực.</source>
        <translation>Staff eating each meal; leave “from shifts” to take them from the duty shifts.</translation>
    </message>
    <message>
        <location filename="../../forms/meals_page.ui" line="25"/>
        <source>Ngày:</source>
        <translation>Date:</translation>
    </message>
    <message>
        <location filename="../../forms/meals_page.ui" line="82"/>
        <source>Lực lượng phục vụ:</source>
        <translation>Staff:</translation>
    </message>
    <message>
        <location filename="../../quarantine_desk/ui/pages/meals.py" line="96"/>
        <location filename="../../forms/meals_page.ui" line="182"/>
        <source>Bữa</source>
        <translation>Meal</translation>
    </message>
    <message>
        <location filename="../../quarantine_desk/ui/pages/meals.py" line="97"/>
        <source>Giờ</source>
        <translation>Time</translation>
    </message>
    <message>
        <location filename="../../quarantine_desk/ui/pages/meals.py" line="99"/>
        <location filename="../../quarantine_desk/ui/pages/meals.py" line="131"/>
        <source>Người cách ly</source>
        <translation>Quarantined</translation>
    </message>
    <message>
        <location filename="../../quarantine_desk/ui/pages/meals.py" line="100"/>
        <source>Phục vụ</source>
        <translation>Staff</translation>
    </message>
    <message>
        <location filename="../../quarantine_desk/ui/pages/meals.py" line="101"/>
        <source>Tổng suất</source>
        <translation>Portions</translation>
    </message>
    <message>
        <location filename="../../quarantine_desk/ui/pages/meals.py" line="102"/>
        <source>Thành tiền</source>
        <translation>Cost</translation>
    </message>
    <message>
        <location filename="../../quarantine_desk/ui/pages/meals.py" line="104"/>
        <source>Đã phát: cách ly</source>
        <translation>Served: quarantined</translation>
    </message>
    <message>
        <location filename="../../quarantine_desk/ui/pages/meals.py" line="117"/>
        <source>Khu / tầng</source>
        <translation>Zone / floor</translation>
    </message>
    <message>
        <location filename="../../quarantine_desk/ui/pages/meals.py" line="132"/>
        <source>Lực lượng phục vụ</source>
        <translation>Staff</translation>
    </message>
    <message>
        <location filename="../../quarantine_desk/ui/pages/meals.py" line="108"/>
        <source>Đã phát: phục vụ</source>
        <translation>Served: staff</translation>
    </message>
    <message>
        <location filename="../../forms/meals_page.ui" line="220"/>
        <source> suất</source>
        <translation> portions</translation>
    </message>
    <message>
        <location filename="../../forms/meals_page.ui" line="240"/>
        <source>Ghi số suất đã phát</source>
        <translation>Record portions served</translation>
    </message>
    <message>
        <location filename="../../forms/meals_page.ui" line="176"/>
        <source>Ghi nhận suất ăn đã phát</source>
        <translation>Portions served</translation>
    </message>
    <message>
        <location filename="../../forms/meals_page.ui" line="121"/>
        <source>Lưu phiếu báo suất ăn…</source>
        <translation>Save kitchen order sheet…</translation>
    </message>
    <message>
        <location filename="../../forms/meals_page.ui" line="124"/>
        <source>Phiếu báo suất ăn của ngày đang chọn cho bếp (Excel hoặc PDF), có quốc hiệu; sau giờ chốt, phần thay đổi được ghi riêng.</source>
        <translation>The kitchen&apos;s order sheet for the chosen day (Excel or PDF) with the national header; after the cut-off, the changes are listed apart.</translation>
    </message>
    <message>
        <location filename="../../forms/meals_page.ui" line="153"/>
        <source>Người cách ly theo khu / tầng (chia suất tại cửa khu):</source>
        <translation>People in quarantine by zone (portions handed out at each zone):</translation>
    </message>
    <message>
        <location filename="../../forms/meals_page.ui" line="196"/>
        <source>Đối tượng</source>
        <translation>Diners</translation>
    </message>
    <message>
        <location filename="../../forms/meals_page.ui" line="210"/>
        <source>Số suất</source>
        <translation>Portions</translation>
    </message>
    <message>
        <location filename="../../quarantine_desk/ui/pages/meals.py" line="152"/>
        <source>Bữa sáng</source>
        <translation>Breakfast</translation>
    </message>
    <message>
        <location filename="../../quarantine_desk/ui/pages/meals.py" line="153"/>
        <source>Bữa trưa</source>
        <translation>Lunch</translation>
    </message>
    <message>
        <location filename="../../quarantine_desk/ui/pages/meals.py" line="154"/>
        <source>Bữa tối</source>
        <translation>Dinner</translation>
    </message>
    <message>
        <location filename="../../quarantine_desk/ui/pages/meals.py" line="159"/>
        <source>Thường</source>
        <translation>Regular</translation>
    </message>
    <message>
        <location filename="../../quarantine_desk/ui/pages/meals.py" line="160"/>
        <source>Chay</source>
        <translation>Vegetarian</translation>
    </message>
    <message>
        <location filename="../../quarantine_desk/ui/pages/meals.py" line="161"/>
        <source>Trẻ em</source>
        <translation>Child</translation>
    </message>
    <message>
        <location filename="../../quarantine_desk/ui/pages/meals.py" line="162"/>
        <source>Mềm</source>
        <translation>Soft</translation>
    </message>
    <message>
        <location filename="../../quarantine_desk/ui/pages/meals.py" line="163"/>
        <source>Đặc biệt</source>
        <translation>Special</translation>
    </message>
    <message>
        <location filename="../../quarantine_desk/ui/pages/meals.py" line="168"/>
        <source>(dự kiến)</source>
        <translation>(planned)</translation>
    </message>
    <message>
        <location filename="../../quarantine_desk/ui/pages/meals.py" line="171"/>
        <source>chưa ghi</source>
        <translation>not recorded</translation>
    </message>
    <message>
        <location filename="../../quarantine_desk/ui/pages/meals.py" line="239"/>
        <source>Đã ghi %1 suất %2 cho %3 ngày %4.</source>
        <translation>Recorded %1 portions of %2 for %3 on %4.</translation>
    </message>
    <message>
        <location filename="../../quarantine_desk/ui/pages/meals.py" line="273"/>
        <source>Chưa chọn khu cách ly.</source>
        <translation>No facility chosen.</translation>
    </message>
    <message>
        <location filename="../../quarantine_desk/ui/pages/meals.py" line="278"/>
        <source>Ngày %1: cả ngày cần %2 suất: %3 cho người cách ly, %4 cho lực lượng phục vụ; chi phí %5 đồng.</source>
        <translation>%1: %2 portions for the day: %3 for the people in quarantine, %4 for the staff; cost %5 VND.</translation>
    </message>
    <message>
        <location filename="../../quarantine_desk/ui/pages/meals.py" line="288"/>
        <source>Bữa chưa đến tính theo kế hoạch: người dự kiến ra sau bữa sáng ngày ra, đoàn sắp đến từ giờ đến.</source>
        <translation>Meals still to come are counted from the plans: planned releases leave after breakfast on their day, announced groups eat from their arrival.</translation>
    </message>
    <message>
        <location filename="../../quarantine_desk/ui/pages/meals.py" line="304"/>
        <source>Lưu phiếu báo suất ăn</source>
        <translation>Save the kitchen order sheet</translation>
    </message>
    <message>
        <location filename="../../quarantine_desk/ui/pages/meals.py" line="329"/>
        <source> (có thay đổi sau giờ chốt)</source>
        <translation> (changed after the cut-off)</translation>
    </message>
    <message>
        <location filename="../../quarantine_desk/ui/pages/meals.py" line="330"/>
        <source>Đã lưu phiếu báo suất ăn: %1</source>
        <translation>Kitchen order sheet saved: %1</translation>
    </message>
    <message>
        <location filename="../../quarantine_desk/ui/pages/meals.py" line="332"/>
        <source>Đang lập phiếu báo suất ăn…</source>
        <translation>Making the kitchen order sheet…</translation>
    </message>
    <message>
        <location filename="../../quarantine_desk/ui/pages/meals.py" line="292"/>
        <source>Không có ai trong lịch ca trực ngày này: nhập số lực lượng phục vụ ở ô bên trên.</source>
        <translation>Nobody is on the duty shifts that day: type the number of staff in the box above.</translation>
    </message>
</context>
<context>
    <name>MedicalPage</name>
    <message>
        <location filename="../../forms/medical_page.ui" line="9"/>
        <source>Xét nghiệm &amp; theo dõi</source>
        <translation>Tests &amp; monitoring</translation>
    </message>
    <message>
        <location filename="../../forms/medical_page.ui" line="24"/>
        <source>Xét nghiệm đến hạn</source>
        <translation>Tests due</translation>
    </message>
    <message>
        <location filename="../../forms/medical_page.ui" line="121"/>
        <source>Theo dõi sức khỏe</source>
        <translation>Health checks</translation>
    </message>
    <message>
        <location filename="../../forms/medical_page.ui" line="215"/>
        <source>Ra khu cách ly</source>
        <translation>Releases</translation>
    </message>
    <message>
        <location filename="../../quarantine_desk/ui/pages/medical.py" line="105"/>
        <location filename="../../quarantine_desk/ui/pages/medical.py" line="249"/>
        <location filename="../../quarantine_desk/ui/pages/medical.py" line="281"/>
        <location filename="../../quarantine_desk/ui/pages/medical.py" line="360"/>
        <source>Họ và tên</source>
        <translation>Full name</translation>
    </message>
    <message>
        <location filename="../../quarantine_desk/ui/pages/medical.py" line="106"/>
        <location filename="../../quarantine_desk/ui/pages/medical.py" line="250"/>
        <location filename="../../quarantine_desk/ui/pages/medical.py" line="282"/>
        <location filename="../../quarantine_desk/ui/pages/medical.py" line="361"/>
        <source>Phòng</source>
        <translation>Room</translation>
    </message>
    <message>
        <location filename="../../quarantine_desk/ui/pages/medical.py" line="107"/>
        <location filename="../../quarantine_desk/ui/pages/medical.py" line="251"/>
        <source>Giường</source>
        <translation>Bed</translation>
    </message>
    <message>
        <location filename="../../quarantine_desk/ui/pages/medical.py" line="108"/>
        <source>Xét nghiệm</source>
        <translation>Tests</translation>
    </message>
    <message>
        <location filename="../../quarantine_desk/ui/pages/medical.py" line="108"/>
        <source>ngày thứ %1</source>
        <translation>day %1</translation>
    </message>
    <message>
        <location filename="../../quarantine_desk/ui/pages/medical.py" line="109"/>
        <source>Hạn</source>
        <translation>Due</translation>
    </message>
    <message>
        <location filename="../../quarantine_desk/ui/pages/medical.py" line="110"/>
        <source>Tình trạng</source>
        <translation>State</translation>
    </message>
    <message>
        <location filename="../../quarantine_desk/ui/pages/medical.py" line="128"/>
        <source>Test nhanh</source>
        <translation>Rapid test</translation>
    </message>
    <message>
        <location filename="../../quarantine_desk/ui/pages/medical.py" line="129"/>
        <source>RT-PCR</source>
        <translation>RT-PCR</translation>
    </message>
    <message>
        <location filename="../../quarantine_desk/ui/pages/medical.py" line="131"/>
        <source>Âm tính</source>
        <translation>Negative</translation>
    </message>
    <message>
        <location filename="../../quarantine_desk/ui/pages/medical.py" line="132"/>
        <source>Dương tính</source>
        <translation>Positive</translation>
    </message>
    <message>
        <location filename="../../forms/medical_page.ui" line="101"/>
        <source>Chọn cả phòng</source>
        <translation>Select the whole room</translation>
    </message>
    <message>
        <location filename="../../quarantine_desk/ui/pages/medical.py" line="149"/>
        <location filename="../../forms/medical_page.ui" line="108"/>
        <source>Ghi kết quả</source>
        <translation>Record results</translation>
    </message>
    <message>
        <location filename="../../forms/medical_page.ui" line="40"/>
        <source>Loại</source>
        <translation>Kind</translation>
    </message>
    <message>
        <location filename="../../forms/medical_page.ui" line="54"/>
        <source>Kết quả</source>
        <translation>Result</translation>
    </message>
    <message>
        <location filename="../../forms/medical_page.ui" line="68"/>
        <source>Lấy mẫu lúc</source>
        <translation>Sampled at</translation>
    </message>
    <message>
        <location filename="../../quarantine_desk/ui/pages/medical.py" line="142"/>
        <source>Quá hạn %1 ngày</source>
        <translation>%1 days overdue</translation>
    </message>
    <message>
        <location filename="../../quarantine_desk/ui/pages/medical.py" line="143"/>
        <location filename="../../quarantine_desk/ui/pages/medical.py" line="388"/>
        <source>Hôm nay</source>
        <translation>Today</translation>
    </message>
    <message>
        <location filename="../../quarantine_desk/ui/pages/medical.py" line="149"/>
        <source>Ghi kết quả cho %1 người</source>
        <translation>Record results for %1 people</translation>
    </message>
    <message>
        <location filename="../../quarantine_desk/ui/pages/medical.py" line="181"/>
        <source>Chưa chọn người nào trong danh sách.</source>
        <translation>Nobody selected in the list.</translation>
    </message>
    <message>
        <location filename="../../quarantine_desk/ui/pages/medical.py" line="188"/>
        <source>Kết quả dương tính</source>
        <translation>Positive result</translation>
    </message>
    <message>
        <location filename="../../quarantine_desk/ui/pages/medical.py" line="190"/>
        <source>Ghi kết quả DƯƠNG TÍNH cho: %1?

Phòng sẽ bị phong tỏa, người dương tính chờ chuyển điều trị và những người cùng phòng phải cách ly lại từ ngày tiếp xúc.</source>
        <translation>Record a POSITIVE result for: %1?

The room will be closed, the positive person awaits transfer to treatment and the roommates restart their quarantine from the day of contact.</translation>
    </message>
    <message>
        <location filename="../../quarantine_desk/ui/pages/medical.py" line="225"/>
        <source>Đã ghi %1 kết quả; dừng lại ở lỗi: %2</source>
        <translation>%1 results recorded; stopped at an error: %2</translation>
    </message>
    <message>
        <location filename="../../quarantine_desk/ui/pages/medical.py" line="231"/>
        <source>Đã ghi %1 kết quả.</source>
        <translation>%1 results recorded.</translation>
    </message>
    <message>
        <location filename="../../quarantine_desk/ui/pages/medical.py" line="235"/>
        <source>Phòng %1 đã bị phong tỏa; %2 người cùng phòng bắt đầu lại thời gian cách ly.</source>
        <translation>Room %1 is closed; %2 roommates restart their quarantine.</translation>
    </message>
    <message>
        <location filename="../../forms/medical_page.ui" line="127"/>
        <source>Lọc theo tên hoặc phòng</source>
        <translation>Filter by name or room</translation>
    </message>
    <message>
        <location filename="../../quarantine_desk/ui/pages/medical.py" line="252"/>
        <source>Nhóm</source>
        <translation>Cohort</translation>
    </message>
    <message>
        <location filename="../../quarantine_desk/ui/pages/medical.py" line="263"/>
        <location filename="../../quarantine_desk/ui/pages/medical.py" line="362"/>
        <source>Dự kiến ra</source>
        <translation>Planned release</translation>
    </message>
    <message>
        <location filename="../../forms/medical_page.ui" line="185"/>
        <source>Ho, sốt, đau họng, mất vị giác… (để trống nếu không có)</source>
        <translation>Cough, fever, sore throat, loss of taste… (blank if none)</translation>
    </message>
    <message>
        <location filename="../../forms/medical_page.ui" line="192"/>
        <source>Ghi nhận</source>
        <translation>Record</translation>
    </message>
    <message>
        <location filename="../../quarantine_desk/ui/pages/medical.py" line="280"/>
        <source>Giờ</source>
        <translation>Time</translation>
    </message>
    <message>
        <location filename="../../quarantine_desk/ui/pages/medical.py" line="284"/>
        <location filename="../../forms/medical_page.ui" line="143"/>
        <source>Nhiệt độ</source>
        <translation>Temperature</translation>
    </message>
    <message>
        <location filename="../../quarantine_desk/ui/pages/medical.py" line="288"/>
        <location filename="../../forms/medical_page.ui" line="175"/>
        <source>Triệu chứng</source>
        <translation>Symptoms</translation>
    </message>
    <message>
        <location filename="../../quarantine_desk/ui/pages/medical.py" line="289"/>
        <source>Người ghi</source>
        <translation>Recorded by</translation>
    </message>
    <message>
        <location filename="../../forms/medical_page.ui" line="201"/>
        <source>Đã ghi hôm qua và hôm nay</source>
        <translation>Recorded yesterday and today</translation>
    </message>
    <message>
        <location filename="../../quarantine_desk/ui/pages/medical.py" line="322"/>
        <source>Chọn người cần ghi nhận trong danh sách.</source>
        <translation>Select the person in the list.</translation>
    </message>
    <message>
        <location filename="../../quarantine_desk/ui/pages/medical.py" line="338"/>
        <source>Đã ghi nhận %1: %2 °C.</source>
        <translation>Recorded %1: %2 °C.</translation>
    </message>
    <message>
        <location filename="../../quarantine_desk/ui/pages/medical.py" line="343"/>
        <source>Sốt: báo bác sĩ trực.</source>
        <translation>Fever: tell the doctor on duty.</translation>
    </message>
    <message>
        <location filename="../../quarantine_desk/ui/pages/medical.py" line="363"/>
        <source>Ngày</source>
        <translation>Date</translation>
    </message>
    <message>
        <location filename="../../quarantine_desk/ui/pages/medical.py" line="364"/>
        <source>Vấn đề</source>
        <translation>Problems</translation>
    </message>
    <message>
        <location filename="../../forms/medical_page.ui" line="247"/>
        <source>Cho ra</source>
        <translation>Release</translation>
    </message>
    <message>
        <location filename="../../forms/medical_page.ui" line="254"/>
        <source>Duyệt cho ra (cần lý do)</source>
        <translation>Approve release (reason needed)</translation>
    </message>
    <message>
        <location filename="../../quarantine_desk/ui/pages/medical.py" line="583"/>
        <location filename="../../forms/medical_page.ui" line="261"/>
        <source>Chuyển điều trị</source>
        <translation>Transfer to treatment</translation>
    </message>
    <message>
        <location filename="../../quarantine_desk/ui/pages/medical.py" line="389"/>
        <source>Ngày mai</source>
        <translation>Tomorrow</translation>
    </message>
    <message>
        <location filename="../../quarantine_desk/ui/pages/medical.py" line="390"/>
        <source>Chờ chuyển</source>
        <translation>Awaiting transfer</translation>
    </message>
    <message>
        <location filename="../../quarantine_desk/ui/pages/medical.py" line="397"/>
        <source>chưa hết thời gian cách ly (đến %1)</source>
        <translation>period not over (until %1)</translation>
    </message>
    <message>
        <location filename="../../quarantine_desk/ui/pages/medical.py" line="399"/>
        <source>dương tính</source>
        <translation>positive</translation>
    </message>
    <message>
        <location filename="../../quarantine_desk/ui/pages/medical.py" line="402"/>
        <source>thiếu xét nghiệm ngày %1 (hạn %2)</source>
        <translation>day-%1 test missing (due %2)</translation>
    </message>
    <message>
        <location filename="../../quarantine_desk/ui/pages/medical.py" line="409"/>
        <source>Đủ điều kiện</source>
        <translation>Ready for release</translation>
    </message>
    <message>
        <location filename="../../quarantine_desk/ui/pages/medical.py" line="448"/>
        <location filename="../../quarantine_desk/ui/pages/medical.py" line="467"/>
        <source>Duyệt cho ra</source>
        <translation>Approve release</translation>
    </message>
    <message>
        <location filename="../../quarantine_desk/ui/pages/medical.py" line="495"/>
        <source>%1 đã hoàn thành cách ly.</source>
        <translation>%1 has been released.</translation>
    </message>
    <message>
        <location filename="../../quarantine_desk/ui/pages/medical.py" line="584"/>
        <source>Chuyển %1 đến (bệnh viện, cơ sở điều trị):</source>
        <translation>Transfer %1 to (hospital, treatment facility):</translation>
    </message>
    <message>
        <location filename="../../quarantine_desk/ui/pages/medical.py" line="594"/>
        <source>%1 đã được chuyển đến %2.</source>
        <translation>%1 has been transferred to %2.</translation>
    </message>
    <message>
        <location filename="../../quarantine_desk/ui/pages/medical.py" line="631"/>
        <source>%1 xét nghiệm đến hạn hôm nay, trong đó %2 quá hạn.</source>
        <translation>%1 tests due today, %2 of them overdue.</translation>
    </message>
    <message>
        <location filename="../../quarantine_desk/ui/pages/medical.py" line="331"/>
        <source>%1 người đang cách ly.</source>
        <translation>%1 people in quarantine.</translation>
    </message>
    <message>
        <location filename="../../quarantine_desk/ui/pages/medical.py" line="335"/>
        <source>%1 người khớp với bộ lọc.</source>
        <translation>%1 match the filter.</translation>
    </message>
    <message>
        <location filename="../../quarantine_desk/ui/pages/medical.py" line="337"/>
        <source>Đang tìm: %1 người khớp…</source>
        <translation>Searching: %1 matching so far…</translation>
    </message>
    <message>
        <location filename="../../quarantine_desk/ui/pages/medical.py" line="437"/>
        <source>Ra sớm theo quyết định của Ban quản lý</source>
        <translation>Early release decided by the management</translation>
    </message>
    <message>
        <location filename="../../quarantine_desk/ui/pages/medical.py" line="438"/>
        <location filename="../../quarantine_desk/ui/pages/medical.py" line="460"/>
        <source>Chuyển cách ly tại nhà</source>
        <translation>Move to home quarantine</translation>
    </message>
    <message>
        <location filename="../../quarantine_desk/ui/pages/medical.py" line="439"/>
        <source>Ra khỏi khu vì lý do khác</source>
        <translation>Leaves for another reason</translation>
    </message>
    <message>
        <location filename="../../quarantine_desk/ui/pages/medical.py" line="449"/>
        <source>%1: %2.
Hình thức ra khỏi khu cách ly:</source>
        <translation>%1: %2.
How does the stay end?</translation>
    </message>
    <message>
        <location filename="../../quarantine_desk/ui/pages/medical.py" line="461"/>
        <source>Địa chỉ cách ly tại nhà của %1 (để trống: địa chỉ đã đăng ký):</source>
        <translation>Home quarantine address of %1 (empty: the registered address):</translation>
    </message>
    <message>
        <location filename="../../quarantine_desk/ui/pages/medical.py" line="468"/>
        <source>Lý do (được ghi vào nhật ký và in trên giấy xác nhận):</source>
        <translation>Reason (kept in the audit trail and printed on the release paper):</translation>
    </message>
    <message>
        <location filename="../../quarantine_desk/ui/pages/medical.py" line="496"/>
        <source>%1 đã ra khỏi khu cách ly trước thời hạn.</source>
        <translation>%1 has left the facility before the end of the period.</translation>
    </message>
    <message>
        <location filename="../../quarantine_desk/ui/pages/medical.py" line="497"/>
        <source>%1 đã chuyển sang cách ly tại nhà.</source>
        <translation>%1 has moved to home quarantine.</translation>
    </message>
    <message>
        <location filename="../../quarantine_desk/ui/pages/medical.py" line="498"/>
        <source>%1 đã ra khỏi khu cách ly.</source>
        <translation>%1 has left the facility.</translation>
    </message>
    <message>
        <location filename="../../quarantine_desk/ui/pages/medical.py" line="112"/>
        <location filename="../../quarantine_desk/ui/pages/medical.py" line="259"/>
        <source>Theo dõi đặc biệt</source>
        <translation>Special watch</translation>
    </message>
    <message>
        <location filename="../../quarantine_desk/ui/pages/medical.py" line="254"/>
        <source>Phân loại</source>
        <translation>Contact level</translation>
    </message>
    <message>
        <location filename="../../quarantine_desk/ui/pages/medical.py" line="539"/>
        <source>Tệp PDF (*.pdf)</source>
        <translation>PDF file (*.pdf)</translation>
    </message>
    <message>
        <location filename="../../quarantine_desk/ui/pages/medical.py" line="567"/>
        <source>Đang in giấy xác nhận…</source>
        <translation>Printing certificates…</translation>
    </message>
    <message>
        <location filename="../../quarantine_desk/ui/pages/medical.py" line="509"/>
        <source>Bấm “In giấy cho người vừa ra” để in %1.</source>
        <translation>Click “Print the paper of who just left” to print the %1.</translation>
    </message>
    <message>
        <location filename="../../quarantine_desk/ui/pages/medical.py" line="521"/>
        <source>giấy xác nhận hoàn thành cách ly</source>
        <translation>quarantine completion certificate</translation>
    </message>
    <message>
        <location filename="../../quarantine_desk/ui/pages/medical.py" line="522"/>
        <source>giấy xác nhận thời gian cách ly</source>
        <translation>release paper</translation>
    </message>
    <message>
        <location filename="../../quarantine_desk/ui/pages/medical.py" line="531"/>
        <source>In %1 của %2</source>
        <translation>Print the %1 of %2</translation>
    </message>
    <message>
        <location filename="../../quarantine_desk/ui/pages/medical.py" line="533"/>
        <source>In giấy của người vừa cho ra khỏi khu (không có giấy cho người chuyển điều trị)</source>
        <translation>Print the paper of the person who just left (there is none for a transfer to treatment)</translation>
    </message>
    <message>
        <location filename="../../quarantine_desk/ui/pages/medical.py" line="539"/>
        <source>Lưu giấy xác nhận</source>
        <translation>Save the paper</translation>
    </message>
    <message>
        <location filename="../../quarantine_desk/ui/pages/medical.py" line="570"/>
        <source>Đã lưu %1 của %2: %3</source>
        <translation>Saved the %1 of %2: %3</translation>
    </message>
    <message>
        <location filename="../../forms/medical_page.ui" line="227"/>
        <source>In giấy cho người vừa ra…</source>
        <translation>Print the paper of who just left…</translation>
    </message>
</context>
<context>
    <name>MovementDialog</name>
    <message>
        <location filename="../../quarantine_desk/ui/pages/supplies.py" line="72"/>
        <source>Nhập kho</source>
        <translation>Receive</translation>
    </message>
    <message>
        <location filename="../../quarantine_desk/ui/pages/supplies.py" line="72"/>
        <source>Xuất kho</source>
        <translation>Issue</translation>
    </message>
    <message>
        <location filename="../../quarantine_desk/ui/pages/supplies.py" line="82"/>
        <source>ví dụ: Sở Y tế cấp, nhà tài trợ ủng hộ</source>
        <translation>e.g. from the Health Department, a donor</translation>
    </message>
    <message>
        <location filename="../../quarantine_desk/ui/pages/supplies.py" line="84"/>
        <source>ví dụ: xét nghiệm ngày 7, phát cho khu A</source>
        <translation>e.g. day-7 tests, handed to zone A</translation>
    </message>
    <message>
        <location filename="../../forms/movement_dialog.ui" line="17"/>
        <source>Vật tư:</source>
        <translation>Item:</translation>
    </message>
    <message>
        <location filename="../../forms/movement_dialog.ui" line="27"/>
        <source>Còn trong kho:</source>
        <translation>In store:</translation>
    </message>
    <message>
        <location filename="../../forms/movement_dialog.ui" line="37"/>
        <source>Số lượng:</source>
        <translation>Quantity:</translation>
    </message>
    <message>
        <location filename="../../forms/movement_dialog.ui" line="54"/>
        <source>Thời điểm:</source>
        <translation>Time:</translation>
    </message>
    <message>
        <location filename="../../forms/movement_dialog.ui" line="74"/>
        <source>Lý do:</source>
        <translation>Reason:</translation>
    </message>
</context>
<context>
    <name>OccupancyChart</name>
    <message>
        <location filename="../../quarantine_desk/ui/chart.py" line="45"/>
        <source>Số người cách ly trong %1 ngày qua</source>
        <translation>People in quarantine over the last %1 days</translation>
    </message>
    <message>
        <location filename="../../quarantine_desk/ui/chart.py" line="49"/>
        <source>Biểu đồ số người cách ly</source>
        <translation>Chart of people in quarantine</translation>
    </message>
    <message>
        <location filename="../../quarantine_desk/ui/chart.py" line="63"/>
        <source>Hôm nay %1 người, %2 giường</source>
        <translation>Today %1 people, %2 beds</translation>
    </message>
    <message>
        <location filename="../../quarantine_desk/ui/chart.py" line="142"/>
        <source>Chưa có số liệu</source>
        <translation>No figures yet</translation>
    </message>
    <message>
        <location filename="../../quarantine_desk/ui/chart.py" line="152"/>
        <source>Người đang cách ly</source>
        <translation>People in quarantine</translation>
    </message>
    <message>
        <location filename="../../quarantine_desk/ui/chart.py" line="153"/>
        <source>Số giường</source>
        <translation>Beds</translation>
    </message>
    <message>
        <location filename="../../quarantine_desk/ui/chart.py" line="274"/>
        <source>%1: %2 người, %3 giường</source>
        <translation>%1: %2 people, %3 beds</translation>
    </message>
    <message>
        <location filename="../../quarantine_desk/ui/chart.py" line="157"/>
        <source>Dự kiến</source>
        <translation>Expected</translation>
    </message>
    <message>
        <location filename="../../quarantine_desk/ui/chart.py" line="155"/>
        <source>Dự kiến (%1)</source>
        <translation>Expected (%1)</translation>
    </message>
    <message>
        <location filename="../../quarantine_desk/ui/chart.py" line="263"/>
        <source>%1: dự kiến %2 người, %3 giường</source>
        <translation>%1: expected %2 people, %3 beds</translation>
    </message>
</context>
<context>
    <name>PasswordDialog</name>
    <message>
        <location filename="../../quarantine_desk/ui/pages/admin_dialogs.py" line="377"/>
        <source>Đặt lại mật khẩu cho {0}</source>
        <translation>Reset the password of {0}</translation>
    </message>
    <message>
        <location filename="../../quarantine_desk/ui/pages/admin_dialogs.py" line="384"/>
        <source>Hai lần nhập mật khẩu không khớp.</source>
        <translation>The two passwords differ.</translation>
    </message>
    <message>
        <location filename="../../forms/password_dialog.ui" line="17"/>
        <source>Mật khẩu:</source>
        <translation>Password:</translation>
    </message>
    <message>
        <location filename="../../forms/password_dialog.ui" line="34"/>
        <source>Nhập lại mật khẩu:</source>
        <translation>Repeat password:</translation>
    </message>
</context>
<context>
    <name>Permissions</name>
    <message>
        <location filename="../../quarantine_desk/ui/permissions.py" line="32"/>
        <source>Chỉ %1 được làm việc này.</source>
        <translation>Only %1 may do this.</translation>
    </message>
</context>
<context>
    <name>PersonDialog</name>
    <message>
        <location filename="../../forms/person_dialog.ui" line="89"/>
        <source>Xã/phường</source>
        <translation>Commune/ward</translation>
    </message>
    <message>
        <location filename="../../forms/person_dialog.ui" line="102"/>
        <source>Quận/huyện</source>
        <translation>District</translation>
    </message>
    <message>
        <location filename="../../forms/person_dialog.ui" line="115"/>
        <source>Tỉnh/thành phố</source>
        <translation>Province</translation>
    </message>
    <message>
        <location filename="../../forms/person_dialog.ui" line="128"/>
        <source>Phân loại</source>
        <translation>Contact level</translation>
    </message>
    <message>
        <location filename="../../forms/person_dialog.ui" line="154"/>
        <source>Ca F0 / nơi tiếp xúc</source>
        <translation>F0 case / exposure</translation>
    </message>
    <message>
        <location filename="../../forms/person_dialog.ui" line="164"/>
        <source>mã ca F0 hoặc nơi tiếp xúc, nếu khác nhóm cách ly</source>
        <translation>F0 case code or exposure place, if not the cohort&apos;s</translation>
    </message>
    <message>
        <location filename="../../forms/person_dialog.ui" line="171"/>
        <source>Người thân</source>
        <translation>Relative</translation>
    </message>
    <message>
        <location filename="../../forms/person_dialog.ui" line="184"/>
        <source>SĐT người thân</source>
        <translation>Relative&apos;s phone</translation>
    </message>
    <message>
        <location filename="../../forms/person_dialog.ui" line="197"/>
        <source>Bệnh nền / thai kỳ</source>
        <translation>Conditions / pregnancy</translation>
    </message>
    <message>
        <location filename="../../forms/person_dialog.ui" line="207"/>
        <source>tiểu đường, tăng huyết áp, thai 20 tuần…</source>
        <translation>diabetes, hypertension, 20 weeks pregnant…</translation>
    </message>
    <message>
        <location filename="../../forms/person_dialog.ui" line="214"/>
        <source>Có thai</source>
        <translation>Pregnant</translation>
    </message>
    <message>
        <location filename="../../forms/person_dialog.ui" line="221"/>
        <source>Cần theo dõi đặc biệt</source>
        <translation>Needs special watch</translation>
    </message>
    <message>
        <location filename="../../forms/person_dialog.ui" line="228"/>
        <source>Ghi chú</source>
        <translation>Notes</translation>
    </message>
    <message>
        <location filename="../../quarantine_desk/ui/person_dialog.py" line="56"/>
        <source>— chưa rõ —</source>
        <translation>— not known —</translation>
    </message>
    <message>
        <location filename="../../quarantine_desk/ui/person_dialog.py" line="58"/>
        <source>F1 (tiếp xúc F0)</source>
        <translation>F1 (contact of an F0)</translation>
    </message>
    <message>
        <location filename="../../quarantine_desk/ui/person_dialog.py" line="59"/>
        <source>F2</source>
        <translation>F2</translation>
    </message>
    <message>
        <location filename="../../quarantine_desk/ui/person_dialog.py" line="60"/>
        <source>Về từ vùng dịch</source>
        <translation>Returnee</translation>
    </message>
    <message>
        <location filename="../../quarantine_desk/ui/person_dialog.py" line="61"/>
        <source>Khác</source>
        <translation>Other</translation>
    </message>
    <message>
        <location filename="../../forms/person_dialog.ui" line="12"/>
        <source>Sửa thông tin người cách ly</source>
        <translation>Edit a person in quarantine</translation>
    </message>
    <message>
        <location filename="../../forms/person_dialog.ui" line="82"/>
        <source>dd/mm/yyyy; để trống nếu chưa mắc</source>
        <translation>dd/mm/yyyy; empty if never infected</translation>
    </message>
    <message>
        <location filename="../../forms/person_dialog.ui" line="20"/>
        <source>Họ và tên</source>
        <translation>Full name</translation>
    </message>
    <message>
        <location filename="../../forms/person_dialog.ui" line="33"/>
        <source>Số điện thoại</source>
        <translation>Phone</translation>
    </message>
    <message>
        <location filename="../../forms/person_dialog.ui" line="46"/>
        <source>Địa chỉ</source>
        <translation>Address</translation>
    </message>
    <message>
        <location filename="../../forms/person_dialog.ui" line="59"/>
        <source>Hộ gia đình</source>
        <translation>Household</translation>
    </message>
    <message>
        <location filename="../../forms/person_dialog.ui" line="72"/>
        <source>Ngày khỏi bệnh</source>
        <translation>Date of recovery</translation>
    </message>
    <message>
        <location filename="../../forms/person_dialog.ui" line="141"/>
        <source>Chế độ ăn</source>
        <translation>Diet</translation>
    </message>
    <message>
        <location filename="../../forms/person_dialog.ui" line="282"/>
        <source>Ngày tiêm</source>
        <translation>Dose date</translation>
    </message>
    <message>
        <location filename="../../forms/person_dialog.ui" line="287"/>
        <source>Loại vắc xin</source>
        <translation>Vaccine</translation>
    </message>
    <message>
        <location filename="../../forms/person_dialog.ui" line="262"/>
        <source>Thêm mũi</source>
        <translation>Add a dose</translation>
    </message>
    <message>
        <location filename="../../forms/person_dialog.ui" line="269"/>
        <source>Xóa mũi đang chọn</source>
        <translation>Remove the selected dose</translation>
    </message>
    <message>
        <location filename="../../forms/person_dialog.ui" line="245"/>
        <source>Các mũi tiêm (ngày để trống nếu không rõ)</source>
        <translation>Vaccine doses (leave the date empty if unknown)</translation>
    </message>
    <message>
        <location filename="../../quarantine_desk/ui/person_dialog.py" line="100"/>
        <source>Lưu</source>
        <translation>Save</translation>
    </message>
    <message>
        <location filename="../../quarantine_desk/ui/person_dialog.py" line="196"/>
        <source>Đã lưu thông tin %1.</source>
        <translation>Saved the details of %1.</translation>
    </message>
    <message>
        <location filename="../../quarantine_desk/ui/person_dialog.py" line="200"/>
        <source>Quy định cách ly đổi sang “%1”: ngày ra dự kiến %2 → %3.</source>
        <translation>Quarantine policy changed to “%1”: planned release %2 → %3.</translation>
    </message>
    <message>
        <location filename="../../quarantine_desk/ui/person_dialog.py" line="115"/>
        <source>— theo nhóm: %1 —</source>
        <translation>— from the cohort: %1 —</translation>
    </message>
    <message>
        <location filename="../../quarantine_desk/ui/person_dialog.py" line="68"/>
        <source>Thường</source>
        <translation>Regular</translation>
    </message>
    <message>
        <location filename="../../quarantine_desk/ui/person_dialog.py" line="69"/>
        <source>Chay</source>
        <translation>Vegetarian</translation>
    </message>
    <message>
        <location filename="../../quarantine_desk/ui/person_dialog.py" line="70"/>
        <source>Trẻ em</source>
        <translation>Child</translation>
    </message>
    <message>
        <location filename="../../quarantine_desk/ui/person_dialog.py" line="71"/>
        <source>Mềm (cháo, người già, người ốm)</source>
        <translation>Soft (porridge, elderly, sick)</translation>
    </message>
    <message>
        <location filename="../../quarantine_desk/ui/person_dialog.py" line="72"/>
        <source>Đặc biệt (bệnh nền, thai phụ, theo chỉ định)</source>
        <translation>Special (conditions, pregnancy, prescribed)</translation>
    </message>
    <message>
        <location filename="../../quarantine_desk/ui/person_dialog.py" line="120"/>
        <source>theo nhóm %1: %2</source>
        <translation>from cohort %1: %2</translation>
    </message>
    <message>
        <location filename="../../quarantine_desk/ui/person_dialog.py" line="118"/>
        <source>theo nhóm: %1</source>
        <translation>from the cohort: %1</translation>
    </message>
</context>
<context>
    <name>PlanDialog</name>
    <message>
        <location filename="../../forms/plan_dialog.ui" line="12"/>
        <source>Lập lịch ca trực</source>
        <translation>Plan duty shifts</translation>
    </message>
    <message>
        <location filename="../../forms/plan_dialog.ui" line="50"/>
        <source> ngày</source>
        <translation> days</translation>
    </message>
    <message>
        <location filename="../../quarantine_desk/ui/pages/shifts.py" line="148"/>
        <source>3 ca × 8 giờ (06–14, 14–22, 22–06)</source>
        <translation>3 shifts × 8 hours (06–14, 14–22, 22–06)</translation>
    </message>
    <message>
        <location filename="../../quarantine_desk/ui/pages/shifts.py" line="149"/>
        <source>2 ca × 12 giờ (07–19, 19–07)</source>
        <translation>2 shifts × 12 hours (07–19, 19–07)</translation>
    </message>
    <message>
        <location filename="../../forms/plan_dialog.ui" line="70"/>
        <source>Những ca đã lập trước đó được giữ nguyên, không tạo trùng.</source>
        <translation>Shifts planned before are kept as they are, never duplicated.</translation>
    </message>
    <message>
        <location filename="../../forms/plan_dialog.ui" line="20"/>
        <source>Từ ngày:</source>
        <translation>From:</translation>
    </message>
    <message>
        <location filename="../../forms/plan_dialog.ui" line="40"/>
        <source>Số ngày:</source>
        <translation>Days:</translation>
    </message>
    <message>
        <location filename="../../forms/plan_dialog.ui" line="57"/>
        <source>Kiểu phân ca:</source>
        <translation>Shift pattern:</translation>
    </message>
</context>
<context>
    <name>PoliciesTab</name>
    <message>
        <location filename="../../forms/policies_tab.ui" line="21"/>
        <source>Thời gian cách ly và ngày xét nghiệm theo quy định có hiệu lực vào ngày tiếp nhận. Sửa quy định chỉ áp dụng cho những người tiếp nhận sau đó.</source>
        <translation>The quarantine period and test days follow the policy in force on the admission date. A change applies only to people admitted afterwards.</translation>
    </message>
    <message>
        <location filename="../../forms/policies_tab.ui" line="37"/>
        <source>Thêm quy định…</source>
        <translation>Add a policy…</translation>
    </message>
    <message>
        <location filename="../../forms/policies_tab.ui" line="44"/>
        <source>Sửa…</source>
        <translation>Edit…</translation>
    </message>
    <message>
        <location filename="../../quarantine_desk/ui/pages/admin.py" line="435"/>
        <source>Áp dụng cho người đang cách ly…</source>
        <translation>Apply to people in quarantine…</translation>
    </message>
    <message>
        <location filename="../../quarantine_desk/ui/pages/admin.py" line="462"/>
        <source>Không có người đang cách ly nào thay đổi theo quy định “%1”.</source>
        <translation>Nobody in quarantine would change under “%1”.</translation>
    </message>
    <message>
        <location filename="../../quarantine_desk/ui/pages/admin.py" line="471"/>
        <source>… và %1 người khác</source>
        <translation>… and %1 more</translation>
    </message>
    <message>
        <location filename="../../quarantine_desk/ui/pages/admin.py" line="473"/>
        <source>Áp dụng “%1” cho %2 người đang cách ly tại %3? Ngày ra dự kiến sẽ đổi:</source>
        <translation>Apply “%1” to %2 people in quarantine at %3? Their planned releases change:</translation>
    </message>
    <message>
        <location filename="../../quarantine_desk/ui/pages/admin.py" line="480"/>
        <source>Áp dụng quy định</source>
        <translation>Apply the policy</translation>
    </message>
</context>
<context>
    <name>PolicyDialog</name>
    <message>
        <location filename="../../forms/policy_dialog.ui" line="12"/>
        <source>Thêm quy định cách ly</source>
        <translation>Add a quarantine policy</translation>
    </message>
    <message>
        <location filename="../../quarantine_desk/ui/pages/admin_dialogs.py" line="237"/>
        <source>Sửa quy định cách ly</source>
        <translation>Edit quarantine policy</translation>
    </message>
    <message>
        <location filename="../../forms/policy_dialog.ui" line="65"/>
        <source>Có ngày hết hiệu lực</source>
        <translation>Has an end date</translation>
    </message>
    <message>
        <location filename="../../forms/policy_dialog.ui" line="127"/>
        <source>ví dụ: 1,7,14</source>
        <translation>e.g. 1,7,14</translation>
    </message>
    <message>
        <location filename="../../forms/policy_dialog.ui" line="20"/>
        <source>Tên quy định:</source>
        <translation>Policy name:</translation>
    </message>
    <message>
        <location filename="../../forms/policy_dialog.ui" line="33"/>
        <source>Hiệu lực từ:</source>
        <translation>Effective from:</translation>
    </message>
    <message>
        <location filename="../../forms/policy_dialog.ui" line="53"/>
        <source>Hiệu lực đến:</source>
        <translation>Effective to:</translation>
    </message>
    <message>
        <location filename="../../forms/policy_dialog.ui" line="84"/>
        <source>Áp dụng cho:</source>
        <translation>Applies to:</translation>
    </message>
    <message>
        <location filename="../../forms/policy_dialog.ui" line="97"/>
        <source>Số ngày cách ly:</source>
        <translation>Quarantine days:</translation>
    </message>
    <message>
        <location filename="../../forms/policy_dialog.ui" line="117"/>
        <source>Ngày xét nghiệm:</source>
        <translation>Test days:</translation>
    </message>
</context>
<context>
    <name>ReliefPage</name>
    <message>
        <location filename="../../quarantine_desk/ui/pages/relief.py" line="108"/>
        <source>Phòng</source>
        <translation>Room</translation>
    </message>
    <message>
        <location filename="../../quarantine_desk/ui/pages/relief.py" line="108"/>
        <source>đã ra</source>
        <translation>left</translation>
    </message>
    <message>
        <location filename="../../quarantine_desk/ui/pages/relief.py" line="109"/>
        <source>Họ và tên</source>
        <translation>Full name</translation>
    </message>
    <message>
        <location filename="../../quarantine_desk/ui/pages/relief.py" line="110"/>
        <source>Hộ gia đình</source>
        <translation>Household</translation>
    </message>
    <message>
        <location filename="../../quarantine_desk/ui/pages/relief.py" line="111"/>
        <source>Đã nhận lúc</source>
        <translation>Received at</translation>
    </message>
    <message>
        <location filename="../../quarantine_desk/ui/pages/relief.py" line="111"/>
        <source>chưa nhận</source>
        <translation>not yet</translation>
    </message>
    <message>
        <location filename="../../quarantine_desk/ui/pages/relief.py" line="112"/>
        <source>Người phát</source>
        <translation>Handed out by</translation>
    </message>
    <message>
        <location filename="../../quarantine_desk/ui/pages/relief.py" line="113"/>
        <source>Hàng đã nhận</source>
        <translation>Goods received</translation>
    </message>
    <message>
        <location filename="../../quarantine_desk/ui/pages/relief.py" line="167"/>
        <source>Chưa có đợt cứu trợ nào: bấm “Tạo đợt mới…”.</source>
        <translation>No relief round yet: click “New round…”.</translation>
    </message>
    <message>
        <location filename="../../quarantine_desk/ui/pages/relief.py" line="175"/>
        <source>hộ</source>
        <translation>households</translation>
    </message>
    <message>
        <location filename="../../quarantine_desk/ui/pages/relief.py" line="175"/>
        <source>người</source>
        <translation>people</translation>
    </message>
    <message>
        <location filename="../../quarantine_desk/ui/pages/relief.py" line="177"/>
        <source>Hàng phát: %1. Được nhận: %2 %3; đã phát %4, chưa phát %5.</source>
        <translation>Goods: %1. Entitled: %2 %3; handed out %4, not yet %5.</translation>
    </message>
    <message>
        <location filename="../../quarantine_desk/ui/pages/relief.py" line="185"/>
        <source>Còn lại %1 suất.</source>
        <translation>%1 sets left over.</translation>
    </message>
    <message>
        <location filename="../../quarantine_desk/ui/pages/relief.py" line="188"/>
        <source>Mỗi suất xuất kho %1 %2 %3; kho còn %4 %2.</source>
        <translation>Each set draws %1 %2 of %3 from the store; %4 %2 left.</translation>
    </message>
    <message>
        <location filename="../../quarantine_desk/ui/pages/relief.py" line="213"/>
        <source>Chưa chọn khu cách ly.</source>
        <translation>No facility chosen.</translation>
    </message>
    <message>
        <location filename="../../quarantine_desk/ui/pages/relief.py" line="219"/>
        <source>Đã tạo “%1”: %2 suất được nhận.</source>
        <translation>Made “%1”: %2 entitled shares.</translation>
    </message>
    <message>
        <location filename="../../quarantine_desk/ui/pages/relief.py" line="239"/>
        <source>Đã phát cho %1: %2.</source>
        <translation>Handed out to %1: %2.</translation>
    </message>
    <message>
        <location filename="../../quarantine_desk/ui/pages/relief.py" line="249"/>
        <source>Lưu báo cáo đợt cứu trợ</source>
        <translation>Save the relief round report</translation>
    </message>
    <message>
        <location filename="../../quarantine_desk/ui/pages/relief.py" line="274"/>
        <source>Đã lưu báo cáo đợt: %1</source>
        <translation>Round report saved: %1</translation>
    </message>
    <message>
        <location filename="../../quarantine_desk/ui/pages/relief.py" line="276"/>
        <source>Đang lập báo cáo đợt cứu trợ…</source>
        <translation>Making the relief round report…</translation>
    </message>
    <message>
        <location filename="../../forms/relief_page.ui" line="9"/>
        <source>Hàng cứu trợ</source>
        <translation>Relief goods</translation>
    </message>
    <message>
        <location filename="../../forms/relief_page.ui" line="25"/>
        <source>Đợt:</source>
        <translation>Round:</translation>
    </message>
    <message>
        <location filename="../../forms/relief_page.ui" line="39"/>
        <source>Tạo đợt mới…</source>
        <translation>New round…</translation>
    </message>
    <message>
        <location filename="../../forms/relief_page.ui" line="46"/>
        <source>Lưu báo cáo đợt…</source>
        <translation>Save round report…</translation>
    </message>
    <message>
        <location filename="../../forms/relief_page.ui" line="67"/>
        <source>Chỉ người chưa nhận</source>
        <translation>Only those not yet served</translation>
    </message>
    <message>
        <location filename="../../forms/relief_page.ui" line="87"/>
        <source>Ghi đã phát cho người đã chọn</source>
        <translation>Record a handout to the selected person</translation>
    </message>
</context>
<context>
    <name>ReliefRoundDialog</name>
    <message>
        <location filename="../../quarantine_desk/ui/pages/relief.py" line="55"/>
        <source>mỗi người một suất</source>
        <translation>one set per person</translation>
    </message>
    <message>
        <location filename="../../quarantine_desk/ui/pages/relief.py" line="56"/>
        <source>mỗi hộ gia đình một suất</source>
        <translation>one set per household</translation>
    </message>
    <message>
        <location filename="../../quarantine_desk/ui/pages/relief.py" line="57"/>
        <source>mọi người có mặt lúc</source>
        <translation>everyone present at</translation>
    </message>
    <message>
        <location filename="../../quarantine_desk/ui/pages/relief.py" line="58"/>
        <source>người ở một khu / tầng, có mặt lúc</source>
        <translation>people of one zone, present at</translation>
    </message>
    <message>
        <location filename="../../forms/relief_round_dialog.ui" line="12"/>
        <source>Tạo đợt cứu trợ</source>
        <translation>New relief round</translation>
    </message>
    <message>
        <location filename="../../forms/relief_round_dialog.ui" line="20"/>
        <source>Tên đợt:</source>
        <translation>Round name:</translation>
    </message>
    <message>
        <location filename="../../forms/relief_round_dialog.ui" line="30"/>
        <source>ví dụ: Đợt 2 – hàng Mặt trận Tổ quốc</source>
        <translation>e.g. Round 2 – Fatherland Front goods</translation>
    </message>
    <message>
        <location filename="../../forms/relief_round_dialog.ui" line="37"/>
        <source>Ngày phát:</source>
        <translation>Date:</translation>
    </message>
    <message>
        <location filename="../../forms/relief_round_dialog.ui" line="57"/>
        <source>Hàng phát:</source>
        <translation>Goods:</translation>
    </message>
    <message>
        <location filename="../../forms/relief_round_dialog.ui" line="67"/>
        <source>ví dụ: 1 thùng mì, 5 kg gạo</source>
        <translation>e.g. 1 box of noodles, 5 kg of rice</translation>
    </message>
    <message>
        <location filename="../../forms/relief_round_dialog.ui" line="74"/>
        <source>Phát cho:</source>
        <translation>Per:</translation>
    </message>
    <message>
        <location filename="../../forms/relief_round_dialog.ui" line="88"/>
        <source>Người được nhận:</source>
        <translation>Entitled:</translation>
    </message>
    <message>
        <location filename="../../forms/relief_round_dialog.ui" line="102"/>
        <source>Có mặt lúc:</source>
        <translation>Present at:</translation>
    </message>
    <message>
        <location filename="../../forms/relief_round_dialog.ui" line="122"/>
        <source>Khu / tầng:</source>
        <translation>Zone / floor:</translation>
    </message>
    <message>
        <location filename="../../forms/relief_round_dialog.ui" line="136"/>
        <source>Số suất đã chuẩn bị:</source>
        <translation>Sets prepared:</translation>
    </message>
    <message>
        <location filename="../../forms/relief_round_dialog.ui" line="146"/>
        <source>không ghi</source>
        <translation>not set</translation>
    </message>
    <message>
        <location filename="../../forms/relief_round_dialog.ui" line="155"/>
        <source>Danh sách người được nhận được chốt khi tạo đợt; mỗi người (hoặc mỗi hộ) chỉ nhận một lần.</source>
        <translation>The list of those entitled is fixed when the round is made; each person (or household) receives once.</translation>
    </message>
</context>
<context>
    <name>ReportsPage</name>
    <message>
        <location filename="../../quarantine_desk/ui/pages/reports.py" line="398"/>
        <source> (số liệu được đánh dấu: %1)</source>
        <translation> (figures marked: %1)</translation>
    </message>
    <message>
        <location filename="../../quarantine_desk/ui/pages/reports.py" line="405"/>
        <source>%1

Vẫn tổng hợp theo số liệu hiển thị và đánh dấu chúng trong báo cáo tổng hợp?</source>
        <translation>%1

Merge the figures as shown anyway, marking them in the merged report?</translation>
    </message>
    <message>
        <location filename="../../forms/reports_page.ui" line="9"/>
        <source>Báo cáo &amp; giấy tờ</source>
        <translation>Reports &amp; documents</translation>
    </message>
    <message>
        <location filename="../../forms/reports_page.ui" line="44"/>
        <source>Danh sách người cách ly</source>
        <translation>Roster</translation>
    </message>
    <message>
        <location filename="../../quarantine_desk/ui/pages/reports.py" line="95"/>
        <source>Đang cách ly</source>
        <translation>In quarantine</translation>
    </message>
    <message>
        <location filename="../../quarantine_desk/ui/pages/reports.py" line="96"/>
        <source>Vào trong ngày</source>
        <translation>Admitted today</translation>
    </message>
    <message>
        <location filename="../../quarantine_desk/ui/pages/reports.py" line="97"/>
        <source>Hoàn thành trong ngày</source>
        <translation>Released today</translation>
    </message>
    <message>
        <location filename="../../quarantine_desk/ui/pages/reports.py" line="98"/>
        <source>Dự kiến ra ngày mai</source>
        <translation>Due for release tomorrow</translation>
    </message>
    <message>
        <location filename="../../quarantine_desk/ui/pages/reports.py" line="99"/>
        <source>Dương tính / chuyển điều trị</source>
        <translation>Positive / transferred</translation>
    </message>
    <message>
        <location filename="../../forms/reports_page.ui" line="120"/>
        <location filename="../../forms/reports_page.ui" line="625"/>
        <source>Xuất Excel…</source>
        <translation>Export Excel…</translation>
    </message>
    <message>
        <location filename="../../forms/reports_page.ui" line="127"/>
        <location filename="../../forms/reports_page.ui" line="632"/>
        <source>Xuất PDF…</source>
        <translation>Export PDF…</translation>
    </message>
    <message>
        <location filename="../../forms/reports_page.ui" line="52"/>
        <location filename="../../forms/reports_page.ui" line="164"/>
        <location filename="../../forms/reports_page.ui" line="403"/>
        <source>Ngày</source>
        <translation>Date</translation>
    </message>
    <message>
        <location filename="../../forms/reports_page.ui" line="89"/>
        <source>Danh sách</source>
        <translation>Roster</translation>
    </message>
    <message>
        <location filename="../../forms/reports_page.ui" line="156"/>
        <source>Báo cáo 16 giờ</source>
        <translation>16:00 report</translation>
    </message>
    <message>
        <location filename="../../forms/reports_page.ui" line="201"/>
        <source>Khu hiện tại</source>
        <translation>Current facility</translation>
    </message>
    <message>
        <location filename="../../forms/reports_page.ui" line="211"/>
        <source>Tất cả các khu</source>
        <translation>All facilities</translation>
    </message>
    <message>
        <location filename="../../forms/reports_page.ui" line="235"/>
        <source>Xuất ra</source>
        <translation>Export to</translation>
    </message>
    <message>
        <location filename="../../forms/reports_page.ui" line="288"/>
        <source>Tổng hợp báo cáo các khu (cấp huyện)</source>
        <translation>Merge facility reports (district)</translation>
    </message>
    <message>
        <location filename="../../forms/reports_page.ui" line="296"/>
        <source>Chọn các tệp báo cáo…</source>
        <translation>Choose report files…</translation>
    </message>
    <message>
        <location filename="../../forms/reports_page.ui" line="661"/>
        <source>Nhập danh sách F1</source>
        <translation>Import contact list (F1)</translation>
    </message>
    <message>
        <location filename="../../forms/reports_page.ui" line="679"/>
        <source>Chọn tệp danh sách…</source>
        <translation>Choose a list file…</translation>
    </message>
    <message>
        <location filename="../../quarantine_desk/ui/pages/reports.py" line="181"/>
        <source>Dòng</source>
        <translation>Row</translation>
    </message>
    <message>
        <location filename="../../quarantine_desk/ui/pages/reports.py" line="182"/>
        <source>Lý do</source>
        <translation>Reason</translation>
    </message>
    <message>
        <location filename="../../forms/reports_page.ui" line="667"/>
        <source>Tệp Excel hoặc CSV của tổ truy vết. Chương trình kiểm tra từng dòng trước; chưa có ai được thêm cho tới khi bấm nút nhập.</source>
        <translation>An Excel or CSV file from the tracing team. Every row is checked first; nobody is added until you press the import button.</translation>
    </message>
    <message>
        <location filename="../../quarantine_desk/ui/pages/reports.py" line="224"/>
        <source>Lưu tệp</source>
        <translation>Save file</translation>
    </message>
    <message>
        <location filename="../../quarantine_desk/ui/pages/reports.py" line="234"/>
        <source>Chọn tệp</source>
        <translation>Choose file</translation>
    </message>
    <message>
        <location filename="../../quarantine_desk/ui/pages/reports.py" line="242"/>
        <source>Bảng tính Excel (*.xlsx)</source>
        <translation>Excel workbook (*.xlsx)</translation>
    </message>
    <message>
        <location filename="../../quarantine_desk/ui/pages/reports.py" line="243"/>
        <source>Tệp PDF (*.pdf)</source>
        <translation>PDF file (*.pdf)</translation>
    </message>
    <message>
        <location filename="../../quarantine_desk/ui/pages/reports.py" line="244"/>
        <source>Tệp JSON (*.json)</source>
        <translation>JSON file (*.json)</translation>
    </message>
    <message>
        <location filename="../../quarantine_desk/ui/pages/reports.py" line="282"/>
        <source>Chưa chọn khu cách ly.</source>
        <translation>No facility chosen.</translation>
    </message>
    <message>
        <location filename="../../quarantine_desk/ui/pages/reports.py" line="298"/>
        <source>Đang xuất danh sách…</source>
        <translation>Exporting the roster…</translation>
    </message>
    <message>
        <location filename="../../quarantine_desk/ui/pages/reports.py" line="312"/>
        <source>Đã lưu danh sách: %1</source>
        <translation>Roster saved: %1</translation>
    </message>
    <message>
        <location filename="../../quarantine_desk/ui/pages/reports.py" line="329"/>
        <source>Đang lập báo cáo 16 giờ…</source>
        <translation>Preparing the 16:00 report…</translation>
    </message>
    <message>
        <location filename="../../quarantine_desk/ui/pages/reports.py" line="343"/>
        <source>Đã lưu báo cáo ngày %1: %2</source>
        <translation>Report of %1 saved: %2</translation>
    </message>
    <message>
        <location filename="../../quarantine_desk/ui/pages/reports.py" line="359"/>
        <source>Đang lập danh sách hỗ trợ…</source>
        <translation>Making the support list…</translation>
    </message>
    <message>
        <location filename="../../quarantine_desk/ui/pages/reports.py" line="366"/>
        <source>Đã lưu danh sách hỗ trợ: %1 người, %2 đồng: %3</source>
        <translation>Support list saved: %1 people, %2 VND: %3</translation>
    </message>
    <message>
        <location filename="../../quarantine_desk/ui/pages/reports.py" line="377"/>
        <source>Báo cáo các khu (*.xlsx *.json)</source>
        <translation>Facility reports (*.xlsx *.json)</translation>
    </message>
    <message>
        <location filename="../../quarantine_desk/ui/pages/reports.py" line="387"/>
        <source>Đang tổng hợp báo cáo…</source>
        <translation>Merging reports…</translation>
    </message>
    <message>
        <location filename="../../quarantine_desk/ui/pages/reports.py" line="395"/>
        <source>Đã tổng hợp %1 báo cáo: %2</source>
        <translation>%1 reports merged: %2</translation>
    </message>
    <message>
        <location filename="../../quarantine_desk/ui/pages/reports.py" line="426"/>
        <source>Đang in giấy xác nhận…</source>
        <translation>Printing certificates…</translation>
    </message>
    <message>
        <location filename="../../quarantine_desk/ui/pages/reports.py" line="500"/>
        <source>Danh sách F1 (*.xlsx *.csv)</source>
        <translation>Contact list (*.xlsx *.csv)</translation>
    </message>
    <message>
        <location filename="../../quarantine_desk/ui/pages/reports.py" line="509"/>
        <source>Tệp: %1</source>
        <translation>File: %1</translation>
    </message>
    <message>
        <location filename="../../quarantine_desk/ui/pages/reports.py" line="512"/>
        <source>Đang kiểm tra danh sách…</source>
        <translation>Checking the list…</translation>
    </message>
    <message>
        <location filename="../../quarantine_desk/ui/pages/reports.py" line="557"/>
        <source>Nhập %1 người vào danh sách chờ</source>
        <translation>Import %1 people into the waiting list</translation>
    </message>
    <message>
        <location filename="../../quarantine_desk/ui/pages/reports.py" line="561"/>
        <source>Chưa chọn tệp.</source>
        <translation>No file chosen.</translation>
    </message>
    <message>
        <location filename="../../quarantine_desk/ui/pages/reports.py" line="566"/>
        <source>Có thể nhập %1 người; %2 người đã có (không thêm lần nữa); %3 dòng bị từ chối (xem bảng dưới).</source>
        <translation>%1 people can be imported; %2 already registered (not added again); %3 rows refused (see the table below).</translation>
    </message>
    <message>
        <location filename="../../quarantine_desk/ui/pages/reports.py" line="580"/>
        <source>Các cột: %1</source>
        <translation>Columns: %1</translation>
    </message>
    <message>
        <location filename="../../quarantine_desk/ui/pages/reports.py" line="584"/>
        <source>Đã nhập %1 người; %2 người đã có; %3 dòng không nhập.</source>
        <translation>%1 people imported; %2 already registered; %3 rows not imported.</translation>
    </message>
    <message>
        <location filename="../../quarantine_desk/ui/pages/reports.py" line="627"/>
        <source>Các dòng bị từ chối, kèm lý do, đã lưu vào %1.</source>
        <translation>The refused rows, with the reasons, were saved to %1.</translation>
    </message>
    <message>
        <location filename="../../quarantine_desk/ui/pages/reports.py" line="625"/>
        <source>Đã nhập %1 người vào danh sách chờ.</source>
        <translation>%1 people imported into the waiting list.</translation>
    </message>
    <message>
        <location filename="../../quarantine_desk/ui/pages/reports.py" line="605"/>
        <source>Đang nhập danh sách…</source>
        <translation>Importing the list…</translation>
    </message>
    <message>
        <location filename="../../forms/reports_page.ui" line="333"/>
        <source>Ngày ra</source>
        <translation>Left</translation>
    </message>
    <message>
        <location filename="../../forms/reports_page.ui" line="423"/>
        <source>Xã/phường</source>
        <translation>Commune/ward</translation>
    </message>
    <message>
        <location filename="../../forms/reports_page.ui" line="517"/>
        <source> ngày</source>
        <translation> days</translation>
    </message>
    <message>
        <location filename="../../quarantine_desk/ui/pages/reports.py" line="434"/>
        <source>Đã in %1 giấy xác nhận thời gian cách ly: %2</source>
        <translation>Printed %1 release papers: %2</translation>
    </message>
    <message>
        <location filename="../../quarantine_desk/ui/pages/reports.py" line="436"/>
        <source>Đã in %1 giấy xác nhận hoàn thành cách ly: %2</source>
        <translation>Printed %1 completion certificates: %2</translation>
    </message>
    <message>
        <location filename="../../quarantine_desk/ui/pages/reports.py" line="465"/>
        <source>Đã lưu danh sách bàn giao: %1 người, %2 xã/phường: %3</source>
        <translation>Saved the handover list: %1 people, %2 communes: %3</translation>
    </message>
    <message>
        <location filename="../../quarantine_desk/ui/pages/reports.py" line="471"/>
        <source>Đang lập danh sách bàn giao…</source>
        <translation>Making the handover list…</translation>
    </message>
    <message>
        <location filename="../../quarantine_desk/ui/pages/reports.py" line="490"/>
        <source>Đã lưu danh sách F1 chưa đến: %1 người: %2</source>
        <translation>Saved the list of F1 not arrived: %1 people: %2</translation>
    </message>
    <message>
        <location filename="../../quarantine_desk/ui/pages/reports.py" line="495"/>
        <source>Đang lập danh sách F1 chưa đến…</source>
        <translation>Making the list of F1 not arrived…</translation>
    </message>
    <message>
        <location filename="../../quarantine_desk/ui/pages/reports.py" line="551"/>
        <source>Nhập %1 người, bổ sung %2 người đã có</source>
        <translation>Import %1, complete %2 already registered</translation>
    </message>
    <message>
        <location filename="../../quarantine_desk/ui/pages/reports.py" line="573"/>
        <source>Sẽ bổ sung ô còn trống cho %1 người đã có.</source>
        <translation>The empty fields of %1 already registered will be filled.</translation>
    </message>
    <message>
        <location filename="../../quarantine_desk/ui/pages/reports.py" line="590"/>
        <source>Đã bổ sung ô còn trống cho %1 người đã có.</source>
        <translation>Filled the empty fields of %1 already registered.</translation>
    </message>
    <message>
        <location filename="../../forms/reports_page.ui" line="325"/>
        <source>Giấy tờ khi ra khu cách ly</source>
        <translation>Papers on leaving</translation>
    </message>
    <message>
        <location filename="../../forms/reports_page.ui" line="353"/>
        <source>Giấy hoàn thành (PDF)…</source>
        <translation>Completion (PDF)…</translation>
    </message>
    <message>
        <location filename="../../forms/reports_page.ui" line="356"/>
        <source>Giấy xác nhận hoàn thành cách ly của những người hoàn thành trong ngày</source>
        <translation>The completion certificates of those who completed their quarantine that day</translation>
    </message>
    <message>
        <location filename="../../forms/reports_page.ui" line="363"/>
        <source>Giấy ra sớm, về nhà (PDF)…</source>
        <translation>Early, home (PDF)…</translation>
    </message>
    <message>
        <location filename="../../forms/reports_page.ui" line="366"/>
        <source>Giấy xác nhận thời gian cách ly của những người ra sớm, chuyển cách ly tại nhà hoặc ra vì lý do khác trong ngày</source>
        <translation>The release papers of those who left early, moved to home quarantine or left for another reason that day</translation>
    </message>
    <message>
        <location filename="../../forms/reports_page.ui" line="395"/>
        <source>Danh sách gửi xã, phường</source>
        <translation>Lists for the communes</translation>
    </message>
    <message>
        <location filename="../../forms/reports_page.ui" line="433"/>
        <source>tất cả xã/phường</source>
        <translation>all communes</translation>
    </message>
    <message>
        <location filename="../../forms/reports_page.ui" line="457"/>
        <source>Bàn giao về địa phương:</source>
        <translation>Handover to the communes:</translation>
    </message>
    <message>
        <location filename="../../forms/reports_page.ui" line="467"/>
        <location filename="../../forms/reports_page.ui" line="524"/>
        <source>Excel…</source>
        <translation>Excel…</translation>
    </message>
    <message>
        <location filename="../../forms/reports_page.ui" line="474"/>
        <location filename="../../forms/reports_page.ui" line="531"/>
        <source>PDF…</source>
        <translation>PDF…</translation>
    </message>
    <message>
        <location filename="../../forms/reports_page.ui" line="498"/>
        <source>F1 chưa đến sau</source>
        <translation>F1 not arrived after</translation>
    </message>
    <message>
        <location filename="../../forms/reports_page.ui" line="560"/>
        <source>Danh sách hỗ trợ theo Nghị quyết 68/NQ-CP</source>
        <translation>Support list under Resolution 68/NQ-CP</translation>
    </message>
    <message>
        <location filename="../../forms/reports_page.ui" line="568"/>
        <source>Ra khỏi khu từ ngày</source>
        <translation>Left the facility from</translation>
    </message>
    <message>
        <location filename="../../forms/reports_page.ui" line="588"/>
        <source>đến ngày</source>
        <translation>to</translation>
    </message>
    <message>
        <location filename="../../forms/reports_page.ui" line="701"/>
        <source>Bổ sung ô còn trống của người đã có</source>
        <translation>Fill the empty fields of people already registered</translation>
    </message>
    <message>
        <location filename="../../forms/reports_page.ui" line="704"/>
        <source>Người đã có trong chương trình được bổ sung những thông tin còn trống từ danh sách; thông tin đã có không bị ghi đè.</source>
        <translation>People already registered get their empty fields filled from the list; what is recorded is never overwritten.</translation>
    </message>
</context>
<context>
    <name>RoomBoardPage</name>
    <message>
        <location filename="../../forms/room_board_page.ui" line="11"/>
        <source>Phòng &amp; giường</source>
        <translation>Rooms &amp; beds</translation>
    </message>
    <message>
        <location filename="../../quarantine_desk/ui/pages/rooms.py" line="494"/>
        <location filename="../../forms/room_board_page.ui" line="147"/>
        <source>Chọn một phòng để xem người đang ở và lịch sử</source>
        <translation>Choose a room to see its occupants and history</translation>
    </message>
    <message>
        <location filename="../../quarantine_desk/ui/pages/rooms.py" line="540"/>
        <location filename="../../quarantine_desk/ui/pages/rooms.py" line="580"/>
        <location filename="../../forms/room_board_page.ui" line="169"/>
        <source>Ghi nhận khử khuẩn</source>
        <translation>Record disinfection</translation>
    </message>
    <message>
        <location filename="../../quarantine_desk/ui/pages/rooms.py" line="518"/>
        <location filename="../../quarantine_desk/ui/pages/rooms.py" line="549"/>
        <location filename="../../forms/room_board_page.ui" line="179"/>
        <source>Ngừng sử dụng</source>
        <translation>Out of service</translation>
    </message>
    <message>
        <location filename="../../quarantine_desk/ui/pages/rooms.py" line="387"/>
        <source>Giường</source>
        <translation>Bed</translation>
    </message>
    <message>
        <location filename="../../quarantine_desk/ui/pages/rooms.py" line="389"/>
        <location filename="../../quarantine_desk/ui/pages/rooms.py" line="402"/>
        <source>Họ và tên</source>
        <translation>Full name</translation>
    </message>
    <message>
        <location filename="../../quarantine_desk/ui/pages/rooms.py" line="393"/>
        <location filename="../../quarantine_desk/ui/pages/rooms.py" line="403"/>
        <source>Ngày vào</source>
        <translation>Admitted</translation>
    </message>
    <message>
        <location filename="../../quarantine_desk/ui/pages/rooms.py" line="394"/>
        <source>Dự kiến ra</source>
        <translation>Planned release</translation>
    </message>
    <message>
        <location filename="../../quarantine_desk/ui/pages/rooms.py" line="404"/>
        <source>Ngày ra</source>
        <translation>Left</translation>
    </message>
    <message>
        <location filename="../../quarantine_desk/ui/pages/rooms.py" line="405"/>
        <source>Kết quả</source>
        <translation>Result</translation>
    </message>
    <message>
        <location filename="../../forms/room_board_page.ui" line="204"/>
        <source>Đang ở</source>
        <translation>Occupants</translation>
    </message>
    <message>
        <location filename="../../forms/room_board_page.ui" line="217"/>
        <source>Lịch sử phòng</source>
        <translation>Room history</translation>
    </message>
    <message>
        <location filename="../../quarantine_desk/ui/pages/rooms.py" line="433"/>
        <source>Chuyển điều trị: %1</source>
        <translation>Transferred to treatment: %1</translation>
    </message>
    <message>
        <location filename="../../quarantine_desk/ui/pages/rooms.py" line="435"/>
        <source>Hoàn thành</source>
        <translation>Completed</translation>
    </message>
    <message>
        <location filename="../../quarantine_desk/ui/pages/rooms.py" line="444"/>
        <source>còn %1 ngày</source>
        <translation>%1 days left</translation>
    </message>
    <message>
        <location filename="../../quarantine_desk/ui/pages/rooms.py" line="445"/>
        <source>đến hạn ra</source>
        <translation>due for release</translation>
    </message>
    <message>
        <location filename="../../quarantine_desk/ui/pages/rooms.py" line="474"/>
        <source>Giường: %1 · Đang có người: %2 · Còn trống: %3 · Tạm đóng: %4</source>
        <translation>Beds: %1 · Occupied: %2 · Free: %3 · Closed: %4</translation>
    </message>
    <message>
        <location filename="../../quarantine_desk/ui/pages/rooms.py" line="482"/>
        <source>Cảnh báo: đã dùng %1 % số giường</source>
        <translation>Warning: %1 % of the beds in use</translation>
    </message>
    <message>
        <location filename="../../quarantine_desk/ui/pages/rooms.py" line="499"/>
        <source>Phòng %1 · %2</source>
        <translation>Room %1 · %2</translation>
    </message>
    <message>
        <location filename="../../quarantine_desk/ui/pages/rooms.py" line="503"/>
        <source>%1/%2 giường</source>
        <translation>%1/%2 beds</translation>
    </message>
    <message>
        <location filename="../../quarantine_desk/ui/pages/rooms.py" line="506"/>
        <source>nhóm %1</source>
        <translation>cohort %1</translation>
    </message>
    <message>
        <location filename="../../quarantine_desk/ui/pages/rooms.py" line="511"/>
        <source>khử khuẩn lần cuối %1 (%2)</source>
        <translation>last disinfected %1 (%2)</translation>
    </message>
    <message>
        <location filename="../../quarantine_desk/ui/pages/rooms.py" line="518"/>
        <location filename="../../quarantine_desk/ui/pages/rooms.py" line="545"/>
        <source>Sử dụng lại</source>
        <translation>Back in service</translation>
    </message>
    <message>
        <location filename="../../quarantine_desk/ui/pages/rooms.py" line="581"/>
        <source>Phòng %1 đã được khử khuẩn. Người thực hiện:</source>
        <translation>Room %1 was disinfected. By:</translation>
    </message>
    <message>
        <location filename="../../quarantine_desk/ui/pages/rooms.py" line="590"/>
        <source>Đã ghi nhận khử khuẩn phòng %1.</source>
        <translation>Disinfection of room %1 recorded.</translation>
    </message>
    <message>
        <location filename="../../quarantine_desk/ui/pages/rooms.py" line="602"/>
        <source>Phòng %1 được sử dụng lại.</source>
        <translation>Room %1 is back in service.</translation>
    </message>
    <message>
        <location filename="../../quarantine_desk/ui/pages/rooms.py" line="604"/>
        <source>Phòng %1 đã ngừng sử dụng.</source>
        <translation>Room %1 is out of service.</translation>
    </message>
    <message>
        <location filename="../../quarantine_desk/ui/pages/rooms.py" line="437"/>
        <source>Ra sớm: %1</source>
        <translation>Released early: %1</translation>
    </message>
    <message>
        <location filename="../../quarantine_desk/ui/pages/rooms.py" line="439"/>
        <source>Cách ly tại nhà: %1</source>
        <translation>Home quarantine: %1</translation>
    </message>
    <message>
        <location filename="../../quarantine_desk/ui/pages/rooms.py" line="440"/>
        <source>Khác: %1</source>
        <translation>Other: %1</translation>
    </message>
    <message>
        <location filename="../../quarantine_desk/ui/pages/rooms.py" line="422"/>
        <source>Phân loại: %1</source>
        <translation>Contact level: %1</translation>
    </message>
    <message>
        <location filename="../../quarantine_desk/ui/pages/rooms.py" line="425"/>
        <source>Cần theo dõi đặc biệt: %1</source>
        <translation>Needs special watch: %1</translation>
    </message>
    <message>
        <location filename="../../quarantine_desk/ui/pages/rooms.py" line="446"/>
        <source>%1 người cần theo dõi đặc biệt</source>
        <translation>%1 needing special watch</translation>
    </message>
</context>
<context>
    <name>RoomDialog</name>
    <message>
        <location filename="../../quarantine_desk/ui/pages/admin_dialogs.py" line="201"/>
        <source>Sửa phòng {0}</source>
        <translation>Edit room {0}</translation>
    </message>
    <message>
        <location filename="../../forms/room_dialog.ui" line="17"/>
        <source>Khu / tầng:</source>
        <translation>Zone / floor:</translation>
    </message>
    <message>
        <location filename="../../forms/room_dialog.ui" line="27"/>
        <source>Số giường:</source>
        <translation>Beds:</translation>
    </message>
    <message>
        <location filename="../../forms/room_dialog.ui" line="44"/>
        <source>Giới tính:</source>
        <translation>Sex:</translation>
    </message>
</context>
<context>
    <name>ShiftsPage</name>
    <message>
        <location filename="../../forms/shifts_page.ui" line="11"/>
        <source>Ca trực</source>
        <translation>Shifts</translation>
    </message>
    <message>
        <location filename="../../forms/shifts_page.ui" line="37"/>
        <source>◀ Tuần trước</source>
        <translation>◀ Previous week</translation>
    </message>
    <message>
        <location filename="../../forms/shifts_page.ui" line="44"/>
        <source>Tuần này</source>
        <translation>This week</translation>
    </message>
    <message>
        <location filename="../../forms/shifts_page.ui" line="51"/>
        <source>Tuần sau ▶</source>
        <translation>Next week ▶</translation>
    </message>
    <message>
        <location filename="../../forms/shifts_page.ui" line="94"/>
        <source>Lập lịch ca…</source>
        <translation>Plan shifts…</translation>
    </message>
    <message>
        <location filename="../../forms/shifts_page.ui" line="178"/>
        <source>Ca đang chọn</source>
        <translation>Chosen shift</translation>
    </message>
    <message>
        <location filename="../../quarantine_desk/ui/pages/shifts.py" line="660"/>
        <location filename="../../forms/shifts_page.ui" line="184"/>
        <source>Chọn một ô trong lịch tuần.</source>
        <translation>Choose a cell in the week.</translation>
    </message>
    <message>
        <location filename="../../quarantine_desk/ui/pages/shifts.py" line="250"/>
        <location filename="../../quarantine_desk/ui/pages/shifts.py" line="264"/>
        <source>Họ và tên</source>
        <translation>Full name</translation>
    </message>
    <message>
        <location filename="../../quarantine_desk/ui/pages/shifts.py" line="251"/>
        <location filename="../../quarantine_desk/ui/pages/shifts.py" line="265"/>
        <source>Chức vụ</source>
        <translation>Position</translation>
    </message>
    <message>
        <location filename="../../forms/shifts_page.ui" line="213"/>
        <source>Bỏ phân công</source>
        <translation>Take off the shift</translation>
    </message>
    <message>
        <location filename="../../forms/shifts_page.ui" line="225"/>
        <source>Nhân viên</source>
        <translation>Staff</translation>
    </message>
    <message>
        <location filename="../../forms/shifts_page.ui" line="311"/>
        <source>Phân công vào ca</source>
        <translation>Put on the shift</translation>
    </message>
    <message>
        <location filename="../../forms/shifts_page.ui" line="291"/>
        <source>Thêm nhân viên…</source>
        <translation>Add staff…</translation>
    </message>
    <message>
        <location filename="../../quarantine_desk/ui/pages/shifts.py" line="462"/>
        <source>Thứ Hai</source>
        <translation>Monday</translation>
    </message>
    <message>
        <location filename="../../quarantine_desk/ui/pages/shifts.py" line="463"/>
        <source>Thứ Ba</source>
        <translation>Tuesday</translation>
    </message>
    <message>
        <location filename="../../quarantine_desk/ui/pages/shifts.py" line="464"/>
        <source>Thứ Tư</source>
        <translation>Wednesday</translation>
    </message>
    <message>
        <location filename="../../quarantine_desk/ui/pages/shifts.py" line="465"/>
        <source>Thứ Năm</source>
        <translation>Thursday</translation>
    </message>
    <message>
        <location filename="../../quarantine_desk/ui/pages/shifts.py" line="466"/>
        <source>Thứ Sáu</source>
        <translation>Friday</translation>
    </message>
    <message>
        <location filename="../../quarantine_desk/ui/pages/shifts.py" line="467"/>
        <source>Thứ Bảy</source>
        <translation>Saturday</translation>
    </message>
    <message>
        <location filename="../../quarantine_desk/ui/pages/shifts.py" line="468"/>
        <source>Chủ nhật</source>
        <translation>Sunday</translation>
    </message>
    <message>
        <location filename="../../quarantine_desk/ui/pages/shifts.py" line="476"/>
        <source>Chưa có người</source>
        <translation>Nobody yet</translation>
    </message>
    <message>
        <location filename="../../quarantine_desk/ui/pages/shifts.py" line="479"/>
        <source>+%1 người</source>
        <translation>+%1 more</translation>
    </message>
    <message>
        <location filename="../../quarantine_desk/ui/pages/shifts.py" line="485"/>
        <source>Chưa lập lịch ca này.</source>
        <translation>This shift is not planned.</translation>
    </message>
    <message>
        <location filename="../../quarantine_desk/ui/pages/shifts.py" line="494"/>
        <source>Ngày</source>
        <translation>Date</translation>
    </message>
    <message>
        <location filename="../../quarantine_desk/ui/pages/shifts.py" line="571"/>
        <source>Tuần %1 – %2</source>
        <translation>Week %1 – %2</translation>
    </message>
    <message>
        <location filename="../../quarantine_desk/ui/pages/shifts.py" line="606"/>
        <source>Chưa chọn khu cách ly.</source>
        <translation>No facility chosen.</translation>
    </message>
    <message>
        <location filename="../../quarantine_desk/ui/pages/shifts.py" line="608"/>
        <source>Chưa lập lịch ca trực cho tuần này.</source>
        <translation>No shifts are planned for this week.</translation>
    </message>
    <message>
        <location filename="../../quarantine_desk/ui/pages/shifts.py" line="611"/>
        <source>Đủ người trực 24/24 cả tuần.</source>
        <translation>Someone is on duty around the clock all week.</translation>
    </message>
    <message>
        <location filename="../../quarantine_desk/ui/pages/shifts.py" line="613"/>
        <source>%1 ca chưa có người.</source>
        <translation>%1 shift(s) with nobody on them.</translation>
    </message>
    <message>
        <location filename="../../quarantine_desk/ui/pages/shifts.py" line="617"/>
        <source>Không có ai trực: %1</source>
        <translation>Nobody on duty: %1</translation>
    </message>
    <message>
        <location filename="../../quarantine_desk/ui/pages/shifts.py" line="693"/>
        <source>Chọn một ca trong lịch và một nhân viên trong danh sách.</source>
        <translation>Choose a shift in the week and a person in the staff list.</translation>
    </message>
    <message>
        <location filename="../../quarantine_desk/ui/pages/shifts.py" line="711"/>
        <source>Đã phân công %1 vào %2.</source>
        <translation>%1 is on %2.</translation>
    </message>
    <message>
        <location filename="../../quarantine_desk/ui/pages/shifts.py" line="717"/>
        <source>Lưu ý: %1 trực %2 giờ trong 24 giờ (quá 16 giờ).</source>
        <translation>Note: %1 works %2 hours in 24 (more than 16).</translation>
    </message>
    <message>
        <location filename="../../quarantine_desk/ui/pages/shifts.py" line="737"/>
        <source>Đã bỏ phân công %1 khỏi %2.</source>
        <translation>%1 is off %2.</translation>
    </message>
    <message>
        <location filename="../../quarantine_desk/ui/pages/shifts.py" line="756"/>
        <source>Đã lập %1 ca trực mới.</source>
        <translation>%1 new shift(s) planned.</translation>
    </message>
    <message>
        <location filename="../../quarantine_desk/ui/pages/shifts.py" line="758"/>
        <source>%1 ca đã có từ trước.</source>
        <translation>%1 shift(s) were there already.</translation>
    </message>
    <message>
        <location filename="../../quarantine_desk/ui/pages/shifts.py" line="772"/>
        <source>Đã thêm %1.</source>
        <translation>%1 added.</translation>
    </message>
    <message>
        <location filename="../../quarantine_desk/ui/pages/shifts.py" line="290"/>
        <source>Test nhanh: âm tính</source>
        <translation>Rapid test: negative</translation>
    </message>
    <message>
        <location filename="../../quarantine_desk/ui/pages/shifts.py" line="291"/>
        <source>Test nhanh: dương tính</source>
        <translation>Rapid test: positive</translation>
    </message>
    <message>
        <location filename="../../quarantine_desk/ui/pages/shifts.py" line="292"/>
        <source>RT-PCR: âm tính</source>
        <translation>RT-PCR: negative</translation>
    </message>
    <message>
        <location filename="../../quarantine_desk/ui/pages/shifts.py" line="293"/>
        <source>RT-PCR: dương tính</source>
        <translation>RT-PCR: positive</translation>
    </message>
    <message>
        <location filename="../../quarantine_desk/ui/pages/shifts.py" line="313"/>
        <source>chưa có</source>
        <translation>none yet</translation>
    </message>
    <message>
        <location filename="../../quarantine_desk/ui/pages/shifts.py" line="315"/>
        <source>âm tính</source>
        <translation>negative</translation>
    </message>
    <message>
        <location filename="../../quarantine_desk/ui/pages/shifts.py" line="316"/>
        <source>dương tính</source>
        <translation>positive</translation>
    </message>
    <message>
        <location filename="../../quarantine_desk/ui/pages/shifts.py" line="317"/>
        <source>chờ kết quả</source>
        <translation>pending</translation>
    </message>
    <message>
        <location filename="../../quarantine_desk/ui/pages/shifts.py" line="326"/>
        <source>%1 (quá hạn)</source>
        <translation>%1 (overdue)</translation>
    </message>
    <message>
        <location filename="../../quarantine_desk/ui/pages/shifts.py" line="343"/>
        <source>Phải cách ly · %1 ca cần thay</source>
        <translation>Must quarantine · %1 shifts to cover</translation>
    </message>
    <message>
        <location filename="../../quarantine_desk/ui/pages/shifts.py" line="360"/>
        <source>Nhân viên xét nghiệm mỗi %1 ngày.</source>
        <translation>Staff are tested every %1 days.</translation>
    </message>
    <message>
        <location filename="../../quarantine_desk/ui/pages/shifts.py" line="362"/>
        <source>Nhân viên không xét nghiệm theo lịch.</source>
        <translation>Staff are not tested on a schedule.</translation>
    </message>
    <message>
        <location filename="../../quarantine_desk/ui/pages/shifts.py" line="375"/>
        <source>Đã ghi xét nghiệm của %1.</source>
        <translation>Test of %1 recorded.</translation>
    </message>
    <message>
        <location filename="../../quarantine_desk/ui/pages/shifts.py" line="377"/>
        <source>%1 phải cách ly: không phân công trực.</source>
        <translation>%1 must quarantine: no duty shifts.</translation>
    </message>
    <message>
        <location filename="../../quarantine_desk/ui/pages/shifts.py" line="379"/>
        <source>Kho đã hết kit loại này.</source>
        <translation>The store has no kit of this kind left.</translation>
    </message>
    <message>
        <location filename="../../quarantine_desk/ui/pages/shifts.py" line="407"/>
        <source>%1 không còn phải cách ly.</source>
        <translation>%1 no longer has to quarantine.</translation>
    </message>
    <message>
        <location filename="../../quarantine_desk/ui/pages/shifts.py" line="409"/>
        <source>%1 phải cách ly (tiếp xúc).</source>
        <translation>%1 must quarantine (exposure).</translation>
    </message>
    <message>
        <location filename="../../quarantine_desk/ui/pages/shifts.py" line="421"/>
        <source>Lưu tệp</source>
        <translation>Save file</translation>
    </message>
    <message>
        <location filename="../../quarantine_desk/ui/pages/shifts.py" line="445"/>
        <source>Đã ghi %1</source>
        <translation>Written: %1</translation>
    </message>
    <message>
        <location filename="../../quarantine_desk/ui/pages/shifts.py" line="454"/>
        <source>Lịch trực tuần</source>
        <translation>Week&apos;s duty roster</translation>
    </message>
    <message>
        <location filename="../../quarantine_desk/ui/pages/shifts.py" line="679"/>
        <source>Hết cách ly</source>
        <translation>Quarantine over</translation>
    </message>
    <message>
        <location filename="../../quarantine_desk/ui/pages/shifts.py" line="344"/>
        <location filename="../../quarantine_desk/ui/pages/shifts.py" line="681"/>
        <location filename="../../forms/shifts_page.ui" line="280"/>
        <source>Phải cách ly</source>
        <translation>Must quarantine</translation>
    </message>
    <message>
        <location filename="../../forms/shifts_page.ui" line="101"/>
        <source>Lưu lịch trực tuần…</source>
        <translation>Save the week&apos;s roster…</translation>
    </message>
    <message>
        <location filename="../../forms/shifts_page.ui" line="237"/>
        <source>Xét nghiệm nhân viên</source>
        <translation>Staff tests</translation>
    </message>
    <message>
        <location filename="../../forms/shifts_page.ui" line="247"/>
        <source>không theo lịch</source>
        <translation>no schedule</translation>
    </message>
    <message>
        <location filename="../../forms/shifts_page.ui" line="250"/>
        <source>mỗi </source>
        <translation>every </translation>
    </message>
    <message>
        <location filename="../../forms/shifts_page.ui" line="253"/>
        <source> ngày</source>
        <translation> days</translation>
    </message>
    <message>
        <location filename="../../forms/shifts_page.ui" line="273"/>
        <source>Ghi xét nghiệm</source>
        <translation>Record a test</translation>
    </message>
    <message>
        <location filename="../../quarantine_desk/ui/pages/shifts.py" line="266"/>
        <source>Xét nghiệm, cách ly</source>
        <translation>Tests, quarantine</translation>
    </message>
    <message>
        <location filename="../../quarantine_desk/ui/pages/shifts.py" line="336"/>
        <source>%1 · lần tới %2</source>
        <translation>%1 · next %2</translation>
    </message>
    <message>
        <location filename="../../quarantine_desk/ui/pages/shifts.py" line="477"/>
        <source> (cách ly)</source>
        <translation> (quarantine)</translation>
    </message>
</context>
<context>
    <name>StaffDialog</name>
    <message>
        <location filename="../../forms/staff_dialog.ui" line="12"/>
        <source>Thêm nhân viên trực</source>
        <translation>Add a staff member</translation>
    </message>
    <message>
        <location filename="../../forms/staff_dialog.ui" line="60"/>
        <source>ví dụ: 0905 123 456</source>
        <translation>e.g. 0905 123 456</translation>
    </message>
    <message>
        <location filename="../../forms/staff_dialog.ui" line="20"/>
        <source>Họ và tên:</source>
        <translation>Full name:</translation>
    </message>
    <message>
        <location filename="../../forms/staff_dialog.ui" line="33"/>
        <source>Chức vụ:</source>
        <translation>Position:</translation>
    </message>
    <message>
        <location filename="../../forms/staff_dialog.ui" line="50"/>
        <source>Số điện thoại:</source>
        <translation>Phone:</translation>
    </message>
</context>
<context>
    <name>SuppliesPage</name>
    <message>
        <location filename="../../forms/supplies_page.ui" line="9"/>
        <source>Vật tư</source>
        <translation>Supplies</translation>
    </message>
    <message>
        <location filename="../../quarantine_desk/ui/pages/supplies.py" line="225"/>
        <source>Mã</source>
        <translation>Code</translation>
    </message>
    <message>
        <location filename="../../quarantine_desk/ui/pages/supplies.py" line="226"/>
        <source>Tên vật tư</source>
        <translation>Item</translation>
    </message>
    <message>
        <location filename="../../quarantine_desk/ui/pages/supplies.py" line="227"/>
        <source>Tồn kho</source>
        <translation>In store</translation>
    </message>
    <message>
        <location filename="../../quarantine_desk/ui/pages/supplies.py" line="228"/>
        <source>Đơn vị</source>
        <translation>Unit</translation>
    </message>
    <message>
        <location filename="../../quarantine_desk/ui/pages/supplies.py" line="229"/>
        <source>Tối thiểu</source>
        <translation>Minimum</translation>
    </message>
    <message>
        <location filename="../../quarantine_desk/ui/pages/supplies.py" line="230"/>
        <source>Đủ dùng</source>
        <translation>Lasts</translation>
    </message>
    <message>
        <location filename="../../quarantine_desk/ui/pages/supplies.py" line="231"/>
        <source>Tình trạng</source>
        <translation>State</translation>
    </message>
    <message>
        <location filename="../../forms/supplies_page.ui" line="61"/>
        <source>Nhập kho</source>
        <translation>Receive</translation>
    </message>
    <message>
        <location filename="../../forms/supplies_page.ui" line="68"/>
        <source>Xuất kho</source>
        <translation>Issue</translation>
    </message>
    <message>
        <location filename="../../forms/supplies_page.ui" line="75"/>
        <source>Phân phối hàng cứu trợ…</source>
        <translation>Distribute relief goods…</translation>
    </message>
    <message>
        <location filename="../../forms/supplies_page.ui" line="89"/>
        <source>Thêm vật tư…</source>
        <translation>Add item…</translation>
    </message>
    <message>
        <location filename="../../quarantine_desk/ui/pages/supplies.py" line="250"/>
        <source>Thời điểm</source>
        <translation>Time</translation>
    </message>
    <message>
        <location filename="../../quarantine_desk/ui/pages/supplies.py" line="252"/>
        <source>Nhập / xuất</source>
        <translation>In / out</translation>
    </message>
    <message>
        <location filename="../../quarantine_desk/ui/pages/supplies.py" line="252"/>
        <source>Nhập</source>
        <translation>In</translation>
    </message>
    <message>
        <location filename="../../quarantine_desk/ui/pages/supplies.py" line="252"/>
        <source>Xuất</source>
        <translation>Out</translation>
    </message>
    <message>
        <location filename="../../quarantine_desk/ui/pages/supplies.py" line="254"/>
        <source>Số lượng</source>
        <translation>Quantity</translation>
    </message>
    <message>
        <location filename="../../quarantine_desk/ui/pages/supplies.py" line="255"/>
        <source>Còn lại</source>
        <translation>Balance</translation>
    </message>
    <message>
        <location filename="../../quarantine_desk/ui/pages/supplies.py" line="257"/>
        <source>Lý do</source>
        <translation>Reason</translation>
    </message>
    <message>
        <location filename="../../quarantine_desk/ui/pages/supplies.py" line="259"/>
        <source>Người ghi</source>
        <translation>Recorded by</translation>
    </message>
    <message>
        <location filename="../../quarantine_desk/ui/pages/supplies.py" line="356"/>
        <location filename="../../forms/supplies_page.ui" line="112"/>
        <source>Nhập, xuất gần đây</source>
        <translation>Recent receipts and issues</translation>
    </message>
    <message>
        <location filename="../../quarantine_desk/ui/pages/supplies.py" line="317"/>
        <source>%1 ngày</source>
        <translation>%1 days</translation>
    </message>
    <message>
        <location filename="../../quarantine_desk/ui/pages/supplies.py" line="329"/>
        <source>Dưới mức tối thiểu</source>
        <translation>Below minimum</translation>
    </message>
    <message>
        <location filename="../../quarantine_desk/ui/pages/supplies.py" line="331"/>
        <source>Sắp hết</source>
        <translation>Running out</translation>
    </message>
    <message>
        <location filename="../../quarantine_desk/ui/pages/supplies.py" line="332"/>
        <source>Đủ</source>
        <translation>Enough</translation>
    </message>
    <message>
        <location filename="../../quarantine_desk/ui/pages/supplies.py" line="354"/>
        <source>Nhập, xuất gần đây: %1</source>
        <translation>Recent receipts and issues: %1</translation>
    </message>
    <message>
        <location filename="../../quarantine_desk/ui/pages/supplies.py" line="390"/>
        <source>Đã nhập %1 %2 %3; còn %4.</source>
        <translation>Received %1 %2 of %3; %4 in store.</translation>
    </message>
    <message>
        <location filename="../../quarantine_desk/ui/pages/supplies.py" line="390"/>
        <source>Đã xuất %1 %2 %3; còn %4.</source>
        <translation>Issued %1 %2 of %3; %4 in store.</translation>
    </message>
    <message>
        <location filename="../../quarantine_desk/ui/pages/supplies.py" line="402"/>
        <source>Đã thêm vật tư %1.</source>
        <translation>Added item %1.</translation>
    </message>
    <message>
        <location filename="../../quarantine_desk/ui/pages/supplies.py" line="414"/>
        <source>Đã phân phối %1 %2 cho %3 người (mỗi người %4); còn lại %5 trong kho.</source>
        <translation>Distributed %1 %2 to %3 people (%4 each); %5 stay in store.</translation>
    </message>
    <message>
        <location filename="../../quarantine_desk/ui/pages/supplies.py" line="575"/>
        <source>%1 vật tư dưới mức tối thiểu.</source>
        <translation>Items below their minimum: %1.</translation>
    </message>
    <message>
        <location filename="../../quarantine_desk/ui/pages/supplies.py" line="577"/>
        <source>Không có vật tư nào dưới mức tối thiểu.</source>
        <translation>No item is below its minimum.</translation>
    </message>
    <message>
        <location filename="../../quarantine_desk/ui/pages/supplies.py" line="270"/>
        <source>Ngày</source>
        <translation>Date</translation>
    </message>
    <message>
        <location filename="../../quarantine_desk/ui/pages/supplies.py" line="271"/>
        <source>Test nhanh</source>
        <translation>Rapid tests</translation>
    </message>
    <message>
        <location filename="../../quarantine_desk/ui/pages/supplies.py" line="272"/>
        <source>Còn kit nhanh</source>
        <translation>Rapid kits left</translation>
    </message>
    <message>
        <location filename="../../quarantine_desk/ui/pages/supplies.py" line="273"/>
        <source>RT-PCR</source>
        <translation>RT-PCR</translation>
    </message>
    <message>
        <location filename="../../quarantine_desk/ui/pages/supplies.py" line="274"/>
        <source>Còn kit PCR</source>
        <translation>PCR kits left</translation>
    </message>
    <message>
        <location filename="../../quarantine_desk/ui/pages/supplies.py" line="294"/>
        <source>Làm kit test nhanh (mỗi lần xét nghiệm trừ 1)</source>
        <translation>Rapid test kit (each test uses 1)</translation>
    </message>
    <message>
        <location filename="../../quarantine_desk/ui/pages/supplies.py" line="295"/>
        <source>Làm kit RT-PCR (mỗi lần xét nghiệm trừ 1)</source>
        <translation>RT-PCR kit (each test uses 1)</translation>
    </message>
    <message>
        <location filename="../../quarantine_desk/ui/pages/supplies.py" line="296"/>
        <source>Không phải kit xét nghiệm</source>
        <translation>Not a test kit</translation>
    </message>
    <message>
        <location filename="../../quarantine_desk/ui/pages/supplies.py" line="325"/>
        <source>Kit test nhanh</source>
        <translation>Rapid test kit</translation>
    </message>
    <message>
        <location filename="../../quarantine_desk/ui/pages/supplies.py" line="327"/>
        <source>Kit RT-PCR</source>
        <translation>RT-PCR kit</translation>
    </message>
    <message>
        <location filename="../../quarantine_desk/ui/pages/supplies.py" line="444"/>
        <source>%1 là kit xét nghiệm: mỗi lần xét nghiệm trừ 1 %2.</source>
        <translation>%1 is a test kit: each test uses 1 %2.</translation>
    </message>
    <message>
        <location filename="../../quarantine_desk/ui/pages/supplies.py" line="448"/>
        <source>%1 không còn là kit xét nghiệm.</source>
        <translation>%1 is no longer a test kit.</translation>
    </message>
    <message>
        <location filename="../../quarantine_desk/ui/pages/supplies.py" line="460"/>
        <source>Lưu tệp</source>
        <translation>Save file</translation>
    </message>
    <message>
        <location filename="../../quarantine_desk/ui/pages/supplies.py" line="483"/>
        <source>Đã ghi %1</source>
        <translation>Written: %1</translation>
    </message>
    <message>
        <location filename="../../quarantine_desk/ui/pages/supplies.py" line="500"/>
        <source>Phiếu đề nghị cấp vật tư</source>
        <translation>Supply request sheet</translation>
    </message>
    <message>
        <location filename="../../quarantine_desk/ui/pages/supplies.py" line="513"/>
        <source>Báo cáo xuất nhập tồn</source>
        <translation>Stock report</translation>
    </message>
    <message>
        <location filename="../../quarantine_desk/ui/pages/supplies.py" line="550"/>
        <source>Theo lịch: %1 lần test nhanh, %2 lần RT-PCR trong %3 ngày.</source>
        <translation>By the schedule: %1 rapid tests, %2 RT-PCR tests in %3 days.</translation>
    </message>
    <message>
        <location filename="../../quarantine_desk/ui/pages/supplies.py" line="556"/>
        <source>Chưa có vật tư nào làm kit: chọn vật tư rồi bấm «Kit xét nghiệm».</source>
        <translation>No item is a test kit yet: choose an item, then «Test kit».</translation>
    </message>
    <message>
        <location filename="../../quarantine_desk/ui/pages/supplies.py" line="558"/>
        <source>THIẾU KIT TỪ NGÀY %1.</source>
        <translation>KITS RUN SHORT FROM %1.</translation>
    </message>
    <message>
        <location filename="../../quarantine_desk/ui/pages/supplies.py" line="560"/>
        <source>Đủ kit cho %1 ngày tới.</source>
        <translation>Enough kits for the next %1 days.</translation>
    </message>
    <message>
        <location filename="../../forms/supplies_page.ui" line="129"/>
        <source>Dự báo kit xét nghiệm theo lịch</source>
        <translation>Test kits by the schedule</translation>
    </message>
    <message>
        <location filename="../../forms/supplies_page.ui" line="148"/>
        <source>Dự trù cho</source>
        <translation>Plan for</translation>
    </message>
    <message>
        <location filename="../../forms/supplies_page.ui" line="158"/>
        <source> ngày</source>
        <translation> days</translation>
    </message>
    <message>
        <location filename="../../forms/supplies_page.ui" line="181"/>
        <source>Phiếu đề nghị cấp…</source>
        <translation>Request sheet…</translation>
    </message>
    <message>
        <location filename="../../forms/supplies_page.ui" line="192"/>
        <source>Xuất nhập tồn từ</source>
        <translation>Stock report from</translation>
    </message>
    <message>
        <location filename="../../forms/supplies_page.ui" line="212"/>
        <source>đến</source>
        <translation>to</translation>
    </message>
    <message>
        <location filename="../../forms/supplies_page.ui" line="239"/>
        <source>Báo cáo xuất nhập tồn…</source>
        <translation>Stock report…</translation>
    </message>
    <message>
        <location filename="../../forms/supplies_page.ui" line="82"/>
        <source>Kit xét nghiệm</source>
        <translation>Test kit</translation>
    </message>
</context>
<context>
    <name>Task</name>
    <message>
        <location filename="../../quarantine_desk/ui/tasks.py" line="138"/>
        <source>Hủy</source>
        <translation>Cancel</translation>
    </message>
    <message>
        <location filename="../../quarantine_desk/ui/tasks.py" line="168"/>
        <source>Đang dừng…</source>
        <translation>Stopping…</translation>
    </message>
</context>
<context>
    <name>UserDialog</name>
    <message>
        <location filename="../../forms/user_dialog.ui" line="93"/>
        <source>Làm việc tại:</source>
        <translation>Works at:</translation>
    </message>
    <message>
        <location filename="../../forms/user_dialog.ui" line="108"/>
        <source>Cả huyện (mọi khu cách ly)</source>
        <translation>Whole district (every facility)</translation>
    </message>
    <message>
        <location filename="../../forms/user_dialog.ui" line="115"/>
        <source>Đánh dấu các khu cách ly người dùng làm việc</source>
        <translation>Tick the facilities the user works at</translation>
    </message>
    <message>
        <location filename="../../quarantine_desk/ui/pages/admin_dialogs.py" line="320"/>
        <source>Vai trò và khu cách ly của {0}</source>
        <translation>Role and facilities of {0}</translation>
    </message>
    <message>
        <location filename="../../quarantine_desk/ui/pages/admin_dialogs.py" line="345"/>
        <source>Chọn ít nhất một khu cách ly, hoặc cả huyện.</source>
        <translation>Choose at least one facility, or the whole district.</translation>
    </message>
    <message>
        <location filename="../../forms/user_dialog.ui" line="12"/>
        <source>Thêm người dùng</source>
        <translation>Add a user</translation>
    </message>
    <message>
        <location filename="../../forms/user_dialog.ui" line="20"/>
        <source>Tên đăng nhập:</source>
        <translation>User name:</translation>
    </message>
    <message>
        <location filename="../../forms/user_dialog.ui" line="33"/>
        <source>Họ và tên:</source>
        <translation>Full name:</translation>
    </message>
    <message>
        <location filename="../../forms/user_dialog.ui" line="46"/>
        <source>Vai trò:</source>
        <translation>Role:</translation>
    </message>
    <message>
        <location filename="../../forms/user_dialog.ui" line="59"/>
        <source>Mật khẩu:</source>
        <translation>Password:</translation>
    </message>
    <message>
        <location filename="../../forms/user_dialog.ui" line="76"/>
        <source>Nhập lại mật khẩu:</source>
        <translation>Repeat password:</translation>
    </message>
    <message>
        <location filename="../../quarantine_desk/ui/pages/admin_dialogs.py" line="342"/>
        <source>Hai lần nhập mật khẩu không khớp.</source>
        <translation>The two passwords differ.</translation>
    </message>
</context>
<context>
    <name>UsersTab</name>
    <message>
        <location filename="../../forms/users_tab.ui" line="48"/>
        <source>Vai trò và khu cách ly…</source>
        <translation>Role and facilities…</translation>
    </message>
    <message>
        <location filename="../../forms/users_tab.ui" line="58"/>
        <source>Mở khóa đăng nhập</source>
        <translation>Unlock login</translation>
    </message>
    <message>
        <location filename="../../forms/users_tab.ui" line="55"/>
        <source>Cho đăng nhập lại ngay, không phải chờ sau nhiều lần nhập sai mật khẩu</source>
        <translation>Let the user log in again now, without waiting after wrong passwords</translation>
    </message>
    <message>
        <location filename="../../forms/users_tab.ui" line="27"/>
        <source>Thêm người dùng…</source>
        <translation>Add a user…</translation>
    </message>
    <message>
        <location filename="../../forms/users_tab.ui" line="34"/>
        <source>Đặt lại mật khẩu…</source>
        <translation>Reset password…</translation>
    </message>
    <message>
        <location filename="../../quarantine_desk/ui/pages/admin.py" line="565"/>
        <location filename="../../forms/users_tab.ui" line="41"/>
        <source>Khóa tài khoản</source>
        <translation>Deactivate account</translation>
    </message>
    <message>
        <location filename="../../quarantine_desk/ui/pages/admin.py" line="565"/>
        <source>Mở tài khoản</source>
        <translation>Reactivate account</translation>
    </message>
    <message>
        <location filename="../../quarantine_desk/ui/pages/admin.py" line="595"/>
        <source>Khóa tài khoản {0}? Người này sẽ không đăng nhập được nữa.</source>
        <translation>Deactivate account {0}? The person can no longer log in.</translation>
    </message>
    <message>
        <location filename="../../quarantine_desk/ui/pages/admin.py" line="597"/>
        <source>Mở lại tài khoản {0}?</source>
        <translation>Reactivate account {0}?</translation>
    </message>
</context>
<context>
    <name>widgets</name>
    <message>
        <location filename="../../quarantine_desk/ui/widgets.py" line="57"/>
        <source>Nam</source>
        <translation>Male</translation>
    </message>
    <message>
        <location filename="../../quarantine_desk/ui/widgets.py" line="58"/>
        <source>Nữ</source>
        <translation>Female</translation>
    </message>
    <message>
        <location filename="../../quarantine_desk/ui/widgets.py" line="70"/>
        <source>Thông báo</source>
        <translation>Notice</translation>
    </message>
    <message>
        <location filename="../../quarantine_desk/ui/widgets.py" line="173"/>
        <source>Không tìm thấy “%1” trong danh sách: hãy chọn một mục có trong danh sách.</source>
        <translation>“%1” is not in the list: choose one of the list’s entries.</translation>
    </message>
</context>
</TS>
