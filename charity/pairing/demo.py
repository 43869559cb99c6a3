"""Demo pairings: the optimiser's own district run, published, most of it already accepted."""

import random

from sqlalchemy import func, select

from charity.auth.models import User
from charity.database import utcnow
from charity.extensions import db
from charity.pairing import operations
from charity.pairing.models import Cadre, Pairing, Volunteer


def load_pairings(seed: int = 9) -> int:
    """Run and publish matching for the district once; helpers other than the demo accounts
    have accepted four in five of their proposals. Returns the pairs published (0 if any
    pairing existed already)."""
    if db.session.scalar(select(func.count(Pairing.id))):
        return 0
    counts = operations.publish(operations.run())
    demo_helpers = set(db.session.scalars(
        select(Cadre.id).join(User, User.id == Cadre.user_id)))
    demo_volunteers = set(db.session.scalars(
        select(Volunteer.id).join(User, User.id == Volunteer.user_id)))
    rng = random.Random(seed)
    now = utcnow()
    for pairing in db.session.scalars(select(Pairing).order_by(Pairing.id)):
        if pairing.cadre_id in demo_helpers or pairing.volunteer_id in demo_volunteers:
            continue
        if rng.random() < 0.8:
            pairing.status, pairing.accepted_at = "active", now
    db.session.flush()
    return counts["added"]
