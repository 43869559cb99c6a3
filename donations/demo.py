"""Demo gifts: the two charity days and a winter appeal with a matching pool, past gifts online
and offline, a monthly donor (a bank standing order) and a sponsorship. Idempotent: a second
call adds nothing."""

import json
from datetime import date, datetime, time, timedelta

import stripe
from flask import current_app
from sqlalchemy import select

from charity.auth.models import User
from charity.extensions import db
from charity.timeutil import SHANGHAI
from donations.campaigns import operations as campaigns
from donations.campaigns.models import FundraisingCampaign, MatchingPool
from donations.giving import offline, operations
from donations.giving.models import Donation, RecurringGift
from donations.sponsorship import operations as sponsorship
from donations.stripe import webhook


def _charity_year(today: date) -> int:
    """The year of the next (or current) September charity days."""
    return today.year if today <= date(today.year, 9, 9) else today.year + 1


def _campaigns(today: date) -> list[FundraisingCampaign]:
    china_day, giving_day = campaigns.charity_days(_charity_year(today))
    starts = today - timedelta(days=10)
    winter = FundraisingCampaign(slug=f"winter-warmth-{starts.year}",
                                 title="冬日送炭 · 困难群众过冬",
                                 title_en="Winter warmth for people in hardship", kind="general",
                                 goal_fen=10_000_000, starts_on=starts,
                                 ends_on=today + timedelta(days=60))
    db.session.add(winter)
    db.session.flush()
    for campaign in (giving_day, winter):
        db.session.add(MatchingPool(campaign_id=campaign.id, sponsor_name="渝中区某爱心企业",
                                    total_fen=2_000_000, per_donor_cap_fen=50_000,
                                    per_day_cap_fen=500_000))
    db.session.flush()
    return [china_day, giving_day, winter]


def _paid_intent(donation: Donation) -> dict:
    """The PaymentIntent Stripe would hold for a demo gift once paid by card, with its charge."""
    charge = {"id": f"ch_demo_{donation.token}", "object": "charge", "paid": True,
              "status": "succeeded", "amount": donation.amount_fen, "currency": "cny"}
    return {"id": donation.payment_intent, "object": "payment_intent", "status": "succeeded",
            "amount": donation.amount_fen, "amount_received": donation.amount_fen,
            "currency": "cny", "latest_charge": charge,
            "metadata": {"donation": str(donation.id), "token": donation.token}}


def _deliver(event_type: str, obj: dict) -> str:
    """Sign an event with the webhook's secret and hand it to the webhook, as Stripe would."""
    body = json.dumps({"id": f"evt_demo_{obj['id']}_{event_type}", "object": "event",
                       "type": event_type, "data": {"object": obj}}).encode()
    header = stripe.WebhookSignature.generate_signature_header(
        body.decode(), current_app.config["STRIPE_WEBHOOK_SECRET"])
    seen = webhook.handle(*webhook.verified(body, header))
    return seen.outcome


def _online(donor, amount_fen: int, when: datetime, designation=None, campaign=None, **extra):
    """A past online gift, paid the way a donor pays: a pending gift with its PaymentIntent,
    credited by Stripe's signed notice through the webhook."""
    donation = operations.new_donation(
        amount_fen=amount_fen, designation=designation, campaign=campaign, channel="online",
        donor_id=donor.id if donor else None, donor_name=donor.name if donor else "",
        donor_email=donor.email if donor else "", given_at=when,
        payment_intent=f"pi_demo_{int(when.timestamp())}_{amount_fen}", **extra)
    outcome = _deliver("payment_intent.succeeded", _paid_intent(donation))
    if outcome != "credited":
        raise RuntimeError(f"the demo gift {donation.id} was not credited: {outcome}")
    return donation


def load_donations(today: date) -> int:
    """Write the demo's gifts unless they are there; return how many gifts were written."""
    if db.session.scalar(select(FundraisingCampaign.id).limit(1)):
        return 0
    users = {u.email: u for u in db.session.scalars(select(User))}
    donor, fund = users["donor@songtan.test"], users["fund@songtan.test"]
    china_day, giving_day, winter = _campaigns(today)
    noon = datetime.combine(today, time(12), SHANGHAI)
    _online(donor, 20_000, noon - timedelta(days=200), "measure:5")
    _online(donor, 50_000, noon - timedelta(days=5), campaign=winter, show_name=True)
    _online(None, 8_800, noon - timedelta(days=4), campaign=winter)
    _online(donor, 10_000, noon - timedelta(days=400), "street:七星岗")
    for number, (channel, amount, name, designation) in enumerate((
            ("cash", 30_000, "解放碑街道机关党支部", None),
            ("bank_transfer", 500_000, "重庆某建设集团有限公司", "measure:4"),
            ("payroll", 12_000, "区民政局干部职工", "measure:9"))):
        offline.record_offline(channel=channel, amount_fen=amount, donor_name=name,
                               receipt_number=f"YZ-{today.year}-{number + 1:04d}",
                               designation=designation, given_on=today - timedelta(days=30),
                               user=fund)
    # The demo's monthly donor pays by bank standing order: no made-up Stripe ids, so the
    # portal offers no Stripe actions on it; its gifts are bank transfers the fund recorded.
    monthly = RecurringGift(donor_id=donor.id, amount_fen=10_000, designation="measure:1",
                            status="active", kind="standing_order")
    db.session.add(monthly)
    db.session.flush()
    for month in (1, 2):
        gift = offline.record_offline(
            channel="bank_transfer", amount_fen=10_000, donor_name=donor.name,
            receipt_number=f"YZ-{today.year}-SO{month:02d}", designation="measure:1",
            given_on=today - timedelta(days=30 * month), user=fund)
        gift.donor_id, gift.recurring_id = donor.id, monthly.id
    pledge = sponsorship.pledge(donor, "household_support", 60_000, None)
    _online(donor, 60_000, noon - timedelta(days=2), pledge.designation)
    return db.session.scalar(select(db.func.count(Donation.id)))
