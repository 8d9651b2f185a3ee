"""The database schema: typed SQLAlchemy 2.0 models for everything the program holds.

The database keeps what it can keep itself: foreign keys, checks, and partial unique indexes so that a bed holds
at most one open stay and a person has at most one open stay (R1), on SQLite and PostgreSQL alike. What needs
several rows (one cohort per room, R2; one sex per room, R3) is kept by the services under a row lock.
"""

from __future__ import annotations

from datetime import date, datetime, time

from sqlalchemy import (
    Boolean,
    CheckConstraint,
    Date,
    DateTime,
    Float,
    ForeignKey,
    Index,
    Integer,
    MetaData,
    String,
    Text,
    Time,
    UniqueConstraint,
    false,
    text,
)
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column, relationship

# Names for every constraint, so that Alembic's batch mode on SQLite can find and change them.
NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}

# A column of keys compared byte by byte (Vietnamese name order is encoded in the key itself).
SortKey = String(400).with_variant(String(400, collation="C"), "postgresql")


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING_CONVENTION)


class Facility(Base):
    __tablename__ = "facility"

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(20), unique=True)
    name: Mapped[str] = mapped_column(String(200))
    district: Mapped[str | None] = mapped_column(String(100))
    province: Mapped[str | None] = mapped_column(String(100))
    address: Mapped[str | None] = mapped_column(String(300))
    capacity: Mapped[int | None] = mapped_column(Integer)
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    # Raised by each edit of the facility's details: an editor showing an older one is refused (StaleEdit).
    version: Mapped[int] = mapped_column(Integer, default=1, server_default="1")
    # Key of the HMAC that signs release certificates; never shown, never exported.
    secret: Mapped[str] = mapped_column(String(64))
    # Ed25519 key pair (hex) that signs the QR codes of release certificates; only the public half leaves the
    # database (facility key export). Empty only in a backup older than the keys: made on first use.
    signing_key: Mapped[str | None] = mapped_column(String(64))
    public_key: Mapped[str | None] = mapped_column(String(64))
    # Staff are tested every N days (None: no schedule), with this kind of test.
    staff_test_every: Mapped[int | None] = mapped_column(Integer)
    staff_test_kind: Mapped[str] = mapped_column(String(10), default="rapid", server_default="rapid")
    created_at: Mapped[datetime] = mapped_column(DateTime)
    # When the meals are served (empty: the defaults of domain.meals) and when the kitchen's order for the next
    # day is closed: changes after it are shown on the order sheet as changes.
    breakfast_at: Mapped[time | None] = mapped_column(Time)
    lunch_at: Mapped[time | None] = mapped_column(Time)
    dinner_at: Mapped[time | None] = mapped_column(Time)
    meal_cutoff: Mapped[time | None] = mapped_column(Time)

    zones: Mapped[list[Zone]] = relationship(back_populates="facility", order_by="Zone.name")


