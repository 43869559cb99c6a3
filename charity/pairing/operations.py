"""The pairing workflow: run, preview, publish, lock, forbid, accept, decline and re-match.
Operations flush; the request or command commits."""

import hashlib
import json
from dataclasses import dataclass

from flask import current_app
from flask_babel import lazy_gettext as _l
from sqlalchemy import func, select, text, update
from sqlalchemy.orm.attributes import set_committed_value

import matching
from charity import eligibility as rules
from charity.audit.operations import record
from charity.database import utcnow
from charity.errors import DomainError
from charity.extensions import db
from charity.pairing import adapter
from charity.pairing.models import (
    PUBLISHABLE,
    ForbiddenPair,
    MatchRun,
    Pairing,
    UnmatchedEntry,
    Volunteer,
)
from charity.registry.models import Household, Person
from charity.timeutil import local_today
from matching.scoring import priority_mark


class PairingError(DomainError):
    """A workflow step that is refused; the message is shown to the user."""


#: The PostgreSQL advisory lock of the writes that read the live pairs and then add some.
PAIRING_WRITES = 0x50414952  # "PAIR"


def one_at_a_time() -> None:
    """Wait for any other transaction that reads the live pairs to add some (a publish, a
    re-match, a suggestion) to end, and hold the others off until this one ends: otherwise two
    at once each read a helper's load before the other wrote, and both fill its last place.
    A decline and a cadre's leave, transfer or change of rank take it before they write any
    row (a publish holding it may be ending that pair, or giving that cadre someone: each would
    wait for the other). On PostgreSQL an advisory lock to the transaction's end; SQLite's
    writing transactions begin IMMEDIATE, one at a time already."""
    if db.session.get_bind().dialect.name == "postgresql":
        db.session.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": PAIRING_WRITES})


def _key(kind: str, helper_id: int, person_id: int) -> tuple[str, int, int]:
    return ("cadre" if kind == "cadre" else "volunteer", helper_id, person_id)


def _stored(messages) -> list[dict]:
    """The optimiser's messages as they are stored: ``{"code": ..., "params": {...}}``."""
    return [message.as_json() for message in messages]


def _silent(done: int, total: int, code: str) -> None:
    """No one watches a run from the command line."""


def problem_for(street=None) -> matching.Problem:
    """The district (or one street) as the optimiser's problem; refused when there are people
    but no helper at all."""
    return read(street)[0]


def read(street=None) -> tuple[matching.Problem, str]:
    """:func:`problem_for`, and the digest of the live pairs it was read with
    (`adapter.live_digest`), which its preview keeps (`keep_run`)."""
    standards = rules.standards(current_app.config)
    problem, seen = adapter.read_problem(local_today(), standards, street)
    if problem.beneficiaries and not (problem.cadres or problem.volunteers):
        raise PairingError(_l("There is no active cadre or volunteer to pair anyone with; "
                              "nothing was run."))
    return problem, seen


def run(street=None, user=None, progress=_silent, problem=None,
        seen: str | None = None) -> MatchRun:
    """Solve the district (or one street) and keep the result as a preview with its diff.
    `progress(done, total, code)` hears each step (a job's progress bar): reading, solving
    (each of the independent components solved, when it splits into several: streets no
    helper links, solved one after another, `matching.solve_split`), saving; it is called
    before anything is written. `problem`: the street's problem, if read already, with
    `seen`, the digest of the live pairs it was read with (`read`)."""
    if problem is None:
        progress(0, 3, "reading")
        problem, seen = read(street)
    saving = [2, 3]

    def solved(done: int, total: int) -> None:
        # "solving" (1 of 3) only for a run that does not split: one that does counts its
        # components from 0, and the bar must not go back from a third to nothing
        if total > 1:
            saving[:] = [total, total]
            progress(done, total, "components")
        elif done == 0:
            progress(1, 3, "solving")

    result = matching.solve_split(problem, solved)
    progress(*saving, "saving")
    return keep_run({b.id for b in problem.beneficiaries}, result, street, user,
                    priority=priority_people(problem), seen=seen)


def priority_people(problem: matching.Problem) -> list[int]:
    """The ids of the problem's people with a priority mark (tekun, orphan, disabled, ...)."""
    return [b.id for b in problem.beneficiaries if priority_mark(b)]


