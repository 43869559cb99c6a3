"""The plan's targets per street against their lines, from casework and visit records."""

from dataclasses import dataclass
from datetime import date

from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from charity.casework import queries, snapshot
from charity.extensions import db
from charity.grievances.queries import overdue_by_street
from charity.visits.models import Campaign
from charity.visits.queries import completion_by_street


@dataclass(frozen=True)
class Indicator:
    """One of the plan's targets, its line and each street's value against it."""

    code: str
    title: object
    #: The plan's line, in the indicator's unit.
    target: float
    #: True when a value at or above the line meets it; False when at or below does.
    at_least: bool
    unit: str
    #: Street name -> value (None when there is nobody to measure).
    values: dict

    def meets(self, value) -> bool | None:
        """Whether a street's value meets the line; None when there was nobody to measure."""
        if value is None:
            return None
        return value >= self.target if self.at_least else value <= self.target


#: Coverage indicators from the gap matrix: (measure, title, target %).
COVERAGE = (
    ("classified_supplement", _l("Dibao classified supplement"), 100),
    ("centralised_care", _l("Disabled tekun in centralised care"), 80),
    ("medical_cover", _l("Family doctor and health record"), 100),
    ("free_textbooks", _l("Free textbooks for senior-high students"), 100),
    ("employment_services", _l("Three employment services"), 100),
    ("pairing", _l("Paired with a helper"), 100),
)


def _pct(part: int, whole: int) -> float | None:
    return round(100 * part / whole, 1) if whole else None


def latest_campaign() -> Campaign | None:
    """The festival campaign that started last, whose visits the dashboard counts."""
    return db.session.scalar(select(Campaign).order_by(Campaign.starts_on.desc()).limit(1))


def indicators(scope: int | None, today: date) -> list[Indicator]:
    """Every target per street (Chinese street name), the lines from the plan and standards."""
    names = queries.street_names(scope)
    summary = snapshot.current(today).summary(names)
    standards = queries.standards()
    result = []
    for measure, title, target in COVERAGE:
        if measure == "centralised_care":
            target = standards["centralised_care_target_pct"]
        result.append(Indicator(measure, title, target, True, "%", {
            name: _pct(row[measure]["receiving"], row[measure]["owed"])
            for name, row in summary.items()}))
    result.append(Indicator("zero_employment", _l("Zero-employment households"), 0, False, "",
                            {name: row["household_employment"]["gaps"]
                             for name, row in summary.items()}))
    costs = queries.out_of_catalogue_by_street(scope)
    result.append(Indicator(
        "out_of_catalogue", _l("Out-of-catalogue share of inpatient costs"),
        standards["out_of_catalogue_limit_pct"], False, "%",
        {name: _pct(costs[sid][1], costs[sid][0]) if sid in costs else None
         for sid, name in names.items()}))
    campaign = latest_campaign()
    done = {}
    if campaign is not None:
        done = {sid: _pct(finished, total) for sid, total, finished in
                db.session.execute(completion_by_street(campaign.id, scope))}
    result.append(Indicator("festival_visits", _l("Festival visits logged (latest campaign)"),
                            100, True, "%", {name: done.get(sid) for sid, name in names.items()}))
    overdue = overdue_by_street(scope, today)
    result.append(Indicator("overdue_grievances", _l("Grievances past their answer deadline"),
                            0, False, "",
                            {name: overdue.get(sid, 0) for sid, name in names.items()}))
    return result


def as_json(items: list[Indicator]) -> list[dict]:
    """Indicators as plain data for the charts (titles in the current language)."""
    return [{"code": i.code, "title": str(i.title), "target": i.target, "at_least": i.at_least,
             "unit": i.unit, "streets": list(i.values), "values": list(i.values.values())}
            for i in items]
