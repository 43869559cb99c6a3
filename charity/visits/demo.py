"""Demo visits: a festival campaign over the demo's pairings with visits logged and some
pending, and a spot check. Seeded and idempotent."""

import random
from datetime import date, timedelta

from sqlalchemy import func, select

from charity.extensions import db
from charity.visits import operations
from charity.visits.models import Campaign

NOTES = ("送去米油，老人身体尚可。", "交谈半小时，孩子学习情况良好。",
         "了解就业意愿，留下联系方式。", "家中漏雨，已联系社区。", "节日慰问，送去慰问金和春联。")


def load_visits(today: date, seed: int = 30) -> dict[str, int]:
    """A Spring Festival campaign with about 70% of visits logged and a spot check of 20
    logged visits with some findings recorded; nothing when a campaign exists."""
    if db.session.scalar(select(func.count(Campaign.id))):
        return {"visits": 0}
    rng = random.Random(seed)  # noqa: S311 (demo data, not security)
    starts = today - timedelta(days=14)
    campaign = operations.open_campaign("spring_festival", today.year, starts,
                                        today + timedelta(days=30))
    logged = 0
    for task in campaign.tasks:
        person_user = task.pairing.cadre.user if task.pairing.cadre else None
        if person_user is not None or rng.random() > 0.7:
            continue
        needs = rng.sample(("temporary_assistance", "medical_cover", "employment_services"),
                           k=rng.choice((0, 0, 0, 1)))
        operations.log_visit(task, starts + timedelta(days=rng.randrange(0, 15)),
                             rng.choice(NOTES), needs, today)
        logged += 1
    check = operations.draw_spot_check(campaign, 20, None, seed=2019)
    for item in check.items[:8]:
        outcome = rng.choice(("confirmed", "confirmed", "confirmed", "discrepancy"))
        operations.record_outcome(item, outcome, "电话回访核实", today, today)
    return {"visits": logged}