def priority_summary(priority, result: matching.Result) -> dict[str, int]:
    """How many of the priority people a run pairs with a cadre, of how many."""
    with_cadre = {p.beneficiary_id for p in result.pairs if p.helper_kind == "cadre"}
    return {"people": len(set(priority)), "with_cadre": len(set(priority) & with_cadre)}


#: The basis of a preview whose run read the live pairs before a change (a decline, a
#: re-match, another publish): it is never published (`_publishable`).
READ_BEFORE_A_CHANGE = "read before a change"


def keep_run(in_scope: set[int], result: matching.Result, street=None, user=None,
             priority=None, seen: str | None = None) -> MatchRun:
    """Keep a result as a preview, with its diff against the live pairs of the people
    `in_scope` (the people of the problem it solved). `priority`: the ids of its people with
    a priority mark (`priority_people`); the run then keeps how many of them have a cadre.
    `seen`: the digest of the live pairs the run read (`read`); if they have changed since
    (while it solved), the preview is kept but never published: it would undo that change."""
    pairs = adapter.live_pairs()
    every = [_key(*adapter.as_pair(p).key) for p in pairs]
    live = {key for key in every if key[2] in in_scope}
    proposed = {_key(*p.key): p for p in result.pairs}
    summary = {
        "pairs": [[*_key(*p.key), _stored(p.reasons)] for p in result.pairs],
        "coverage": {s: list(v) for s, v in result.coverage.items()},
        "volunteer_coverage": {s: list(v) for s, v in result.volunteer_coverage.items()},
        "unmatched": [[person_id, reason.as_json()] for person_id, reason in result.unmatched],
        "conflicts": _stored(result.conflicts),
        "quota_violations": [list(v) for v in result.quota_violations],
        "notes": _stored(result.notes),
        "layers": [{"layer": proof.layer, "status": proof.status, "objective": proof.objective,
                    "bound": proof.bound, "rounds": proof.rounds, "arcs": proof.arcs,
                    "checked": proof.checked, "cost": proof.cost} for proof in result.layers],
        "households": households_summary(result.households),
        "added": sorted(list(k) for k in proposed.keys() - live),
        "removed": sorted(list(k) for k in live - proposed.keys()),
        "kept": len(proposed.keys() & live),
    }
    summary["basis"] = basis(summary, every) if seen is None or \
        seen == adapter.live_digest(pairs) else READ_BEFORE_A_CHANGE
    if priority is not None:
        summary["priority"] = priority_summary(priority, result)
    match_run = MatchRun(street_id=street.id if street else None, status=result.status,
                         objective=result.objective, bound=result.bound,
                         seconds=round(result.seconds, 3), summary=summary,
                         created_by_id=getattr(user, "id", None))
    db.session.add(match_run)
    db.session.flush()
    record("match.run", "match_run", match_run.id, user=user, status=result.status)
    return match_run


def households_summary(report: matching.Households) -> dict:
    """The household rule's report as it is stored: counts, whether the split count is proven
    minimal, the rule's cost in each part of the cadre layer, and (household id, code, street,
    why) of each split household."""
    codes = dict(db.session.execute(
        select(Household.id, Household.code).where(
            Household.id.in_([found for found, _ in report.split_households]))).all()) \
        if report.split_households else {}
    return {"households": report.households, "split": report.split, "bound": report.bound,
            "before": report.before, "proven": report.proven, "cost": dict(report.cost),
            "split_households": [[household_id, codes.get(household_id, ""), why.as_json()]
                                 for household_id, why in report.split_households]}


def basis(summary: dict, live_keys) -> str:
    """A digest of the live pairs a preview's changes rest on: those of the people it pairs
    or ends, those of the helpers it gives someone new (their quotas and capacities), and
    those of the cadres whose pairs it ends (their minimum, met by their people elsewhere as
    they were: two street runs must not each end a pair of one cadre, counting on the other).
    A preview is published only while they are the same (see `publish`)."""
    people = {key[2] for key in summary["removed"]} | {pair[2] for pair in summary["pairs"]}
    helpers = {(kind, helper) for kind, helper, _person in summary["added"]} | {
        (kind, helper) for kind, helper, _person in summary["removed"] if kind == "cadre"}
    relevant = sorted(key for key in live_keys if key[2] in people or key[:2] in helpers)
    return hashlib.sha256(json.dumps([relevant, _records(helpers)]).encode()).hexdigest()


