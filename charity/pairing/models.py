"""Cadres of the district departments, and volunteers, organisations and enterprises."""

from datetime import date, datetime

from sqlalchemy import (
    JSON,
    BigInteger,
    CheckConstraint,
    Date,
    ForeignKey,
    String,
    Text,
    UniqueConstraint,
    event,
    insert,
    select,
    update,
)
from sqlalchemy.orm import Mapped, Session, mapped_column, relationship

from charity.audit.models import AuditEntry
from charity.database import CreatedAt, UTCDateTime, check_one_of, unique_where, utcnow
from charity.extensions import db
from charity.registry.models import PersonRecord

RANKS = ("district_leader", "division_leader", "staff")
#: A volunteer, a social organisation (a social-work agency), an enterprise, or a street's
#: aid centre (稻草援助中心); the optimiser knows the last three as organisations.
HELPER_KINDS = ("volunteer", "organisation", "enterprise", "aid_centre")
#: The needs a helper may bring: the optimiser's own names (`matching.model.NEEDS`).
SKILLS = ("medical", "education", "employment", "elderly_care", "housing", "psychological")
#: Where a sign-up stands: waiting for the street officer, approved, or rejected with a reason.
APPLICATION_STATUSES = ("pending", "approved", "rejected")
#: Why a helper pauses.
PAUSE_KINDS = ("holiday", "illness", "personal")


class Cadre(db.Model):
    """An official (干部) of a district department; the 321 rule sets their quota by rank."""

    __tablename__ = "cadre"
    __table_args__ = (
        check_one_of("rank", RANKS),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    department_id: Mapped[int] = mapped_column(ForeignKey("department.id"), index=True)
    name: Mapped[str] = mapped_column(String(40))
    rank: Mapped[str] = mapped_column(String(20))
    user_id: Mapped[int | None] = mapped_column(ForeignKey("user.id"), unique=True)
    home_community_id: Mapped[int | None] = mapped_column(ForeignKey("community.id"))
    #: Skills a cadre brings to a need (same names as volunteers').
    skills: Mapped[list] = mapped_column(JSON, default=list)
    #: False once the cadre left: the optimiser is given active cadres only.
    active: Mapped[bool] = mapped_column(default=True)
    #: The mainland mobile number, Fernet-encrypted like a guardian's; its keyed hash finds a
    #: second cadre with the same number without decrypting; the masked copy is what lists show.
    phone_encrypted: Mapped[str | None] = mapped_column(Text)
    phone_hash: Mapped[str | None] = mapped_column(String(64), unique=True)
    phone_masked: Mapped[str | None] = mapped_column(String(20))
    #: The department's own staff number (工号), unique in the district when given.
    staff_number: Mapped[str | None] = mapped_column(String(20), unique=True)
    #: The day the cadre left (retired, moved away) and why; None while serving.
    left_on: Mapped[date | None]
    leave_reason: Mapped[str | None] = mapped_column(String(200))

    department = relationship("Department")
    user = relationship("User")
    home_community = relationship("Community")


class CadreInvite(CreatedAt, db.Model):
    """A link that lets a cadre set their account's password once: only a hash of its secret
    is kept; it expires, is used once, and a new one revokes the last."""

    __tablename__ = "cadre_invite"

    id: Mapped[int] = mapped_column(primary_key=True)
    cadre_id: Mapped[int] = mapped_column(ForeignKey("cadre.id"), index=True)
    #: SHA-256 of the link's random part.
    secret_hash: Mapped[str] = mapped_column(String(64), unique=True)
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime)
    used_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    revoked_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id"))

    cadre = relationship("Cadre")


