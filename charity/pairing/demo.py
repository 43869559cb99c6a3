"""Demo pairings: the optimiser's own district run, published, most of it already accepted."""

import random
from datetime import timedelta

from sqlalchemy import func, select

from charity.auth.models import User
from charity.database import utcnow
from charity.extensions import db
from charity.pairing import operations
from charity.pairing.models import Cadre, Pairing, Volunteer

#: The demo's own accounts end so (every demo helper has an account: they signed up).
DEMO_ACCOUNTS = "@songtan.test"


def load_pairings(seed: int = 9) -> int:
    """Run and publish matching for the district once; helpers have accepted four in five of
    their proposals, and the demo accounts their first one (the rest wait for them to accept
    or decline). Accepted pairs are dated back up to two years, as in a district that has
    paired for a while (their contacts go back that far). Returns the pairs published (0 if
    any pairing existed already)."""
    if db.session.scalar(select(func.count(Pairing.id))):
        return 0
    counts = operations.publish(operations.run())
    demo_helpers = set(db.session.scalars(
        select(Cadre.id).join(User, User.id == Cadre.user_id)
        .where(User.email.endswith(DEMO_ACCOUNTS))))
    demo_volunteers = set(db.session.scalars(
        select(Volunteer.id).join(User, User.id == Volunteer.user_id)
        .where(User.email.endswith(DEMO_ACCOUNTS))))
    rng = random.Random(seed)  # noqa: S311 - a reproducible demo, not a secret
    now = utcnow()
    first_seen = set()
    for pairing in db.session.scalars(select(Pairing).order_by(Pairing.id)):
        demo = pairing.cadre_id in demo_helpers or pairing.volunteer_id in demo_volunteers
        if demo:
            helper = (pairing.helper_kind, pairing.cadre_id or pairing.volunteer_id)
            accept = helper not in first_seen
            first_seen.add(helper)
        else:
            accept = rng.random() < 0.8
        if accept:
            since = now - timedelta(days=rng.randrange(30, 730))
            pairing.status, pairing.accepted_at, pairing.created_at = "active", since, since
    db.session.flush()
    _decline_some(rng, demo_helpers, demo_volunteers)
    return counts["added"]


#: Why the demo's helpers declined.
DECLINE_REASONS = ("工作调动，近期无法上门", "住得太远，难以定期走访", "与该户有亲属关系，需回避")


def _decline_some(rng: random.Random, demo_cadres: set[int], demo_volunteers: set[int],
                  count: int = 4) -> None:
    """A few helpers (not the demo accounts) declined a proposal, through the same operation
    as their phone: each was re-matched at once, or put on the street's queue, and a
    volunteer with room left was proposed someone else."""
    waiting = [p for p in db.session.scalars(select(Pairing).where(Pairing.status == "proposed")
                                             .order_by(Pairing.id))
               if p.cadre_id not in demo_cadres and p.volunteer_id not in demo_volunteers]
    for pairing in rng.sample(waiting, min(count, len(waiting))):
        if pairing.status == "proposed":
            operations.decline(pairing, rng.choice(DECLINE_REASONS))