def _records(helpers: set[tuple[str, int]]) -> list:
    """What bounds the pairs of ``helpers`` besides their live pairs (`adapter.helper_records`):
    a cadre who left, was given a lower rank or moved since a preview must not be given its
    people, nor a volunteer past a lowered capacity, unapproved or paused."""
    return adapter.helper_records(
        sorted(helper for kind, helper in helpers if kind == "cadre"),
        sorted(helper for kind, helper in helpers if kind != "cadre"))


def _now_forbidden(added: list) -> bool:
    """Whether a pair of ``added`` (kind, helper id, person id) was forbidden after its run
    read the forbidden pairs (a conflict of interest recorded for an ended pair)."""
    wanted = {(kind, helper, person) for kind, helper, person in added}
    people = {person for _kind, _helper, person in wanted}
    if not people:
        return False
    rows = db.session.execute(select(ForbiddenPair.helper_kind, ForbiddenPair.helper_id,
                                     ForbiddenPair.person_id)
                              .where(ForbiddenPair.person_id.in_(people))).all()
    return any(_key(*row) in wanted for row in rows)


def _off_the_roster(added: list) -> bool:
    """Whether a person of ``added`` (kind, helper id, person id) is no longer enrolled (exited
    or suspended after the run read them: one with no live pair changes no pair doing so)."""
    people = {person for _kind, _helper, person in added}
    return bool(people) and db.session.scalar(select(func.count(Person.id)).where(
        Person.id.in_(people), Person.status != "enrolled")) > 0


def _publishable(match_run: MatchRun, live_keys) -> None:
    """Refuse a run that is no preview, that is not publishable, or whose changes were worked
    out against live pairs that have changed since (another run published, a pair declined,
    re-matched, forbidden or ended): publishing it would undo those changes or break the
    rules (two cadres for one person, a helper past their quota)."""
    if match_run.state != "preview":
        raise PairingError(_l("This run was already published or discarded."))
    if match_run.status == "INFEASIBLE":
        raise PairingError(_l("An infeasible run cannot be published; resolve the conflicts."))
    if match_run.status not in PUBLISHABLE:
        raise PairingError(_l("This run stopped before every quota minimum was met; it cannot "
                              "be published. Please run it again."))
    if "basis" not in match_run.summary:
        raise PairingError(_l("This preview was made before what it was compared with was "
                              "recorded, so it cannot be checked; please run it again."))
    if match_run.summary["basis"] != basis(match_run.summary, live_keys) or _now_forbidden(
            match_run.summary["added"]):
        raise PairingError(_l("The pairings have changed since this preview was made (another "
                              "run was published; a pair was declined, re-matched or ended; or "
                              "a helper left, moved, or changed rank, capacity or pause); "
                              "publishing it would undo that or break a rule. Please run it "
                              "again."))
    if _off_the_roster(match_run.summary["added"]):
        raise PairingError(_l("Someone this preview gives a helper has left the roster or been "
                              "suspended since it was made. Please run it again."))


def publish(match_run: MatchRun, user=None) -> dict[str, int]:
    """Make a preview real: new pairs are proposed to their helpers, pairs the run dropped end,
    locked pairs and pairs the run kept stay as they are. Refused unless the live pairs its
    changes rest on are as they were (`basis`); of two requests publishing it at once, the
    second is refused."""
    one_at_a_time()
    live = {_key(*adapter.as_pair(p).key): p for p in adapter.live_pairs()}
    _publishable(match_run, live.keys())
    now = utcnow()
    claimed = db.session.execute(
        update(MatchRun).where(MatchRun.id == match_run.id, MatchRun.state == "preview")
        .values(state="published", published_at=now)
        .execution_options(synchronize_session=False))
    if claimed.rowcount != 1:
        raise PairingError(_l("This run was already published or discarded."))
    set_committed_value(match_run, "state", "published")
    set_committed_value(match_run, "published_at", now)
    reasons = {tuple(k): r for *k, r in match_run.summary["pairs"]}
    for kind, helper_id, person_id in map(tuple, match_run.summary["removed"]):
        pairing = live.get((kind, helper_id, person_id))
        if pairing is not None and not pairing.locked:
            pairing.status, pairing.ended_at = "ended", now
    db.session.flush()
    for kind, helper_id, person_id in map(tuple, match_run.summary["added"]):
        db.session.add(Pairing(
            person_id=person_id, helper_kind=kind, match_run_id=match_run.id,
            cadre_id=helper_id if kind == "cadre" else None,
            volunteer_id=helper_id if kind == "volunteer" else None,
            reasons=reasons.get((kind, helper_id, person_id), [])))
    db.session.flush()
    counts = {"added": len(match_run.summary["added"]),
              "ended": len(match_run.summary["removed"]), "kept": match_run.summary["kept"]}
    record("match.publish", "match_run", match_run.id, user=user, **counts)
    return counts


