"""The command line of "one truth about every stay": release outcomes in JSON, the roster of a moment, policies,
cohorts, person corrections and closing a facility, with their exit codes."""

from __future__ import annotations

from tests.cli.test_cli import add, qd  # noqa: F401  (the fixture)


def setup(qd) -> None:  # noqa: F811
    assert qd("facility", "add", "F01", "Khu cách ly Trường Quân sự")[0] == 0
    assert qd("room", "add", "F01", "Tầng 1", "1-3", "--beds", "2")[0] == 0


def test_release_json_and_the_roster_of_a_moment(qd, tmp_path):  # noqa: F811
    setup(qd)
    a = add(qd, "Nguyễn Văn An")
    b = add(qd, "Trần Văn Bình")
    for p in (a, b):
        assert (
            qd("admit", str(p), "--facility", "F01", "--cohort", "Nhóm A", "--at", "2021-11-24T09:00")[0] == 0
        )
    code, out = qd("release", str(a), "--at", "2021-12-01T08:00", "--override", "gia đình có tang")
    assert code == 0
    assert out == {
        "stay": out["stay"],
        "person": a,
        "name": "Nguyễn Văn An",
        "released_at": "2021-12-01T08:00:00",
        "outcome": "released_early",
        "reason": "gia đình có tang",
    }
    _, before = qd("roster", "F01", "--at", "2021-12-01T07:59")
    _, end_of_day = qd("roster", "F01", "--date", "2021-12-01")
    assert [r["person"] for r in before] == [a, b]
    assert [r["person"] for r in end_of_day] == [b]
    code, paper = qd("release-paper", str(a), "--out", str(tmp_path / "p.pdf"))
    assert code == 0 and (paper["outcome"], paper["days"], paper["reason"]) == (
        "released_early",
        7,
        "gia đình có tang",
    )
    code, refused = qd("certificate", str(a), "--out", str(tmp_path / "c.pdf"))
    assert code == 4 and refused["error"] == "not_found"
    code, text = qd(
        "release",
        str(b),
        "--outcome",
        "home_quarantine",
        "--home",
        "Thôn 3",
        "--override",
        "Theo chỉ đạo huyện",
        as_json=False,
    )
    assert code == 0 and "cách ly tại nhà" in text and "hoàn thành" not in text


def test_a_late_arrival_and_a_child_alone_are_refused_by_their_rule(qd):  # noqa: F811
    setup(qd)
    a = add(qd, "Nguyễn Văn An")
    assert (
        qd(
            "admit",
            str(a),
            "--facility",
            "F01",
            "--cohort",
            "Nhóm A",
            "--room",
            "1",
            "--at",
            "2021-11-24T09:00",
        )[0]
        == 0
    )
    late = add(qd, "Trần Văn Bình")
    code, out = qd(
        "admit",
        str(late),
        "--facility",
        "F01",
        "--cohort",
        "Nhóm B",
        "--room",
        "1",
        "--at",
        "2021-12-01T09:00",
    )
    assert code == 3 and out["rule"] == "R2" and "2" in out["message"]
    code, out = qd(
        "admit",
        str(late),
        "--facility",
        "F01",
        "--cohort",
        "Nhóm B",
        "--room",
        "1",
        "--at",
        "2021-12-01T09:00",
        "--as-contact",
    )
    assert code == 0 and out["planned_release"] == "2021-12-15"
    child = add(qd, "Bé Na", "F", "--born", "2015")
    code, out = qd("admit", str(child), "--facility", "F01", "--cohort", "Nhóm C", "--at", "2021-12-01T10:00")
    assert (code, out["rule"], out["error"]) == (3, "R9", "child_alone")


def test_policies_are_listed_added_and_applied_only_with_yes(qd):  # noqa: F811
    setup(qd)
    a = add(qd, "Nguyễn Văn An")
    qd("admit", str(a), "--facility", "F01", "--cohort", "Nhóm A", "--at", "2021-11-25T09:00")
    code, listed = qd("policy", "list")
    assert code == 0 and {"name", "days", "test_days", "version"} <= set(listed[0])
    code, added = qd(
        "policy", "add", "--name", "10 ngày", "--days", "10", "--test-days", "1,5,10", "--from", "2021-12-01"
    )
    assert code == 0 and added["days"] == 10
    code, dry = qd("policy", "apply", str(added["policy"]), "--facility", "F01")
    assert code == 0 and not dry["applied"]
    assert [(s["person"], s["planned_before"], s["planned_after"]) for s in dry["stays"]] == [
        (a, "2021-12-09", "2021-12-05")
    ]
    _, roster = qd("roster", "F01", "--at", "2021-12-01T12:00")
    assert roster[0]["planned_release"] == "2021-12-09"
    code, done = qd("policy", "apply", str(added["policy"]), "--facility", "F01", "--yes")
    assert code == 0 and done["applied"]
    _, roster = qd("roster", "F01", "--at", "2021-12-01T12:00")
    assert roster[0]["planned_release"] == "2021-12-05"


