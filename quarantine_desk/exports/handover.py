"""Lists sent back to the home communes, one sheet (Excel) or one section (PDF) per commune: the people handed
over on a day ("bàn giao cho địa phương") and the people of an F1 list who have not arrived.

Each commune's part is a document of ``exports.tables`` (national header, numbered rows, the total, the
signatures of both sides), all of them written in one file by its writer.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date
from pathlib import Path

from quarantine_desk.domain.progress import Progress, ShouldStop
from quarantine_desk.domain.text import name_sort_key

from .common import DocumentHead
from .pdf import SIGN_HINT
from .tables import Section, TableDocument, write_table_documents

Cell = str | int | date | None
#: The STT column's part of the page width (about 1.1 cm of a landscape A4 page).
STT_SHARE = 1 / 24


@dataclass(frozen=True)
class CommuneGroup:
    commune: str  # "Không rõ xã/phường" when the address does not say
    rows: tuple[tuple[Cell, ...], ...]


@dataclass(frozen=True)
class CommuneLists(DocumentHead):
    """A list split by home commune: ``columns`` and, for each group, rows of the same width (without the
    STT column, which the writers add)."""

    columns: tuple[str, ...]
    widths: tuple[float, ...]  # relative widths, one per column
    groups: tuple[CommuneGroup, ...]
    signers: tuple[tuple[str, str], ...] = (
        ("Đại diện khu cách ly (bên giao)", SIGN_HINT),
        ("Đại diện xã/phường (bên nhận)", SIGN_HINT),
    )


def write_commune_lists(
    doc: CommuneLists, path: Path, progress: Progress | None = None, should_stop: ShouldStop | None = None
) -> Path:
    """.xlsx or .pdf, by the file's extension."""
    groups = doc.groups or (CommuneGroup("Không có ai", ()),)
    stt = sum(doc.widths) * STT_SHARE / (1 - STT_SHARE)
    parts = [
        TableDocument(
            title=doc.title,
            subtitle=f"Xã/phường: {group.commune} — {doc.subtitle}",
            facility=doc.facility,
            district=doc.district,
            province=doc.province,
            on=doc.on,
            columns=("STT", *doc.columns),
            widths=(stt, *doc.widths),
            sections=(Section(None, tuple((n, *row) for n, row in enumerate(group.rows, start=1))),),
            notes=(f"Tổng cộng: {len(group.rows)} người",),
            signers=doc.signers,
            empty="Không có ai.",
        )
        for group in groups
    ]
    return write_table_documents(parts, path, progress, should_stop, sheets=[g.commune for g in groups])


def group_rows(
    rows: Sequence[tuple[str, tuple[Cell, ...]]], unknown: str, key: Callable[[str], str] = str
) -> tuple[CommuneGroup, ...]:
    """(commune or "", row) pairs into groups of one ``key`` (spellings of one commune), each named by its
    shortest spelling, in the Vietnamese order of the names, the unknown last."""
    by: dict[str, list[tuple[Cell, ...]]] = {}
    names: dict[str, str] = {}
    for commune, row in rows:
        k = key(commune) if commune else ""
        by.setdefault(k, []).append(row)
        name = commune or unknown
        if k not in names or len(name) < len(names[k]):
            names[k] = name
    # Vietnamese order ("Đắk Mar" after "Dục Nội", before "Hà Mòn"): the sort key of names, read in order
    order = sorted(by, key=lambda k: (k == "", [name_sort_key(w) for w in names[k].split()]))
    return tuple(CommuneGroup(names[k], tuple(by[k])) for k in order)