class Zone(Base):
    __tablename__ = "zone"
    __table_args__ = (UniqueConstraint("facility_id", "name"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    facility_id: Mapped[int] = mapped_column(ForeignKey("facility.id"), index=True)
    name: Mapped[str] = mapped_column(String(100))

    facility: Mapped[Facility] = relationship(back_populates="zones")
    rooms: Mapped[list[Room]] = relationship(back_populates="zone")


class Room(Base):
    __tablename__ = "room"
    __table_args__ = (
        UniqueConstraint("facility_id", "name"),
        CheckConstraint("sex IN ('M', 'F', 'any')", name="sex"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    facility_id: Mapped[int] = mapped_column(ForeignKey("facility.id"), index=True)
    zone_id: Mapped[int] = mapped_column(ForeignKey("zone.id"), index=True)
    name: Mapped[str] = mapped_column(String(50))
    sex: Mapped[str] = mapped_column(String(3), default="any")
    in_service: Mapped[bool] = mapped_column(Boolean, default=True)
    # R5: closed after a positive case until its last occupant has left.
    closed_at: Mapped[datetime | None] = mapped_column(DateTime)
    # R4: set when the last occupant leaves, cleared by a recorded disinfection.
    needs_disinfection: Mapped[bool] = mapped_column(Boolean, default=False)
    disinfected_at: Mapped[datetime | None] = mapped_column(DateTime)
    disinfected_by: Mapped[str | None] = mapped_column(String(100))
    # Raised by each edit of the room itself (beds, sex, name, service): an editor showing an older one is refused.
    version: Mapped[int] = mapped_column(Integer, default=1, server_default="1")

    zone: Mapped[Zone] = relationship(back_populates="rooms")
    beds: Mapped[list[Bed]] = relationship(back_populates="room", order_by="Bed.position")


class Bed(Base):
    __tablename__ = "bed"
    __table_args__ = (UniqueConstraint("room_id", "label"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    room_id: Mapped[int] = mapped_column(ForeignKey("room.id"), index=True)
    label: Mapped[str] = mapped_column(String(20))
    position: Mapped[int] = mapped_column(Integer, default=0)
    in_service: Mapped[bool] = mapped_column(Boolean, default=True)

    room: Mapped[Room] = relationship(back_populates="beds")


class Household(Base):
    __tablename__ = "household"

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(50), unique=True)
    address: Mapped[str | None] = mapped_column(String(300))


class Person(Base):
    __tablename__ = "person"
    __table_args__ = (
        CheckConstraint("sex IN ('M', 'F')", name="sex"),
        CheckConstraint("doses >= 0 AND doses <= 10", name="doses"),
        CheckConstraint("f_level IS NULL OR f_level IN ('f1', 'f2', 'returnee', 'other')", name="f_level"),
        CheckConstraint("diet IN ('regular', 'vegetarian', 'child', 'soft', 'special')", name="diet"),
        # An imported list's duplicates: the people of these names and birth years (services.imports._match).
        Index("ix_person_sort_key_birth_year", "sort_key", "birth_year"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    full_name: Mapped[str] = mapped_column(String(120))
    sex: Mapped[str] = mapped_column(String(1))
    birth_year: Mapped[int | None] = mapped_column(Integer)
    birth_date: Mapped[date | None] = mapped_column(Date)
    id_number: Mapped[str | None] = mapped_column(String(20), unique=True)
    id_kind: Mapped[str | None] = mapped_column(String(10))
    phone: Mapped[str | None] = mapped_column(String(15), index=True)
    address: Mapped[str | None] = mapped_column(String(300))
    household_id: Mapped[int | None] = mapped_column(ForeignKey("household.id"), index=True)
    doses: Mapped[int] = mapped_column(Integer, default=0)
    last_dose_on: Mapped[date | None] = mapped_column(Date)
    recovered_on: Mapped[date | None] = mapped_column(Date)
    # Home commune, district and province as their own fields (the address line stays as written).
    commune: Mapped[str | None] = mapped_column(String(100))
    district: Mapped[str | None] = mapped_column(String(100))
    province: Mapped[str | None] = mapped_column(String(100))
    # F1 (contact of an F0), F2, returnee, other; the F0 case code or exposure place, when not the cohort's.
    f_level: Mapped[str | None] = mapped_column(String(10))
    exposure: Mapped[str | None] = mapped_column(String(200))
    relative_name: Mapped[str | None] = mapped_column(String(120))
    relative_phone: Mapped[str | None] = mapped_column(String(15))
    # Underlying conditions and pregnancy as written; "cần theo dõi đặc biệt" is the flag the lists show.
    conditions: Mapped[str | None] = mapped_column(String(500))
    pregnant: Mapped[bool] = mapped_column(Boolean, default=False, server_default=false())
    special_watch: Mapped[bool] = mapped_column(Boolean, default=False, server_default=false())
    notes: Mapped[str | None] = mapped_column(Text)
    # What the kitchen cooks for the person (domain.meals.Diet).
    diet: Mapped[str] = mapped_column(String(10), default="regular", server_default="regular")
    # On a tracing team's list, expected at the gate, not yet admitted.
    pre_registered: Mapped[bool] = mapped_column(Boolean, default=False)
    # Raised by each edit of the record: an editor showing an older one is refused (StaleEdit).
    version: Mapped[int] = mapped_column(Integer, default=1, server_default="1")
    sort_key: Mapped[str] = mapped_column(SortKey, index=True)
    created_at: Mapped[datetime] = mapped_column(DateTime)

    household: Mapped[Household | None] = relationship()


class PersonToken(Base):
    """One search word of a person: a folded name word, the ID number or the phone, with the person's sort key.

    Search looks words up by prefix in this index (``token >= w AND token < w + "\\uffff"``), which stays fast on a
    province's records, where a ``LIKE '%w%'`` over every person would read them all; the sort key lets it read a
    common word's people in name order and stop at the ones it shows (services.people._found).
    """

    __tablename__ = "person_token"
    # A word's people in name order, so that search reads the first fifty of a common word and stops.
    __table_args__ = (Index("ix_person_token_token_sort_key", "token", "sort_key", "person_id"),)

    person_id: Mapped[int] = mapped_column(ForeignKey("person.id", ondelete="CASCADE"), primary_key=True)
    token: Mapped[str] = mapped_column(
        String(60).with_variant(String(60, collation="C"), "postgresql"), primary_key=True
    )
    sort_key: Mapped[str] = mapped_column(SortKey)  # the person's, copied: see Person.sort_key


class Cohort(Base):
    """People of one exposure admitted on one day (R2), in one facility."""

    __tablename__ = "cohort"
    __table_args__ = (
        UniqueConstraint("facility_id", "name"),
        CheckConstraint("kind IN ('f1_contact', 'returnee', 'other')", name="kind"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    facility_id: Mapped[int] = mapped_column(ForeignKey("facility.id"), index=True)
    name: Mapped[str] = mapped_column(String(200))
    # The exposure or arrival date; by default the day its people were admitted.
    exposure_date: Mapped[date] = mapped_column(Date)
    kind: Mapped[str] = mapped_column(String(12), default="other")
    # The F0 case code, the flight, the checkpoint.
    source: Mapped[str | None] = mapped_column(String(200))
    created_at: Mapped[datetime] = mapped_column(DateTime)


class QuarantinePolicy(Base):
    __tablename__ = "quarantine_policy"
    __table_args__ = (
        CheckConstraint("days > 0 AND days <= 60", name="days"),
        CheckConstraint("kind IN ('standard', 'protected')", name="kind"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(200))
    effective_from: Mapped[date] = mapped_column(Date)
    effective_to: Mapped[date | None] = mapped_column(Date)
    kind: Mapped[str] = mapped_column(String(10))
    days: Mapped[int] = mapped_column(Integer)
    test_days: Mapped[str] = mapped_column(String(100))  # "1,7,14"
    # Raised by each edit; a stay keeps the version (and the period) it was admitted under.
    version: Mapped[int] = mapped_column(Integer, default=1)


class Stay(Base):
    __tablename__ = "stay"
    __table_args__ = (
        # R1 in the database itself: one open stay per bed, one open stay per person.
        Index(
            "uq_stay_open_bed",
            "bed_id",
            unique=True,
            sqlite_where=text("released_at IS NULL"),
            postgresql_where=text("released_at IS NULL"),
        ),
        Index(
            "uq_stay_open_person",
            "person_id",
            unique=True,
            sqlite_where=text("released_at IS NULL"),
            postgresql_where=text("released_at IS NULL"),
        ),
        CheckConstraint(
            "outcome IS NULL OR outcome IN "
            "('completed', 'released_early', 'transferred', 'home_quarantine', 'other')",
            name="outcome",
        ),
        CheckConstraint("policy_days > 0", name="policy_days"),
        CheckConstraint("(released_at IS NULL) = (outcome IS NULL)", name="open_or_ended"),
        # The roster, the room board and the due lists all ask for a facility's stays by time; the counts of
        # who was present (by room, planned release, positive mark, outcome) read the index alone (migration 0017).
        Index(
            "ix_stay_facility_times",
            "facility_id",
            "admitted_at",
            "released_at",
            "room_id",
            "planned_release",
            "positive_at",
            "outcome",
        ),
        # The open stays only (a province's stays are mostly ended): who is in a room now, of which cohort and day,
        # for the bed choice (services.facilities.candidate_rooms) and the room board.
        Index(
            "ix_stay_open_room",
            "room_id",
            "cohort_id",
            "period_start",
            sqlite_where=text("released_at IS NULL"),
            postgresql_where=text("released_at IS NULL"),
        ),
        Index(
            "ix_stay_open_facility",
            "facility_id",
            "room_id",
            sqlite_where=text("released_at IS NULL"),
            postgresql_where=text("released_at IS NULL"),
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    # Raised by each change of the stay (a positive test, a restart, a new planned release, its end): a release
    # or transfer chosen on an older one is refused (StaleEdit).
    version: Mapped[int] = mapped_column(Integer, default=1, server_default="1")
    person_id: Mapped[int] = mapped_column(ForeignKey("person.id"), index=True)
    facility_id: Mapped[int] = mapped_column(ForeignKey("facility.id"), index=True)
    room_id: Mapped[int] = mapped_column(ForeignKey("room.id"), index=True)
    bed_id: Mapped[int] = mapped_column(ForeignKey("bed.id"))
    cohort_id: Mapped[int] = mapped_column(ForeignKey("cohort.id"), index=True)
    policy_id: Mapped[int] = mapped_column(ForeignKey("quarantine_policy.id"))
    admitted_at: Mapped[datetime] = mapped_column(DateTime, index=True)
    # Day 1 of the quarantine period; moved forward when a roommate tests positive (R5).
    period_start: Mapped[date] = mapped_column(Date)
    planned_release: Mapped[date] = mapped_column(Date, index=True)
    # The policy as it was when the stay was admitted (or restarted): later edits of the policy never change it.
    policy_name: Mapped[str] = mapped_column(String(200))
    policy_version: Mapped[int] = mapped_column(Integer)
    policy_kind: Mapped[str] = mapped_column(String(10))
    policy_days: Mapped[int] = mapped_column(Integer)
    policy_test_days: Mapped[str] = mapped_column(String(100))  # "1,7,14"
    # R5: a positive result marks the person for transfer; the transfer itself ends the stay.
    positive_at: Mapped[datetime | None] = mapped_column(DateTime)
    released_at: Mapped[datetime | None] = mapped_column(DateTime, index=True)
    outcome: Mapped[str | None] = mapped_column(String(20))
    transfer_to: Mapped[str | None] = mapped_column(String(200))
    # The reason of a release that is not "completed" (early, home quarantine, other), as the manager gave it.
    override_reason: Mapped[str | None] = mapped_column(Text)
    home_address: Mapped[str | None] = mapped_column(String(300))
    released_by: Mapped[str | None] = mapped_column(String(100))
    # The signed commitment (bản cam kết): the day, who signed (the person, or a child's guardian), who took it.
    commitment_signed_on: Mapped[date | None] = mapped_column(Date)
    commitment_signed_by: Mapped[str | None] = mapped_column(String(200))
    commitment_received_by: Mapped[str | None] = mapped_column(String(200))

    person: Mapped[Person] = relationship()
    room: Mapped[Room] = relationship()
    bed: Mapped[Bed] = relationship()
    cohort: Mapped[Cohort] = relationship()
    policy: Mapped[QuarantinePolicy] = relationship()


class Vaccination(Base):
    """One dose of a person's vaccination history; the date may be unknown for doses recorded only by count."""

    __tablename__ = "vaccination"

    id: Mapped[int] = mapped_column(primary_key=True)
    person_id: Mapped[int] = mapped_column(ForeignKey("person.id", ondelete="CASCADE"), index=True)
    given_on: Mapped[date | None] = mapped_column(Date)
    vaccine: Mapped[str | None] = mapped_column(String(60))


class RoomStateChange(Base):
    """A room's state from ``at`` on, written at every change, so that the beds of a past moment are known
    (the 16:00 report of a past day). Who is in a bed at a moment comes from the stays themselves."""

    __tablename__ = "room_state_change"
    __table_args__ = (Index("ix_room_state_change_room_at", "room_id", "at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    room_id: Mapped[int] = mapped_column(ForeignKey("room.id", ondelete="CASCADE"))
    at: Mapped[datetime] = mapped_column(DateTime)
    in_service: Mapped[bool] = mapped_column(Boolean)
    closed: Mapped[bool] = mapped_column(Boolean)
    needs_disinfection: Mapped[bool] = mapped_column(Boolean)
    beds_in_service: Mapped[int] = mapped_column(Integer)


class MedicalTest(Base):
    __tablename__ = "medical_test"
    __table_args__ = (
        CheckConstraint("kind IN ('rapid', 'pcr')", name="kind"),
        CheckConstraint("result IN ('negative', 'positive', 'pending')", name="result"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    stay_id: Mapped[int] = mapped_column(ForeignKey("stay.id"), index=True)
    person_id: Mapped[int] = mapped_column(ForeignKey("person.id"), index=True)
    kind: Mapped[str] = mapped_column(String(10))
    sampled_at: Mapped[datetime] = mapped_column(DateTime, index=True)
    result: Mapped[str] = mapped_column(String(10))
    recorded_by: Mapped[str | None] = mapped_column(String(100))
    # The store had no kit of this kind when the test was recorded (the test stands; the shortfall is an alert).
    kit_short: Mapped[bool] = mapped_column(Boolean, default=False, server_default=false())


class HealthCheck(Base):
    __tablename__ = "health_check"
    __table_args__ = (CheckConstraint("temperature > 30 AND temperature < 45", name="temperature"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    stay_id: Mapped[int] = mapped_column(ForeignKey("stay.id"), index=True)
    checked_at: Mapped[datetime] = mapped_column(DateTime)
    temperature: Mapped[float] = mapped_column(Float)
    symptoms: Mapped[str | None] = mapped_column(String(300))
    recorded_by: Mapped[str | None] = mapped_column(String(100))


class FacilityRow:
    """Columns of a logistics table whose rows belong to one facility (meals, arrivals announced, relief rounds),
    first in the table as the migrations made them."""

    id: Mapped[int] = mapped_column(primary_key=True, sort_order=-2)
    facility_id: Mapped[int] = mapped_column(ForeignKey("facility.id"), index=True, sort_order=-1)


class Recorded:
    """When a logistics row was entered, and by whom (the user's name; None from a script without a user)."""

    created_at: Mapped[datetime] = mapped_column(DateTime)
    created_by: Mapped[str | None] = mapped_column(String(100))


class MealRecord(FacilityRow, Base):
    __tablename__ = "meal_record"
    __table_args__ = (
        UniqueConstraint("facility_id", "served_on", "meal", "diners"),
        CheckConstraint("meal IN ('breakfast', 'lunch', 'dinner')", name="meal"),
        CheckConstraint("diners IN ('quarantined', 'staff')", name="diners"),
        CheckConstraint("portions >= 0", name="portions"),
    )

    served_on: Mapped[date] = mapped_column(Date)
    meal: Mapped[str] = mapped_column(String(10))
    diners: Mapped[str] = mapped_column(String(12))
    portions: Mapped[int] = mapped_column(Integer)


class PlannedArrival(FacilityRow, Recorded, Base):
    """People the facility expects (a group announced by the tracing team): the kitchen counts them from ``at``."""

    __tablename__ = "planned_arrival"
    __table_args__ = (CheckConstraint("people > 0", name="people"),)

    at: Mapped[datetime] = mapped_column(DateTime)
    people: Mapped[int] = mapped_column(Integer)
    note: Mapped[str | None] = mapped_column(String(200))


class EffectiveRate(Base):
    """A rate or a cap (domain.rates) from a day on: the value of a day is the one of the latest start before it."""

    __tablename__ = "effective_rate"
    __table_args__ = (
        UniqueConstraint("key", "effective_from"),
        CheckConstraint("value >= 0", name="value"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    key: Mapped[str] = mapped_column(String(40))
    effective_from: Mapped[date] = mapped_column(Date)
    value: Mapped[int] = mapped_column(Integer)
    set_at: Mapped[datetime] = mapped_column(DateTime)
    set_by: Mapped[str | None] = mapped_column(String(100))


class ReliefRound(FacilityRow, Recorded, Base):
    """A distribution of relief goods ("Đợt 2"): what each person (or household) gets and who is entitled."""

    __tablename__ = "relief_round"
    __table_args__ = (
        CheckConstraint("per IN ('person', 'household')", name="per"),
        CheckConstraint("entitled IN ('present', 'zone', 'list')", name="entitled"),
        CheckConstraint("sets IS NULL OR sets >= 0", name="sets"),
        CheckConstraint(
            "(item_id IS NULL AND item_quantity IS NULL) OR (item_id IS NOT NULL AND item_quantity > 0)",
            name="item_quantity",
        ),
    )

    name: Mapped[str] = mapped_column(String(200))
    held_on: Mapped[date] = mapped_column(Date)
    goods: Mapped[str] = mapped_column(String(300))
    per: Mapped[str] = mapped_column(String(10))
    entitled: Mapped[str] = mapped_column(String(10))
    entitled_at: Mapped[datetime | None] = mapped_column(DateTime)
    zone_id: Mapped[int | None] = mapped_column(ForeignKey("zone.id"))
    # How many sets were prepared, when known: what is left over after the handouts.
    sets: Mapped[int | None] = mapped_column(Integer)
    # An item of the store handed out with each set: every handout draws ``item_quantity`` of it from the stock.
    item_id: Mapped[int | None] = mapped_column(ForeignKey("supply_item.id"))
    item_quantity: Mapped[int | None] = mapped_column(Integer)


class ReliefEntitled(Base):
    """A person entitled to a round, fixed when the round is made; ``share_key`` is the person or the household
    that one set goes to."""

    __tablename__ = "relief_entitled"

    round_id: Mapped[int] = mapped_column(ForeignKey("relief_round.id", ondelete="CASCADE"), primary_key=True)
    person_id: Mapped[int] = mapped_column(ForeignKey("person.id"), primary_key=True)
    share_key: Mapped[str] = mapped_column(String(20))


class ReliefHandout(Base):
    """One set of a round handed over: the database itself refuses a second one to the same share."""

    __tablename__ = "relief_handout"
    __table_args__ = (UniqueConstraint("round_id", "share_key"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    round_id: Mapped[int] = mapped_column(ForeignKey("relief_round.id"), index=True)
    person_id: Mapped[int] = mapped_column(ForeignKey("person.id"), index=True)
    share_key: Mapped[str] = mapped_column(String(20))
    given_at: Mapped[datetime] = mapped_column(DateTime)
    given_by: Mapped[str | None] = mapped_column(String(100))
    goods: Mapped[str] = mapped_column(String(300))


class SupplyItem(Base):
    __tablename__ = "supply_item"
    __table_args__ = (
        UniqueConstraint("facility_id", "code"),
        CheckConstraint("kit_kind IS NULL OR kit_kind IN ('rapid', 'pcr')", name="kit_kind"),
        CheckConstraint("pack_size >= 1", name="pack_size"),
        # One kit item per test kind in a facility: each recorded test draws from it.
        Index(
            "uq_supply_item_kit",
            "facility_id",
            "kit_kind",
            unique=True,
            sqlite_where=text("kit_kind IS NOT NULL"),
            postgresql_where=text("kit_kind IS NOT NULL"),
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    facility_id: Mapped[int] = mapped_column(ForeignKey("facility.id"), index=True)
    code: Mapped[str] = mapped_column(String(30))
    name: Mapped[str] = mapped_column(String(200))
    unit: Mapped[str] = mapped_column(String(30))
    min_stock: Mapped[int] = mapped_column(Integer, default=0)
    # The test kind (rapid, pcr) whose tests use one unit of this item each; None for every other item.
    kit_kind: Mapped[str | None] = mapped_column(String(10))
    # Units in a pack as the supplier delivers them (a box of 25 tests): the request sheet orders whole packs.
    pack_size: Mapped[int] = mapped_column(Integer, default=1, server_default="1")


class StockMovement(Base):
    __tablename__ = "stock_movement"

    id: Mapped[int] = mapped_column(primary_key=True)
    item_id: Mapped[int] = mapped_column(ForeignKey("supply_item.id"), index=True)
    moved_at: Mapped[datetime] = mapped_column(DateTime)
    quantity: Mapped[int] = mapped_column(Integer)  # positive in, negative out
    reason: Mapped[str | None] = mapped_column(String(200))
    recorded_by: Mapped[str | None] = mapped_column(String(100))


class Staff(Base):
    __tablename__ = "staff"

    id: Mapped[int] = mapped_column(primary_key=True)
    facility_id: Mapped[int] = mapped_column(ForeignKey("facility.id"), index=True)
    full_name: Mapped[str] = mapped_column(String(120))
    position: Mapped[str | None] = mapped_column(String(100))
    phone: Mapped[str | None] = mapped_column(String(15))
    # Must quarantine from this moment (a positive test, an exposure); None when not flagged.
    quarantine_from: Mapped[datetime | None] = mapped_column(DateTime)
    quarantine_reason: Mapped[str | None] = mapped_column(String(20))
    quarantine_note: Mapped[str | None] = mapped_column(String(200))


class StaffTest(Base):
    """A test of a staff member, recorded like a stay's test (and drawing a kit from the store)."""

    __tablename__ = "staff_test"
    __table_args__ = (
        CheckConstraint("kind IN ('rapid', 'pcr')", name="kind"),
        CheckConstraint("result IN ('negative', 'positive', 'pending')", name="result"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    staff_id: Mapped[int] = mapped_column(ForeignKey("staff.id"), index=True)
    kind: Mapped[str] = mapped_column(String(10))
    sampled_at: Mapped[datetime] = mapped_column(DateTime, index=True)
    result: Mapped[str] = mapped_column(String(10))
    kit_short: Mapped[bool] = mapped_column(Boolean, default=False, server_default=false())
    recorded_by: Mapped[str | None] = mapped_column(String(100))


class Shift(Base):
    __tablename__ = "shift"
    __table_args__ = (CheckConstraint("ends_at > starts_at", name="order"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    facility_id: Mapped[int] = mapped_column(ForeignKey("facility.id"), index=True)
    name: Mapped[str] = mapped_column(String(50))
    starts_at: Mapped[datetime] = mapped_column(DateTime, index=True)
    ends_at: Mapped[datetime] = mapped_column(DateTime)


class Assignment(Base):
    __tablename__ = "assignment"
    __table_args__ = (UniqueConstraint("shift_id", "staff_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    shift_id: Mapped[int] = mapped_column(ForeignKey("shift.id"), index=True)
    staff_id: Mapped[int] = mapped_column(ForeignKey("staff.id"), index=True)


class User(Base):
    __tablename__ = "app_user"
    __table_args__ = (
        CheckConstraint("role IN ('admin', 'manager', 'medical', 'logistics', 'viewer')", name="role"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    username: Mapped[str] = mapped_column(String(50), unique=True)
    full_name: Mapped[str | None] = mapped_column(String(120))
    role: Mapped[str] = mapped_column(String(10))
    password_hash: Mapped[str] = mapped_column(String(200))
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    # Unused since login failures are counted per user and source (LoginFailure); kept for older backups.
    failed_logins: Mapped[int] = mapped_column(Integer, default=0)
    locked_until: Mapped[datetime | None] = mapped_column(DateTime)
    created_at: Mapped[datetime] = mapped_column(DateTime)
    # HMAC over role, state and facilities keyed by the database's secret (domain.audit.user_seal): a role
    # changed by hand in the database no longer matches it.
    seal: Mapped[str | None] = mapped_column(String(64))


class UserFacility(Base):
    """A facility a user works for. A user with none works for the whole district."""

    __tablename__ = "user_facility"

    user_id: Mapped[int] = mapped_column(ForeignKey("app_user.id", ondelete="CASCADE"), primary_key=True)
    facility_id: Mapped[int] = mapped_column(ForeignKey("facility.id"), primary_key=True)


class LoginFailure(Base):
    """Wrong passwords given for one user name from one source (a PC): they slow down that pair, not everyone."""

    __tablename__ = "login_failure"

    username: Mapped[str] = mapped_column(String(50), primary_key=True)
    source: Mapped[str] = mapped_column(String(100), primary_key=True)
    failures: Mapped[int] = mapped_column(Integer)
    last_at: Mapped[datetime] = mapped_column(DateTime)
    blocked_until: Mapped[datetime | None] = mapped_column(DateTime)


class AuditEvent(Base):
    __tablename__ = "audit_event"

    id: Mapped[int] = mapped_column(primary_key=True)
    at: Mapped[datetime] = mapped_column(DateTime, index=True)
    username: Mapped[str | None] = mapped_column(String(50), index=True)
    action: Mapped[str] = mapped_column(String(50), index=True)
    entity: Mapped[str] = mapped_column(String(50))
    entity_id: Mapped[int | None] = mapped_column(Integer)
    summary: Mapped[str] = mapped_column(Text)
    # What the event is about, taken from the summary, so the log filters and searches in SQL (services/audit.py).
    person_id: Mapped[int | None] = mapped_column(Integer, index=True)
    facility: Mapped[str | None] = mapped_column(String(20))
    room: Mapped[str | None] = mapped_column(String(50), index=True)
    search: Mapped[str] = mapped_column(Text, server_default="")
    # The hash chain (domain.audit.chain_hash): the event's place in it, the hash of the event before and its own.
    seq: Mapped[int | None] = mapped_column(Integer, index=True, unique=True)
    prev_hash: Mapped[str | None] = mapped_column(String(64))
    hash: Mapped[str | None] = mapped_column(String(64))


class AuditChain(Base):
    """The head of the audit hash chain (one row): the last event's place and hash. Locked while a transaction
    chains its events, so two PCs never chain to the same event."""

    __tablename__ = "audit_chain"

    id: Mapped[int] = mapped_column(primary_key=True)
    seq: Mapped[int] = mapped_column(Integer)
    hash: Mapped[str] = mapped_column(String(64))


class Setting(Base):
    """Data that belongs to the database rather than to one PC (e.g. when the 16:00 report was last made)."""

    __tablename__ = "setting"

    key: Mapped[str] = mapped_column(String(100), primary_key=True)
    value: Mapped[str] = mapped_column(Text)