def test_cohort_list_person_edit_and_closing_a_facility(qd):  # noqa: F811
    setup(qd)
    a = add(qd, "Nguyễn Văn An")
    qd(
        "admit",
        str(a),
        "--facility",
        "F01",
        "--cohort",
        "F1 BN-123",
        "--kind",
        "f1_contact",
        "--source",
        "BN-123",
        "--exposure-date",
        "2021-11-22",
        "--at",
        "2021-11-25T09:00",
    )
    code, rows = qd("cohort", "list", "F01", "--at", "2021-11-26T09:00")
    assert code == 0
    assert rows == [
        {
            "cohort": "F1 BN-123",
            "kind": "f1_contact",
            "exposure_date": "2021-11-22",
            "source": "BN-123",
            "admitted_on": "2021-11-25",
            "rooms": ["1"],
            "people": 1,
        }
    ]
    code, edited = qd("person", "edit", str(a), "--dose", "2021-08-01:AstraZeneca", "--dose", "2021-10-01")
    assert code == 0
    assert edited["doses"] == [
        {"date": "2021-08-01", "vaccine": "AstraZeneca"},
        {"date": "2021-10-01", "vaccine": None},
    ]
    assert edited["recomputed"]["planned_after"] == "2021-12-02"
    code, out = qd("facility", "close", "F01")
    assert (code, out["error"], out["rule"]) == (3, "facility_not_empty", "R7")
    assert "1" in out["message"]
    qd("release", str(a), "--at", "2021-11-30T09:00", "--override", "Đủ ngày theo quy định mới")
    assert qd("facility", "close", "F01")[0] == 0
    assert qd("facility", "open", "F01")[0] == 0


def test_a_transfer_that_would_leave_a_child_alone_exits_3(qd):  # noqa: F811
    setup(qd)
    mother = add(qd, "Trần Thị Mai", "F", "--household", "HK-01")
    child = add(qd, "Nguyễn Minh Khôi", "M", "--born", "2015", "--household", "HK-01")
    code, _ = qd("admit", str(mother), str(child), "--facility", "F01", "--cohort", "Nhóm A")
    assert code == 0
    code, out = qd("transfer", str(mother), "--to", "Bệnh viện Đa khoa tỉnh")
    assert (code, out["rule"], out["error"]) == (3, "R9", "child_would_be_left_alone")
    assert "Nguyễn Minh Khôi" in out["message"]
    assert "ở lại một mình" in out["message"]
    _, roster = qd("roster", "F01")
    assert sorted(r["person"] for r in roster) == sorted([mother, child])


def test_the_roster_says_the_contact_level_and_who_needs_special_watch(qd):  # noqa: F811
    setup(qd)
    a = add(qd, "Hồ Văn Già", "M", "--born", "1950")
    assert qd("person", "edit", str(a), "--conditions", "Tiểu đường", "--watch")[0] == 0
    b = add(qd, "Trần Văn Bình")
    assert qd("person", "edit", str(b), "--f-level", "F2", "--exposure", "chợ Đầm")[0] == 0
    code, _ = qd(
        "admit",
        str(a),
        str(b),
        "--facility",
        "F01",
        "--cohort",
        "F1 BN 12345",
        "--kind",
        "f1_contact",
        "--source",
        "BN 12345",
    )
    assert code == 0
    _, roster = qd("roster", "F01")
    by_person = {r["person"]: r for r in roster}
    assert (by_person[a]["f_level"], by_person[a]["exposure"], by_person[a]["special_watch"]) == (
        "f1",
        "BN 12345",
        True,
    )
    assert (by_person[b]["f_level"], by_person[b]["exposure"], by_person[b]["special_watch"]) == (
        "f2",
        "chợ Đầm",
        False,
    )
    # the room's count, as on the room board's badge
    _, rooms = qd("rooms", "F01")
    watched = {r["room"]: r["special_watch"] for r in rooms if r["occupants"]}
    assert sum(watched.values()) == 1 and watched[by_person[a]["room"]] == 1
