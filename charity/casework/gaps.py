"""The coverage-gap matrix: for each person and household, which measures the plan owes them
under `charity.eligibility` and which they receive. Pure: it reads rows and `Facts`, no DB."""

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date
from typing import Literal

from charity import eligibility as rules

#: Person measures in the matrix's column order; `household_employment` is per household.
PERSON_MEASURES = ("classified_supplement", "centralised_care", "medical_cover",
                   "special_disease_aid", "free_textbooks", "autumn_grant", "encouragement_award",
                   "rent_subsidy", "employment_services", "pairing")
HOUSEHOLD_MEASURES = ("household_employment",)
ALL_MEASURES = PERSON_MEASURES + HOUSEHOLD_MEASURES
#: The plan's measure number of each matrix column.
MEASURE_NUMBER = {"classified_supplement": 1, "centralised_care": 2, "medical_cover": 3,
                  "special_disease_aid": 3, "free_textbooks": 5, "autumn_grant": 5,
                  "encouragement_award": 5, "rent_subsidy": 6, "employment_services": 7,
                  "household_employment": 7, "pairing": 9}


@dataclass
class Facts:
    """What the records show people receive, keyed by person (or household) id."""

    #: (person id, measure) of every grant active today.
    grants: set = field(default_factory=set)
    #: Household id -> the latest day it got temporary assistance.
    assistance_on: dict = field(default_factory=dict)
    #: Person id -> free employment services given (training, referral, job fair).
    services: dict = field(default_factory=dict)
    #: Ids of people with a live (active) pairing.
    paired: set = field(default_factory=set)


@dataclass(frozen=True)
class Cell:
    """One measure for one person (or household): whether the plan owes it and whether the
    records show it received."""

    measure: str
    owed: bool
    receives: bool
    #: A warning although the measure is received: the rent window is about to close.
    alert: Literal["window_ending"] | None = None
    #: A count shown beside it (employment services given).
    count: int | None = None

    @property
    def gap(self) -> bool:
        """Owed and not received, or received with a warning: casework has something to do."""
        return (self.owed and not self.receives) or self.alert is not None


def person_cells(person, facts: Facts, today: date, standards: dict) -> list[Cell]:
    """Every person measure for one person; nothing is owed to someone not enrolled."""
    if not rules.is_active(person):
        return [Cell(m, False, False) for m in PERSON_MEASURES]
    granted = {m for m in PERSON_MEASURES if (person.id, m) in facts.grants}
    assisted = facts.assistance_on.get(person.household_id)
    services = facts.services.get(person.id, 0)
    rent_alert = "window_ending" if rules.rent_window_ending(assisted, today, standards) else None
    owed = {
        "classified_supplement": rules.classified_supplement(person, today),
        "centralised_care": rules.disabled_tekun(person),
        "medical_cover": True,
        "special_disease_aid": person.special_disease is not None,
        "free_textbooks": rules.free_textbooks(person),
        "autumn_grant": rules.autumn_grant(person, today),
        "encouragement_award": rules.encouragement_award(person, today),
        "rent_subsidy": rules.rent_subsidy(person, today, assisted),
        "employment_services": rules.owed_employment_services(person, today, standards),
        "pairing": True,
    }
    receives = {
        "centralised_care": person.centralised_care,
        "medical_cover": not rules.needs_medical_cover(person),
        "employment_services": services >= standards["employment_services_owed"],
        "pairing": person.id in facts.paired,
    }
    return [Cell(m, owed[m], receives.get(m, m in granted),
                 alert=rent_alert if m == "rent_subsidy" and owed[m] else None,
                 count=services if m == "employment_services" else None)
            for m in PERSON_MEASURES]


def household_cell(members, today: date, standards: dict) -> Cell:
    """Measure 7 per household: owed when a member is of working age, able and willing;
    received when someone in the household is employed (else a zero-employment household)."""
    active = [m for m in members if rules.is_active(m)]
    owed = any(rules.working_age(m, today, standards) and m.able_to_work and m.willing_to_work
               for m in active)
    return Cell("household_employment", owed,
                owed and not rules.zero_employment(active, today, standards))


@dataclass(frozen=True)
class Row:
    """One person or household with its street and cells."""

    subject: object
    street_id: int
    cells: tuple

    def gaps(self) -> list[Cell]:
        """The row's cells that are gaps."""
        return [c for c in self.cells if c.gap]


def matrix(people_with_streets, facts: Facts, today: date, standards: dict):
    """(person rows, household rows) for `(person, street_id)` pairs."""
    person_rows, households = [], defaultdict(list)
    for person, street_id in people_with_streets:
        person_rows.append(Row(person, street_id,
                               tuple(person_cells(person, facts, today, standards))))
        households[(person.household_id, street_id)].append(person)
    household_rows = [Row(members[0].household, street_id,
                          (household_cell(members, today, standards),))
                      for (_, street_id), members in households.items()]
    return person_rows, household_rows