class Volunteer(CreatedAt, db.Model):
    """A volunteer, social organisation, enterprise or aid centre that helps households. It
    signs up on the public page, confirms its e-mail, and the street officer of its home street
    approves it; only then (and while not paused) does the optimiser see it."""

    __tablename__ = "volunteer"
    __table_args__ = (
        check_one_of("kind", HELPER_KINDS),
        check_one_of("status", APPLICATION_STATUSES),
        check_one_of("pause_kind", PAUSE_KINDS, nullable=True),
        CheckConstraint("capacity >= 0", name="capacity"),
        CheckConstraint("status != 'rejected' OR decision_reason IS NOT NULL",
                        name="rejected_with_reason"),
        CheckConstraint("status = 'pending' OR decided_at IS NOT NULL", name="decided_when"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[str] = mapped_column(String(20), default="volunteer")
    name: Mapped[str] = mapped_column(String(80))
    user_id: Mapped[int | None] = mapped_column(ForeignKey("user.id"), unique=True)
    home_community_id: Mapped[int | None] = mapped_column(ForeignKey("community.id"))
    skills: Mapped[list] = mapped_column(JSON, default=list)
    #: How many people they can take on at once.
    capacity: Mapped[int] = mapped_column(default=1)
    #: Streets (ids) they travel to besides their home community's street.
    travel_street_ids: Mapped[list] = mapped_column(JSON, default=list)
    active: Mapped[bool] = mapped_column(default=True)
    #: An organisation's contact person (empty for a volunteer).
    contact_person: Mapped[str | None] = mapped_column(String(40))
    #: The e-mail address the confirmation and decisions go to (also the account's).
    email: Mapped[str | None] = mapped_column(String(254), unique=True)
    #: The mobile phone, Fernet-encrypted like an ID number, its keyed hash (duplicates) and
    #: its masked form (what the street officer sees).
    phone_encrypted: Mapped[str | None] = mapped_column(Text)
    phone_hash: Mapped[str | None] = mapped_column(String(64), unique=True)
    phone_masked: Mapped[str | None] = mapped_column(String(20))
    #: Language codes (`charity.volunteers.forms.LANGUAGES`).
    languages: Mapped[list] = mapped_column(JSON, default=list)
    #: When they can help: "mon-morning", "sat-evening", ...
    availability: Mapped[list] = mapped_column(JSON, default=list)
    #: Pending until the street officer decides; only approved helpers are paired.
    status: Mapped[str] = mapped_column(String(20), default="pending")
    decision_reason: Mapped[str | None] = mapped_column(String(200))
    decided_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id"))
    decided_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    #: When the sign-up's e-mail address was confirmed by its link.
    confirmed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    #: Paused by the helper since then (None: not paused); until `paused_until` if given
    #: (the last day of the pause), else until they resume.
    paused_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    paused_until: Mapped[date | None] = mapped_column(Date)
    pause_kind: Mapped[str | None] = mapped_column(String(20))
    pause_reason: Mapped[str | None] = mapped_column(String(200))

    user = relationship("User", foreign_keys=[user_id])
    decided_by = relationship("User", foreign_keys=[decided_by_id])
    home_community = relationship("Community")

    def paused_on(self, day: date) -> bool:
        """Whether the helper is paused on `day` (a pause ends after its last day)."""
        return self.paused_at is not None and (self.paused_until is None
                                               or day <= self.paused_until)


PAIRING_STATUSES = ("proposed", "active", "declined", "ended")
#: How a pairing names its helper: a cadre, or a volunteer (organisations and enterprises too).
PAIRED_KINDS = ("cadre", "volunteer")
RUN_STATES = ("preview", "published", "discarded")


#: The statuses of a run that meets every hard rule.
PUBLISHABLE = ("OPTIMAL", "FEASIBLE")


class MatchRun(CreatedAt, db.Model):
    """One run of the pairing optimiser, for the district or one street."""

    __tablename__ = "match_run"
    __table_args__ = (
        check_one_of("state", RUN_STATES),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    street_id: Mapped[int | None] = mapped_column(ForeignKey("street.id"))
    #: 'preview' until staff publish it; published pairs become proposals to helpers.
    state: Mapped[str] = mapped_column(String(20), default="preview")
    #: Solver status: OPTIMAL, FEASIBLE, INFEASIBLE or UNKNOWN (see `matching.Result`);
    #: only `PUBLISHABLE` runs may be published.
    status: Mapped[str] = mapped_column(String(20))
    objective: Mapped[int] = mapped_column(BigInteger)
    bound: Mapped[int] = mapped_column(BigInteger)
    seconds: Mapped[float]
    #: Per-street coverage, unmatched people with reasons, conflicts, the proposed pairs.
    summary: Mapped[dict] = mapped_column(JSON, default=dict)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id"))
    published_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    street = relationship("Street")


class Pairing(PersonRecord, CreatedAt, db.Model):
    """A helper (cadre, or volunteer/organisation/enterprise) paired with a person."""

    __tablename__ = "pairing"
    __table_args__ = (
        check_one_of("helper_kind", PAIRED_KINDS),
        check_one_of("status", PAIRING_STATUSES),
        CheckConstraint("(helper_kind = 'cadre' AND cadre_id IS NOT NULL AND volunteer_id IS NULL)"
                        " OR (helper_kind = 'volunteer' AND volunteer_id IS NOT NULL"
                        " AND cadre_id IS NULL)", name="one_helper"),
        #: At most one live cadre and one live volunteer per person.
        unique_where("uq_pairing_live_helper", "person_id", "helper_kind",
                     where="status IN ('proposed', 'active')"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    helper_kind: Mapped[str] = mapped_column(String(20))
    cadre_id: Mapped[int | None] = mapped_column(ForeignKey("cadre.id"), index=True)
    volunteer_id: Mapped[int | None] = mapped_column(ForeignKey("volunteer.id"), index=True)
    status: Mapped[str] = mapped_column(String(20), default="proposed")
    #: Staff locked the pair: the optimiser keeps it.
    locked: Mapped[bool] = mapped_column(default=False)
    match_run_id: Mapped[int | None] = mapped_column(ForeignKey("match_run.id"))
    #: Why the optimiser chose it (priority, continuity, proximity, skill).
    reasons: Mapped[list] = mapped_column(JSON, default=list)
    decline_reason: Mapped[str | None] = mapped_column(String(200))
    accepted_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    ended_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    cadre = relationship("Cadre")
    volunteer = relationship("Volunteer")
    match_run = relationship("MatchRun")


class ForbiddenPair(PersonRecord, CreatedAt, db.Model):
    """A pair the optimiser must never produce: declined, or a conflict of interest."""

    __tablename__ = "forbidden_pair"
    __table_args__ = (
        check_one_of("helper_kind", PAIRED_KINDS),
        UniqueConstraint("helper_kind", "helper_id", "person_id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    helper_kind: Mapped[str] = mapped_column(String(20))
    helper_id: Mapped[int]
    #: 'declined' or 'conflict'.
    reason: Mapped[str] = mapped_column(String(200))


class CrossStreetPermission(db.Model):
    """Staff allow a department group's cadres to pair in another street."""

    __tablename__ = "cross_street_permission"
    __table_args__ = (UniqueConstraint("group_id", "street_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    group_id: Mapped[int] = mapped_column(ForeignKey("department_group.id"))
    street_id: Mapped[int] = mapped_column(ForeignKey("street.id"))


class UnmatchedEntry(PersonRecord, CreatedAt, db.Model):
    """A person a decline left without a helper of one kind: on the street officer's queue
    until a helper of that kind is paired with them again (by a run, a re-match, a suggestion
    or staff), when the entry closes itself (see `_close_entries`)."""

    __tablename__ = "unmatched_entry"
    __table_args__ = (
        check_one_of("helper_kind", PAIRED_KINDS),
        #: At most one open entry per person and helper kind.
        unique_where("uq_unmatched_entry_open", "person_id", "helper_kind",
                     where="closed_at IS NULL"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    helper_kind: Mapped[str] = mapped_column(String(20))
    #: The pairing whose decline put the person here.
    declined_pairing_id: Mapped[int | None] = mapped_column(ForeignKey("pairing.id"))
    #: Why the re-match found nobody: the optimiser's message as data.
    reason: Mapped[dict] = mapped_column(JSON, default=dict)
    closed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    #: The pairing that closed it.
    closed_by_pairing_id: Mapped[int | None] = mapped_column(ForeignKey("pairing.id"))

    declined_pairing = relationship("Pairing", foreign_keys=[declined_pairing_id])


@event.listens_for(Session, "after_flush")
def _close_entries(session, flush_context) -> None:
    """Live pairings written, whatever wrote them (a run, a re-match, a suggestion, staff),
    close their people's open queue entries of the same helper kind, and the audit log says
    so: one look-up per flush that wrote pairings."""
    written = {(p.person_id, p.helper_kind): p.id for p in session.new
               if isinstance(p, Pairing) and p.status in ("proposed", "active")}
    if not written:
        return
    table = UnmatchedEntry.__table__
    connection = session.connection()
    found = connection.execute(select(table.c.id, table.c.person_id, table.c.helper_kind).where(
        table.c.person_id.in_({person for person, _kind in written}),
        table.c.closed_at.is_(None))).all()
    closing = [(entry_id, written[(person, kind)]) for entry_id, person, kind in found
               if (person, kind) in written]
    now = utcnow()
    for entry_id, pairing_id in closing:
        connection.execute(update(table).where(table.c.id == entry_id)
                           .values(closed_at=now, closed_by_pairing_id=pairing_id))
    if closing:
        connection.execute(insert(AuditEntry.__table__), [
            {"at": now, "action": "unmatched.close", "object_type": "unmatched_entry",
             "object_id": str(entry_id), "detail": {"pairing": pairing_id}}
            for entry_id, pairing_id in closing])