def set_locked(pairing: Pairing, locked: bool, user=None) -> None:
    """Lock a live pair so every later run keeps it, or unlock it."""
    if pairing.status not in adapter.LIVE:
        raise PairingError(_l("Only a live pairing can be locked."))
    pairing.locked = locked
    db.session.flush()
    record("pairing.lock" if locked else "pairing.unlock", "pairing", pairing.id, user=user)


def forbid(pairing: Pairing, reason: str, user=None) -> ForbiddenPair:
    """Record a conflict of interest: the pair ends and no run will ever produce it again."""
    one_at_a_time()  # a publish under way checks the forbidden pairs (`_now_forbidden`)
    helper_id = pairing.cadre_id or pairing.volunteer_id
    forbidden = _forbidden(pairing.helper_kind, helper_id, pairing.person_id, reason)
    if pairing.status in adapter.LIVE:
        pairing.status, pairing.ended_at, pairing.locked = "ended", utcnow(), False
    db.session.flush()
    record("pairing.forbid", "pairing", pairing.id, user=user, reason=reason)
    return forbidden


def _forbidden(kind: str, helper_id: int, person_id: int, reason: str) -> ForbiddenPair:
    existing = db.session.scalar(select(ForbiddenPair).filter_by(
        helper_kind=kind, helper_id=helper_id, person_id=person_id))
    if existing is None:
        existing = ForbiddenPair(helper_kind=kind, helper_id=helper_id, person_id=person_id,
                                 reason=reason)
        db.session.add(existing)
    return existing


def _move(pairing: Pairing, states: tuple[str, ...], refused, **values) -> None:
    """Change the pairing in the database itself, only while it is still in one of
    `states`: of two tabs accepting or declining it at once, the second is refused."""
    moved = db.session.execute(
        update(Pairing).where(Pairing.id == pairing.id, Pairing.status.in_(states))
        .values(**values).execution_options(synchronize_session=False))
    if moved.rowcount != 1:
        raise PairingError(refused)
    for name, value in values.items():
        set_committed_value(pairing, name, value)


def accept(pairing: Pairing, user=None) -> None:
    """The helper takes the person on."""
    refused = _l("Only a proposed pairing can be accepted.")
    if pairing.status != "proposed":
        raise PairingError(refused)
    _move(pairing, ("proposed",), refused, status="active", accepted_at=utcnow())
    db.session.flush()
    record("pairing.accept", "pairing", pairing.id, user=user)


@dataclass(frozen=True)
class Declined:
    """What a decline did: the re-match's new pairing, or None with the re-match's reason and
    the person's entry on the street's queue of unmatched people; and for a volunteer with
    room left, the next person proposed to them (or None, with the reason)."""

    replacement: Pairing | None
    reason: dict
    queued: UnmatchedEntry | None = None
    suggestion: Pairing | None = None
    suggestion_reason: dict | None = None


