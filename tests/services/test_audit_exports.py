"""Every export, certificate and report is audited with the user who made it; a viewer's daily report, which
clears the 16:00 reminder on every PC, is audited in the same transaction."""

from __future__ import annotations

from datetime import date

from quarantine_desk.domain.roles import Role
from quarantine_desk.services import audit, documents, handover
from tests.helpers import as_role
from tests.services.fixtures import AUG1
from tests.services.test_documents import admitted_pair, completed_stay


def _actions(desk, action: str):  # type: ignore[no-untyped-def]
    return [(e.username, e.details) for e in audit.list_events(desk, action=action)]


def test_exports_are_audited_with_the_user(desk, clock, tmp_path):
    admitted_pair(desk)
    viewer = as_role(desk, Role.VIEWER, "huyen1")
    documents.export_roster(viewer, "F01", tmp_path / "ds.xlsx", on=AUG1.date())
    handover.export_handover(viewer, "F01", AUG1.date(), tmp_path / "bg.pdf")
    [(user, details)] = _actions(desk, "export.roster")
    assert user == "huyen1" and details["facility"] == "F01" and details["file"] == "ds.xlsx"
    assert details["rows"] == 2 and details["variant"] == "present"
    assert [u for u, _ in _actions(desk, "export.handover")] == ["huyen1"]


def test_a_viewers_report_is_audited_with_the_flag_it_sets(desk, clock, tmp_path):
    admitted_pair(desk)
    viewer = as_role(desk, Role.VIEWER, "huyen1")
    assert not documents.daily_report_made(desk, AUG1.date())
    documents.write_daily_report(viewer, tmp_path / "bc.json", on=AUG1.date())
    assert documents.daily_report_made(desk, AUG1.date())
    [(user, details)] = _actions(desk, "report.daily")
    assert user == "huyen1"
    assert details == {"scope": "ALL", "on": "2021-08-01", "facilities": ["F01"], "file": "bc.json"}


def test_certificates_and_commitments_are_audited(desk, clock, tmp_path):
    a, b = admitted_pair(desk)
    documents.commitment_pdf(desk, b, tmp_path / "ck.pdf")
    completed_stay(desk, clock, a)
    data = documents.certificate(desk, a, tmp_path / "gxn.pdf")
    documents.certificates(desk, "F01", date(2021, 8, 15), tmp_path / "all.pdf")
    documents.export_facility_key(desk, "F01", tmp_path / "F01.key")
    [(user, details)] = _actions(desk, "certificate.issue")
    assert user == "admin" and details["number"] == data.number and details["person"] == a
    assert _actions(desk, "certificate.batch")[0][1]["numbers"] == [data.number]
    assert _actions(desk, "commitment.print")[0][1]["person"] == b
    assert _actions(desk, "facility.key_export")[0][1]["file"] == "F01.key"
    assert audit.verify(desk) == []
