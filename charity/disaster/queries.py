"""Reading incidents within the viewer's street scope: an officer sees the incidents that
happened on their street or hit a household on it, and only their street's households."""

from collections import defaultdict

from sqlalchemy import Select, exists, func, select
from sqlalchemy.orm import joinedload, selectinload

from charity.disaster.models import AffectedHousehold, Incident, Relief
from charity.extensions import db


def _touching(query: Select, scope: int | None) -> Select:
    if scope is None:
        return query
    hit = exists().where(AffectedHousehold.incident_id == Incident.id,
                         AffectedHousehold.street_id == scope)
    return query.where((Incident.street_id == scope) | hit)


def incidents(scope: int | None) -> Select:
    """Incidents in the viewer's scope, newest first."""
    query = select(Incident).options(joinedload(Incident.street))
    return _touching(query.order_by(Incident.occurred_on.desc(), Incident.id.desc()), scope)


def incident(incident_id: int, scope: int | None) -> Select:
    """One incident, if it touches the viewer's scope."""
    return _touching(select(Incident).where(Incident.id == incident_id), scope)


def households(incident_id: int, scope: int | None) -> list[AffectedHousehold]:
    """The incident's affected households on the viewer's streets, with their relief."""
    query = (select(AffectedHousehold).where(AffectedHousehold.incident_id == incident_id)
             .options(joinedload(AffectedHousehold.household),
                      joinedload(AffectedHousehold.street),
                      joinedload(AffectedHousehold.plan),
                      selectinload(AffectedHousehold.reliefs).joinedload(Relief.deceased))
             .order_by(AffectedHousehold.id))
    if scope is not None:
        query = query.where(AffectedHousehold.street_id == scope)
    return list(db.session.scalars(query).unique())


def affected(affected_id: int, incident_id: int, scope: int | None) -> Select:
    """One affected household of an incident, if on the viewer's streets."""
    query = select(AffectedHousehold).where(AffectedHousehold.id == affected_id,
                                            AffectedHousehold.incident_id == incident_id)
    return query if scope is None else query.where(AffectedHousehold.street_id == scope)


def relief(relief_id: int, incident_id: int, scope: int | None) -> Select:
    """One relief of an incident, if its household is on the viewer's streets."""
    query = (select(Relief).join(AffectedHousehold)
             .where(Relief.id == relief_id, AffectedHousehold.incident_id == incident_id))
    return query if scope is None else query.where(AffectedHousehold.street_id == scope)


def totals(found: list[AffectedHousehold]) -> dict[str, dict[str, int]]:
    """Fen per sub-type and state over these households' relief, with the households' loss
    and insurance paid ('all' sums the sub-types)."""
    result: dict[str, dict[str, int]] = defaultdict(lambda: defaultdict(int))
    for household in found:
        result["loss"]["all"] += household.loss_fen
        result["insurance"]["all"] += household.insurance_paid_fen
        for item in household.reliefs:
            result[item.subtype][item.state] += item.amount_fen
            result["all"][item.state] += item.amount_fen
    return {key: dict(value) for key, value in result.items()}


def households_per_incident(ids: list[int], scope: int | None) -> dict[int, int]:
    """How many affected households each incident has on the viewer's streets."""
    query = (select(AffectedHousehold.incident_id, func.count(AffectedHousehold.id))
             .where(AffectedHousehold.incident_id.in_(ids))
             .group_by(AffectedHousehold.incident_id))
    if scope is not None:
        query = query.where(AffectedHousehold.street_id == scope)
    return dict(db.session.execute(query).all())