def decline(pairing: Pairing, reason: str, user=None) -> Declined:
    """The helper declines: the pair is forbidden from now on and the person is re-matched at
    once with the best helper left, changing no other pair. If nobody is found the person goes
    on their street's queue of unmatched people with the re-match's reason. A volunteer (or
    organisation) with room left, and not paused, is proposed the next person who fits them."""
    refused = _l("Only a live pairing can be declined.")
    if pairing.status not in adapter.LIVE:
        raise PairingError(refused)
    if not reason.strip():
        raise PairingError(_l("Please give a reason for declining."))
    one_at_a_time()  # before the pair's row: a publish holding the lock may be ending it
    helper_id = pairing.cadre_id or pairing.volunteer_id
    _move(pairing, adapter.LIVE, refused, status="declined", decline_reason=reason.strip(),
          ended_at=utcnow(), locked=False)
    _forbidden(pairing.helper_kind, helper_id, pairing.person_id, "declined")
    db.session.flush()
    record("pairing.decline", "pairing", pairing.id, user=user, reason=reason.strip())
    replacement, why = rematch(pairing, user)
    queued = None if replacement else enqueue(pairing, why, user)
    if pairing.helper_kind != "volunteer" or not has_room(pairing.volunteer) \
            or pairing.volunteer.paused_on(local_today()):
        return Declined(replacement, why, queued)
    suggestion, suggestion_reason = suggest(pairing.volunteer, user)
    return Declined(replacement, why, queued, suggestion, suggestion_reason)


def rematch(declined: Pairing, user=None) -> tuple[Pairing | None, dict]:
    """Offer the person of a declined pairing to the next best helper of the same kind.
    Returns the new pairing (or None) and the re-match's message as stored data (why nobody
    was found, or "rematch")."""
    one_at_a_time()
    standards = rules.standards(current_app.config)
    problem, current = adapter.rematch_problem(declined.person, local_today(), standards)
    kind = "cadre" if declined.helper_kind == "cadre" else (
        adapter.solver_kind(declined.volunteer))
    helper_id = declined.cadre_id or declined.volunteer_id
    outcome = matching.rematch(problem, current, declined.person_id, (kind, helper_id))
    if outcome.pair is None:
        record("pairing.rematch", "person", declined.person_id, user=user,
               result=outcome.reason.as_json())
        return None, outcome.reason.as_json()
    pairing = _proposed(outcome.pair)
    record("pairing.rematch", "pairing", pairing.id, user=user, replaces=declined.id)
    return pairing, outcome.reason.as_json()


def _proposed(pair: matching.Pair) -> Pairing:
    """A pair of the optimiser's as a new proposal to its helper."""
    kind = "cadre" if pair.helper_kind == "cadre" else "volunteer"
    pairing = Pairing(person_id=pair.beneficiary_id, helper_kind=kind,
                      cadre_id=pair.helper_id if kind == "cadre" else None,
                      volunteer_id=pair.helper_id if kind == "volunteer" else None,
                      reasons=_stored(pair.reasons))
    db.session.add(pairing)
    db.session.flush()
    return pairing


def enqueue(declined: Pairing, reason: dict, user=None) -> UnmatchedEntry:
    """Put the person of a declined pairing on their street's queue of unmatched people, with
    the re-match's reason (an entry already open for them and that kind is kept)."""
    entry = db.session.scalar(select(UnmatchedEntry).filter_by(
        person_id=declined.person_id, helper_kind=declined.helper_kind, closed_at=None))
    if entry is None:
        entry = UnmatchedEntry(person_id=declined.person_id, helper_kind=declined.helper_kind,
                               declined_pairing_id=declined.id, reason=reason)
        db.session.add(entry)
        db.session.flush()
        record("unmatched.open", "unmatched_entry", entry.id, user=user,
               person=declined.person_id, reason=reason)
    return entry


def has_room(volunteer: Volunteer) -> bool:
    """Whether a volunteer or organisation takes fewer people than their capacity."""
    load = db.session.scalar(select(func.count(Pairing.id)).where(
        Pairing.volunteer_id == volunteer.id, Pairing.status.in_(adapter.LIVE)))
    return volunteer.active and load < volunteer.capacity


def suggest(volunteer: Volunteer, user=None) -> tuple[Pairing | None, dict]:
    """Propose to a volunteer or organisation with room left the next person who fits them
    (the optimiser's choice among the people of their streets with no volunteer). Returns the
    proposal, or None with the reason."""
    one_at_a_time()
    standards = rules.standards(current_app.config)
    problem, current = adapter.suggest_problem(volunteer, local_today(), standards)
    outcome = matching.suggest(problem, current, (adapter.solver_kind(volunteer), volunteer.id))
    if outcome.pair is None:
        return None, outcome.reason.as_json()
    pairing = _proposed(outcome.pair)
    record("pairing.suggest", "pairing", pairing.id, user=user, volunteer=volunteer.id)
    return pairing, outcome.reason.as_json()
