"""Demo gifts: the two charity days and a winter appeal with a matching pool, past gifts online
and offline, a monthly donor and a sponsorship. Idempotent: a second call adds nothing."""

from datetime import date, datetime, time, timedelta

from sqlalchemy import select

from charity.auth.models import User
from charity.extensions import db
from charity.timeutil import SHANGHAI
from donations import offline, operations, sponsorship
from donations.models import Donation, FundraisingCampaign, MatchingPool
from donations.pledge_models import RecurringGift


def _charity_year(today: date) -> int:
    """The year of the next (or current) September charity days."""
    return today.year if today <= date(today.year, 9, 9) else today.year + 1


def _campaigns(today: date) -> list[FundraisingCampaign]:
    year = _charity_year(today)
    rows = [
        ("china-charity-day", "中华慈善日 · 雪中送炭", "China Charity Day", "charity_day",
         5_000_000, date(year, 9, 5), date(year, 9, 5)),
        ("99-giving-day", "99公益日 · 城市解困", "99 Giving Day", "giving_day_99",
         20_000_000, date(year, 9, 7), date(year, 9, 9)),
        ("winter-warmth", "冬日送炭 · 困难群众过冬", "Winter warmth for people in hardship",
         "general", 10_000_000, today - timedelta(days=10), today + timedelta(days=60)),
    ]
    found = []
    for slug, title, title_en, kind, goal, starts, ends in rows:
        campaign = FundraisingCampaign(slug=f"{slug}-{starts.year}", title=title,
                                       title_en=title_en, kind=kind, goal_fen=goal,
                                       starts_on=starts, ends_on=ends)
        db.session.add(campaign)
        found.append(campaign)
    db.session.flush()
    for campaign in found[1:]:
        db.session.add(MatchingPool(campaign_id=campaign.id, sponsor_name="渝中区某爱心企业",
                                    total_fen=2_000_000, per_donor_cap_fen=50_000,
                                    per_day_cap_fen=500_000))
    db.session.flush()
    return found


def _online(donor, amount_fen: int, when: datetime, designation=None, campaign=None, **extra):
    donation = operations.new_donation(
        amount_fen=amount_fen, designation=designation, campaign=campaign, channel="online",
        donor_id=donor.id if donor else None, donor_name=donor.name if donor else "",
        donor_email=donor.email if donor else "", given_at=when,
        payment_intent=f"pi_demo_{int(when.timestamp())}_{amount_fen}", **extra)
    operations.credit(donation)
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
    _online(donor, 50_000, noon - timedelta(days=5), campaign=winter)
    _online(None, 8_800, noon - timedelta(days=4), campaign=winter, anonymous=True)
    _online(donor, 10_000, noon - timedelta(days=400), "street:七星岗")
    for number, (channel, amount, name, designation) in enumerate((
            ("cash", 30_000, "解放碑街道机关党支部", None),
            ("bank_transfer", 500_000, "重庆某建设集团有限公司", "measure:4"),
            ("payroll", 12_000, "区民政局干部职工", "measure:9"))):
        offline.record_offline(channel=channel, amount_fen=amount, donor_name=name,
                               receipt_number=f"YZ-{today.year}-{number + 1:04d}",
                               designation=designation, given_on=today - timedelta(days=30),
                               user=fund)
    monthly = RecurringGift(donor_id=donor.id, amount_fen=10_000, designation="measure:1",
                            status="active", stripe_customer="cus_demo",
                            setup_intent="seti_demo", subscription="sub_demo")
    db.session.add(monthly)
    db.session.flush()
    for month in (1, 2):
        _online(donor, 10_000, noon - timedelta(days=30 * month), "measure:1",
                recurring_id=monthly.id, invoice=f"in_demo_{month}")
    pledge = sponsorship.pledge(donor, "household_support", 60_000, None, today.year)
    _online(donor, 60_000, noon - timedelta(days=2), pledge.designation)
    return db.session.scalar(select(db.func.count(Donation.id)))
