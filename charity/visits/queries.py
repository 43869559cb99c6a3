"""Reading visits: a helper's own tasks, completion per street and department, samples."""

from sqlalchemy import Select, and_, case, func, or_, select
from sqlalchemy.orm import joinedload

from charity.district.models import Department
from charity.pairing.models import Cadre, Pairing, Volunteer
from charity.registry.models import Household, Person
from charity.registry.queries import scoped
from charity.visits.models import Campaign, SpotCheck, VisitTask


def campaigns() -> Select:
    """Festival campaigns, the latest first."""
    return select(Campaign).order_by(Campaign.starts_on.desc())


def _helped_by(user_id: int):
    """Pairings of the helper behind this account that are still active: a helper whose pair
    ended, was declined or forbidden no longer sees that person."""
    cadre = select(Cadre.id).where(Cadre.user_id == user_id)
    volunteer = select(Volunteer.id).where(Volunteer.user_id == user_id)
    return and_(Pairing.status == "active",
                or_(Pairing.cadre_id.in_(cadre), Pairing.volunteer_id.in_(volunteer)))


def my_tasks(user_id: int) -> Select:
    """The visit tasks of the helper behind this account, newest campaign and pending first."""
    return (select(VisitTask).join(VisitTask.pairing).join(VisitTask.campaign)
            .where(_helped_by(user_id))
            .options(joinedload(VisitTask.person).joinedload(Person.household)
                     .joinedload(Household.community), joinedload(VisitTask.campaign))
            .order_by(Campaign.starts_on.desc(), VisitTask.status.desc(), VisitTask.id))


def my_task(task_id: int, user_id: int) -> Select:
    """One task, only if it belongs to this helper."""
    return (select(VisitTask).join(VisitTask.pairing)
            .where(VisitTask.id == task_id, _helped_by(user_id)))


def logged_task_ids(campaign_id: int, street_id: int | None) -> Select:
    """The ids of the campaign's visits logged as done, in one street or the district: what a
    spot check samples from."""
    query = (select(VisitTask.id).join(Person, Person.id == VisitTask.person_id).join(Household)
             .where(VisitTask.campaign_id == campaign_id, VisitTask.status == "done"))
    return scoped(query, street_id)


def _done():
    return func.sum(case((VisitTask.status == "done", 1), else_=0))


def completion_by_street(campaign_id: int, scope: int | None) -> Select:
    """(street id, tasks, done) in the campaign."""
    query = (select(Household.street_id, func.count(VisitTask.id), _done())
             .join(Person, Person.id == VisitTask.person_id).join(Household)
             .where(VisitTask.campaign_id == campaign_id).group_by(Household.street_id))
    return scoped(query, scope)


def completion_by_department(campaign_id: int, scope: int | None) -> Select:
    """(department name or None for volunteers, tasks, done) in the campaign."""
    query = (select(Department.name, func.count(VisitTask.id), _done())
             .select_from(VisitTask).join(VisitTask.pairing)
             .join(Person, Person.id == VisitTask.person_id).join(Household)
             .outerjoin(Cadre, Cadre.id == Pairing.cadre_id)
             .outerjoin(Department, Department.id == Cadre.department_id)
             .where(VisitTask.campaign_id == campaign_id)
             .group_by(Department.name).order_by(Department.name))
    return scoped(query, scope)


def spot_checks(campaign_id: int, scope: int | None) -> Select:
    """The campaign's spot checks the viewer may see, the latest first."""
    query = select(SpotCheck).where(SpotCheck.campaign_id == campaign_id)
    if scope is not None:
        query = query.where(SpotCheck.street_id == scope)
    return query.order_by(SpotCheck.id.desc())


def spot_check(check_id: int, scope: int | None) -> Select:
    """One spot check, if the viewer may see it."""
    query = select(SpotCheck).where(SpotCheck.id == check_id)
    return query if scope is None else query.where(SpotCheck.street_id == scope)
