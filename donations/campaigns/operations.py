"""Campaigns and their matching pools as fund managers set them up, and the two September
charity days made ready for a year in one step. Operations flush; the caller commits."""

import re
from dataclasses import dataclass
from datetime import date

from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from charity.audit.operations import record
from charity.errors import DomainError
from charity.extensions import db
from donations.campaigns import matchpool
from donations.campaigns.models import CAMPAIGN_KINDS, FundraisingCampaign, MatchingPool
from donations.giving import designations

SLUG = re.compile(r"^[a-z0-9][a-z0-9-]{1,39}$")


class CampaignError(DomainError):
    """A campaign or pool the fund refuses; the message is shown to the user."""


@dataclass(frozen=True)
class CharityDay:
    """A ready-made campaign: slug prefix, kind, titles, goal and (month, day) dates."""

    slug: str
    kind: str
    title: str
    title_en: str
    goal_fen: int
    starts: tuple[int, int]
    ends: tuple[int, int]


CHARITY_DAYS = (
    CharityDay("china-charity-day", "charity_day", "中华慈善日 · 雪中送炭", "China Charity Day",
               5_000_000, (9, 5), (9, 5)),
    CharityDay("99-giving-day", "giving_day_99", "99公益日 · 城市解困", "99 Giving Day",
               20_000_000, (9, 7), (9, 9)),
)


def _check(fields: dict) -> dict:
    if fields["kind"] not in CAMPAIGN_KINDS:
        raise CampaignError(_l("Choose a kind of campaign from the list."))
    if not isinstance(fields["goal_fen"], int) or fields["goal_fen"] <= 0:
        raise CampaignError(_l("The goal must be more than zero."))
    if fields["ends_on"] < fields["starts_on"]:
        raise CampaignError(_l("The campaign cannot end before it starts."))
    try:
        fields["designation"] = designations.check(fields.get("designation"))
    except designations.DesignationError as error:
        raise CampaignError(str(error)) from None
    if fields["designation"] and fields["designation"].split(":")[0] not in ("measure", "street"):
        raise CampaignError(_l("A campaign raises for a measure or a street."))
    return fields


def save_campaign(campaign: FundraisingCampaign | None, user, **fields) -> FundraisingCampaign:
    """Create a campaign (campaign=None; `slug` required) or change one; the slug of an
    existing campaign stays, as its address is already shared."""
    fields = _check(fields)
    slug = fields.pop("slug", None)
    if campaign is None:
        if not slug or not SLUG.match(slug):
            raise CampaignError(_l("The address may use small letters, digits and hyphens."))
        if db.session.scalar(select(FundraisingCampaign.id)
                             .where(FundraisingCampaign.slug == slug)):
            raise CampaignError(_l("The address %(slug)s is taken.", slug=slug))
        campaign = FundraisingCampaign(slug=slug)
        db.session.add(campaign)
    for name, value in fields.items():
        setattr(campaign, name, value)
    db.session.flush()
    record("campaign.save", "campaign", campaign.id, user=user, goal_fen=campaign.goal_fen,
           starts_on=str(campaign.starts_on), ends_on=str(campaign.ends_on))
    return campaign


def save_pool(campaign: FundraisingCampaign, user, *, sponsor_name: str, total_fen: int,
              per_donor_cap_fen: int, per_day_cap_fen: int) -> MatchingPool:
    """Give a campaign its matching pool, or change it. Caps are positive and within the
    total; the total never drops below what the pool has matched already."""
    if not sponsor_name.strip():
        raise CampaignError(_l("Name the sponsor of the matching pool."))
    if min(total_fen, per_donor_cap_fen, per_day_cap_fen) <= 0:
        raise CampaignError(_l("Pool amounts must be more than zero."))
    if max(per_donor_cap_fen, per_day_cap_fen) > total_fen:
        raise CampaignError(_l("A cap cannot be larger than the whole pool."))
    pool = campaign.pool
    if pool is not None and total_fen < matchpool.matched_total(pool):
        raise CampaignError(_l("The pool has already matched more than that."))
    if pool is None:
        pool = MatchingPool(campaign_id=campaign.id)
        db.session.add(pool)
        campaign.pool = pool
    pool.sponsor_name, pool.total_fen = sponsor_name.strip(), total_fen
    pool.per_donor_cap_fen, pool.per_day_cap_fen = per_donor_cap_fen, per_day_cap_fen
    db.session.flush()
    record("campaign.pool", "campaign", campaign.id, user=user, total_fen=total_fen,
           per_donor_cap_fen=per_donor_cap_fen, per_day_cap_fen=per_day_cap_fen)
    return pool


def charity_days(year: int, user=None) -> list[FundraisingCampaign]:
    """China Charity Day (5 Sep) and 99 Giving Day (7–9 Sep) of `year`: the ones that exist
    are left as they are, the missing ones are created. Returns both."""
    if not 2000 <= year <= 2100:
        raise CampaignError(_l("Choose a year between 2000 and 2100."))
    found = []
    for day in CHARITY_DAYS:
        slug = f"{day.slug}-{year}"
        campaign = db.session.scalar(select(FundraisingCampaign)
                                     .where(FundraisingCampaign.slug == slug))
        if campaign is None:
            campaign = save_campaign(
                None, user, slug=slug, kind=day.kind, title=day.title, title_en=day.title_en,
                description="", goal_fen=day.goal_fen, designation=None,
                starts_on=date(year, *day.starts), ends_on=date(year, *day.ends))
        found.append(campaign)
    return found
