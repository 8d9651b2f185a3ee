"""Typed errors of the program.

Each error carries what went wrong as data (codes, names, numbers), never a translated sentence: the command
line and the window turn them into text through ``quarantine_desk.messages``. ``code`` is the stable
machine-readable name (used in ``--json`` output); ``rule`` names the rule of DESIGN.md (R1–R9) where one applies;
``exit_code`` is the command line's exit status for it.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from enum import StrEnum


class DeskError(Exception):
    """Base of every error the user may see."""

    code: str = "error"
    rule: str | None = None
    exit_code: int = 1

    def __str__(self) -> str:  # for logs only; users see quarantine_desk.messages.describe()
        """The code, the rule and the fields; a field that may hold what a user typed or searched for (a name,
        an ID number, a value) shows only that it is there: the log must not keep personal data."""
        fields = {k: _loggable(k, v) for k, v in vars(self).items() if not k.startswith("_")}
        return f"{self.code}{' ' + self.rule if self.rule else ''} {fields}"

    def __repr__(self) -> str:  # an exception's repr shows its arguments: the same care as above
        return f"{type(self).__name__}({self})"


# Fields whose values are codes or places, never what a person typed: shown in the log as they are.
_CODE_FIELDS = frozenset(
    {"kind", "field", "reason", "permission", "role", "facility", "room", "bed", "zone", "url", "rule"}
)


def _loggable(name: str, value: object) -> object:
    if value is None or isinstance(value, bool | int | float) or name in _CODE_FIELDS:
        return value
    return "…"


# --- bad input (exit 2 on the command line, a message beside the field in the window) -------------------------


class InvalidInput(DeskError):
    """A value typed or imported is not acceptable. ``field`` names it, ``reason`` is a code."""

    code = "invalid_input"
    exit_code = 2

    def __init__(self, field: str, reason: str, value: object = None, **params: object) -> None:
        super().__init__(field, reason)
        self.field = field
        self.reason = reason
        self.value = value
        self.params = params


class BadFile(DeskError):
    """A file given to import or merge is not what it must be (``reason`` is a code)."""

    code = "bad_file"
    exit_code = 6

    def __init__(self, path: str, reason: str, **params: object) -> None:
        super().__init__(path, reason)
        self.path = path
        self.reason = reason
        self.params = params


class SigningKeyMissing(DeskError):
    """The facility's certificate signing key is not in the database (restored from a backup without keys): its
    certificates can still be checked, but no new one can be signed until the key comes back or a new one is
    made."""

    code = "signing_key_missing"
    exit_code = 3

    def __init__(self, facility: str) -> None:
        super().__init__(facility)
        self.facility = facility


class UnsoundBackup(DeskError):
    """A backup whose data breaks the rules (the invariant checker's findings, as (problem, where) pairs): it is
    refused before anything is replaced."""

    code = "unsound_backup"
    exit_code = 6

    def __init__(self, path: str, problems: Sequence[tuple[str, str]]) -> None:
        super().__init__(path, len(problems))
        self.path = path
        self.problems = tuple(problems)


class Cancelled(DeskError):
    """The user pressed Cancel during long work; nothing was written."""

    code = "cancelled"
    exit_code = 1


# --- not found, conflicts --------------------------------------------------------------------------------------


class NotFound(DeskError):
    code = "not_found"
    exit_code = 4

    def __init__(self, kind: str, key: object) -> None:
        super().__init__(kind, key)
        self.kind = kind
        self.key = key


class AlreadyExists(DeskError):
    code = "already_exists"
    exit_code = 3

    def __init__(self, kind: str, key: object) -> None:
        super().__init__(kind, key)
        self.kind = kind
        self.key = key


class IdNumberTaken(AlreadyExists):
    """Another person already holds this ID number: who, born when, and where they stay now (if anywhere)."""

    def __init__(
        self,
        id_number: str,
        full_name: str,
        birth_year: int | None,
        facility: str | None = None,
        room: str | None = None,
    ) -> None:
        super().__init__("person", id_number)
        self.id_number = id_number
        self.full_name = full_name
        self.birth_year = birth_year
        self.facility = facility
        self.room = room


# --- login and roles (exit 5) ----------------------------------------------------------------------------------


class NotAllowed(DeskError):
    code = "not_allowed"
    exit_code = 5

    def __init__(self, permission: str, role: str | None) -> None:
        super().__init__(permission, role)
        self.permission = permission
        self.role = role


class LoginFailed(DeskError):
    """A wrong user name or password: the same answer for both, so that names cannot be guessed."""

    code = "login_failed"
    exit_code = 5

    def __init__(self, username: str) -> None:
        super().__init__(username)
        self.username = username


class LoginSlowedDown(DeskError):
    """Too many wrong passwords for this user name from this source (PC): it must wait ``seconds``. Other PCs
    are not held up, and an administrator can lift it (user unlock)."""

    code = "login_slowed_down"
    exit_code = 5

    def __init__(self, username: str, seconds: int) -> None:
        super().__init__(username, seconds)
        self.username = username
        self.seconds = seconds


class AccountTampered(DeskError):
    """The user's role or facilities were changed in the database outside the program (the seal no longer
    matches): no login until an administrator sets them again through the program."""

    code = "account_tampered"
    exit_code = 5

    def __init__(self, username: str) -> None:
        super().__init__(username)
        self.username = username


class OutsideFacility(NotAllowed):
    """Work on a facility the user does not belong to."""

    code = "outside_facility"

    def __init__(self, facility: str, role: str | None = None) -> None:
        super().__init__("facility", role)
        self.facility = facility


class LoginRequired(DeskError):
    code = "login_required"
    exit_code = 5


# --- database ----------------------------------------------------------------------------------------------------


class DatabaseUnavailable(DeskError):
    """The database cannot be opened or written. ``reason``: ``unreachable`` (server or file cannot be reached),
    ``login_refused`` (the server refused the user name, password or database name), ``read_only``,
    ``disk_full``, ``damaged`` (the file fails its integrity check), ``not_sqlite``, ``not_ours`` (a SQLite file
    of another program), ``missing`` and ``empty`` (no database at that path), ``bad_url``,
    ``folder_not_writable``, ``is_a_directory``."""

    code = "database_unavailable"
    exit_code = 1

    def __init__(self, url: str, reason: str, detail: str = "") -> None:
        super().__init__(url, reason)
        self.url = url
        self.reason = reason
        self.detail = detail


class DatabaseBusy(DeskError):
    """Another PC kept the database busy (writing) for longer than a write waits; nothing was changed."""

    code = "database_busy"
    exit_code = 1

    def __init__(self, url: str) -> None:
        super().__init__(url)
        self.url = url


class DatabaseNotInitialised(DeskError):
    code = "database_not_initialised"
    exit_code = 1

    def __init__(self, url: str) -> None:
        super().__init__(url)
        self.url = url


class DatabaseNotEmpty(DeskError):
    """Demo data is only made in an empty database, never mixed into real data."""

    code = "database_not_empty"
    exit_code = 3

    def __init__(self, url: str, facilities: int, people: int) -> None:
        super().__init__(url, facilities, people)
        self.url = url
        self.facilities = facilities
        self.people = people


class ConcurrentChange(DeskError):
    """Another PC changed the same rows at the same time; the operation was rolled back whole (R8)."""

    code = "concurrent_change"
    rule = "R8"
    exit_code = 3


class StaleEdit(DeskError):
    """An edit made on a record as it was when the editor opened; another PC has changed it since, so the edit
    is refused rather than written over the other change (R8). ``kind`` is person, room or policy."""

    code = "stale_edit"
    rule = "R8"
    exit_code = 3

    def __init__(self, kind: str, key: str) -> None:
        super().__init__(kind, key)
        self.kind = kind
        self.key = key


# --- the rules R1–R9 (exit 3) --------------------------------------------------------------------------------------


class RuleViolation(DeskError):
    exit_code = 3


@dataclass(frozen=True)
class RoomOption:
    """A room offered instead of a refused one."""

    room: str
    zone: str
    free_beds: int


class _WithOptions(RuleViolation):
    options: tuple[RoomOption, ...] = ()


class BedTaken(_WithOptions):
    code = "bed_taken"
    rule = "R1"

    def __init__(self, room: str, bed: str, options: Sequence[RoomOption] = ()) -> None:
        super().__init__(room, bed)
        self.room = room
        self.bed = bed
        self.options = tuple(options)


class PersonAlreadyStaying(RuleViolation):
    code = "person_already_staying"
    rule = "R1"

    def __init__(self, person: str, facility: str, room: str) -> None:
        super().__init__(person, facility, room)
        self.person = person
        self.facility = facility
        self.room = room


class RoomCohortConflict(_WithOptions):
    code = "room_cohort_conflict"
    rule = "R2"

    def __init__(
        self,
        room: str,
        room_cohort: str,
        person_cohort: str,
        options: Sequence[RoomOption] = (),
        room_day: str | None = None,
        person_day: str | None = None,
    ) -> None:
        super().__init__(room, room_cohort, person_cohort)
        self.room = room
        self.room_cohort = room_cohort
        self.person_cohort = person_cohort
        self.options = tuple(options)
        # ISO days the room's occupants and the arrival started their quarantine on, when they differ.
        self.room_day = room_day
        self.person_day = person_day


class CohortDayConflict(RuleViolation):
    """Joining a cohort on another day than the one its people were admitted on (R2): a new day is a new cohort."""

    code = "cohort_day_conflict"
    rule = "R2"

    def __init__(self, cohort: str, cohort_day: str, admitted_on: str) -> None:
        super().__init__(cohort, cohort_day, admitted_on)
        self.cohort = cohort
        self.cohort_day = cohort_day
        self.admitted_on = admitted_on


class ChildAlone(_WithOptions):
    """A child under 16 placed without an adult of the same household in the room (R9). ``reason``:
    ``no_household`` (the child has no household code) or ``no_adult`` (no adult of it in the room)."""

    code = "child_alone"
    rule = "R9"

    def __init__(self, person: str, room: str, reason: str, options: Sequence[RoomOption] = ()) -> None:
        super().__init__(person, room, reason)
        self.person = person
        self.room = room
        self.reason = reason
        self.options = tuple(options)


class ChildWouldBeLeftAlone(RuleViolation):
    """Releasing the last adult of a household whose child stays in the room (R9)."""

    code = "child_would_be_left_alone"
    rule = "R9"

    def __init__(self, person: str, child: str) -> None:
        super().__init__(person, child)
        self.person = person
        self.child = child


class RoomSexConflict(_WithOptions):
    code = "room_sex_conflict"
    rule = "R3"

    def __init__(self, room: str, room_sex: str, person_sex: str, options: Sequence[RoomOption] = ()) -> None:
        super().__init__(room, room_sex, person_sex)
        self.room = room
        self.room_sex = room_sex
        self.person_sex = person_sex
        self.options = tuple(options)


class RoomAwaitingDisinfection(_WithOptions):
    code = "room_awaiting_disinfection"
    rule = "R4"

    def __init__(self, room: str, options: Sequence[RoomOption] = ()) -> None:
        super().__init__(room)
        self.room = room
        self.options = tuple(options)


class RoomClosed(_WithOptions):
    code = "room_closed"
    rule = "R5"

    def __init__(self, room: str, options: Sequence[RoomOption] = ()) -> None:
        super().__init__(room)
        self.room = room
        self.options = tuple(options)


class RoomOutOfService(_WithOptions):
    code = "room_out_of_service"
    rule = "R4"

    def __init__(self, room: str, options: Sequence[RoomOption] = ()) -> None:
        super().__init__(room)
        self.room = room
        self.options = tuple(options)


class RoomNotEmpty(RuleViolation):
    """Disinfecting, closing for service or removing beds of a room that still has occupants."""

    code = "room_not_empty"
    rule = "R4"

    def __init__(self, room: str, occupants: int) -> None:
        super().__init__(room, occupants)
        self.room = room
        self.occupants = occupants


class NoBedAvailable(RuleViolation):
    """No bed in the facility can take the arrival without breaking R1–R5, or the facility is full (R7)."""

    code = "no_bed_available"
    rule = "R7"

    def __init__(self, facility: str, cohort: str, arrivals: int) -> None:
        super().__init__(facility, cohort, arrivals)
        self.facility = facility
        self.cohort = cohort
        self.arrivals = arrivals


class FacilityNotEmpty(RuleViolation):
    """Closing a facility that still has people in stays (R7): it closes only when empty."""

    code = "facility_not_empty"
    rule = "R7"

    def __init__(self, facility: str, people: int) -> None:
        super().__init__(facility, people)
        self.facility = facility
        self.people = people


class FacilityInactive(RuleViolation):
    code = "facility_inactive"
    rule = "R7"

    def __init__(self, facility: str) -> None:
        super().__init__(facility)
        self.facility = facility


class ProblemKind(StrEnum):
    """What stands in the way of a release by medical staff (R6)."""

    EARLY = "early"  # the period is not over: ``due`` is the planned release, ``day`` the period's length
    MISSING_TEST = "missing_test"  # a required test has no negative sample: ``day`` and ``due`` say which
    POSITIVE = "positive"  # a test of the stay was positive


@dataclass(frozen=True)
class ReleaseProblem:
    """Why a release needs a manager, with what a sentence about it needs."""

    kind: ProblemKind
    day: int | None = None
    due: date | None = None


class ReleaseNeedsOverride(RuleViolation):
    code = "release_needs_override"
    rule = "R6"

    def __init__(self, person: str, problems: Sequence[ReleaseProblem] = ()) -> None:
        super().__init__(person)
        self.person = person
        self.problems = tuple(problems)


class NoPolicy(RuleViolation):
    code = "no_policy"
    rule = "R6"

    def __init__(self, on: str) -> None:
        super().__init__(on)
        self.on = on


class NoOpenStay(DeskError):
    code = "no_open_stay"
    exit_code = 4

    def __init__(self, person: str) -> None:
        super().__init__(person)
        self.person = person


# --- duty shifts (exit 3; no rule of R1–R8, but refused all the same) ------------------------------------------


class StaffMustQuarantine(RuleViolation):
    """A staff member flagged to quarantine (a positive test, an exposure) is put on no shift until the flag is
    cleared; ``reason`` is "positive" or "exposure"."""

    code = "staff_must_quarantine"
    rule = None

    def __init__(self, staff: str, reason: str) -> None:
        super().__init__(staff, reason)
        self.staff = staff
        self.reason = reason


class StaffDoubleBooked(RuleViolation):
    """A person cannot be on two shifts that overlap: ``shift`` is the one asked for, ``conflict`` the one they
    already have; each a shift name and its start as an ISO string."""

    code = "staff_double_booked"
    rule = None

    def __init__(
        self, staff: str, shift: str, starts_at: str, conflict: str, conflict_starts_at: str
    ) -> None:
        super().__init__(staff, shift, starts_at, conflict, conflict_starts_at)
        self.staff = staff
        self.shift = shift
        self.starts_at = starts_at
        self.conflict = conflict
        self.conflict_starts_at = conflict_starts_at


# --- relief goods (exit 3: "công bằng, đúng đối tượng") --------------------------------------------------------


class AlreadyHandedOut(RuleViolation):
    """The round's set was already handed to this person (or, for a round per household, to their household):
    when (ISO), by whom, and to whom when another member of the household took it."""

    code = "already_handed_out"
    rule = None

    def __init__(
        self, round_name: str, person: str, given_at: str, given_by: str | None, taken_by: str | None
    ) -> None:
        super().__init__(round_name, person, given_at, given_by, taken_by)
        self.round_name = round_name
        self.person = person
        self.given_at = given_at
        self.given_by = given_by
        self.taken_by = taken_by


class NotEntitled(RuleViolation):
    """The person is not among those entitled to the round (fixed when the round was made)."""

    code = "not_entitled"
    rule = None

    def __init__(self, round_name: str, person: str) -> None:
        super().__init__(round_name, person)
        self.round_name = round_name
        self.person = person
