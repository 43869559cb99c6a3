"""The optimiser's messages in the user's language: pair reasons, unmatched reasons, conflicts
and notes.

`matching` reports each as a code with parameters (`matching.Message`); runs and pairings store
them as ``{"code": ..., "params": {...}}``. Each code maps to one message with named parameters;
rank, skill and priority codes are shown through `charity.labels.label`. A run stored before
messages were data may hold ``legacy_text``: its text is shown as it was written.
"""

from collections.abc import Mapping

from babel.lists import format_list
from flask_babel import format_percent, get_locale
from flask_babel import lazy_gettext as _l

from charity.labels import label
from matching import Message

LEGACY = "legacy_text"
MESSAGES = {
    "locked": _l("Locked by staff"),
    "rematch": _l("Re-matched after a decline"),
    "suggested": _l("Suggested to you: you have room for one more"),
    "priority": _l("Priority: %(mark)s"),
    "continuity": _l("Continues an existing pair"),
    "same_community": _l("Same community"),
    "same_street": _l("Same street"),
    "cross_street": _l("Serves across streets (allowed)"),
    "skill": _l("Skill: %(skill)s"),
    "designation": _l("Designation: %(to)s"),
    "no_cadre_serves_street": _l("No cadre serves this street"),
    "no_helper_with_skill": _l("No helper has the skill: %(skills)s"),
    "forbidden_with_all_eligible": _l("Every eligible helper is forbidden for this person"),
    "no_cadre_left": _l("Every eligible cadre in the street is at their quota"),
    "stopped_before_placed": _l("The run stopped early, before it placed this person, though an "
                                "eligible cadre still has room; run it again with more time"),
    "no_volunteer_left": _l("No eligible volunteer or organisation has room left"),
    "no_sponsor_left": _l("No eligible sponsor has budget left"),
    "already_paired": _l("Already paired"),
    "no_person_fits": _l("Nobody without a helper fits your skills and streets now"),
    "locked_pair_invalid": _l("A locked pair is unknown or repeated: %(kind)s #%(helper_id)s "
                              "with person #%(person_id)s"),
    "locked_pair_forbidden": _l("A locked pair is also forbidden: %(kind)s #%(helper_id)s "
                                "with person #%(person_id)s"),
    "locked_over_quota": _l("%(kind)s #%(helper_id)s: locked pairs %(locked)s, above the "
                            "maximum of %(maximum)s"),
    "rank_quota_unreachable": _l("%(street)s: %(rank)s × %(cadres)s must pair with at least "
                                 "%(need)s people, but only %(eligible)s can be paired with "
                                 "them"),
    "street_quota_unreachable": _l("%(street)s: its cadres (%(cadres)s) must pair with at "
                                   "least %(need)s people, but only %(eligible)s can be paired "
                                   "with them (below their minimum: %(below_minimum)s)"),
    "quota_taken": _l("%(street)s: below their minimum: %(below_minimum)s; the people they "
                      "could serve are taken by cadres from other streets or by locked pairs"),
    "street_below_balance": _l("%(street)s: coverage %(coverage)s, below the district's "
                               "%(district)s minus %(tolerance)s points; every cadre who may "
                               "serve it is at their quota"),
    "cadre_below_quota": _l("Cadre #%(cadre_id)s now pairs with %(paired)s, below the quota "
                            "minimum of %(minimum)s; the next full run makes up the difference"),
    "household_locked_apart": _l("Its members are locked to different cadres"),
    "household_streets_apart": _l("Its members live in different streets (%(streets)s) and no "
                                  "cadre may serve all of them"),
    "household_no_common_cadre": _l("No single cadre may serve all of its members (a required "
                                    "skill or a forbidden pair)"),
    "household_too_large": _l("%(size)s members paired: more than the quota of any cadre who "
                              "may serve them all (at most %(maximum)s)"),
    "household_quota_taken": _l("%(size)s members paired: every cadre whose quota could take "
                                "them all keeps another household together"),
    "household_minimums": _l("%(size)s members paired: a cadre could take them all, but then "
                             "another cadre of the street would fall below their quota "
                             "minimum"),
    "household_not_fitted": _l("%(size)s members paired: keeping them with one cadre would "
                               "leave other people without a cadre or a cadre below their "
                               "quota minimum"),
}
RANK_COUNT = _l("%(rank)s × %(count)s")

#: How far a run's optimum is proven, by solver status; "unproven": a run stored before the
#: proof over every eligible pair was recorded.
PROOF = {
    "OPTIMAL": _l("Optimal solution found: proven over every eligible pair under every hard "
                  "rule, for the priority order stated on this page"),
    "FEASIBLE": _l("Stopped before optimality was proven: the pairs found are within "
                   "%(gap)s of a proven bound"),
    "INFEASIBLE": _l("No pairing meets every hard rule: see the rules that conflict"),
    "UNKNOWN": _l("Stopped before every cadre's quota minimum was met or shown impossible: "
                  "this run cannot be published; please run it again"),
    "unproven": _l("Optimality not proven: this run was made before every eligible pair was "
                   "checked"),
}
#: The same, in a word, for the list of runs.
PROOF_SHORT = {
    "OPTIMAL": _l("Optimal (proven)"),
    "FEASIBLE": _l("Stopped early (not proven)"),
    "INFEASIBLE": _l("Infeasible"),
    "UNKNOWN": _l("Stopped early (quota minimums not met)"),
    "unproven": _l("Optimality not proven"),
}
LAYER_NAMES = {"cadre": _l("1. Cadres"), "volunteer": _l("2. Volunteers and organisations"),
               "sponsor": _l("3. Sponsors")}
PRIORITY_ORDER = _l("Priority order: cadres first, then volunteers and organisations, then "
                    "sponsors. Each layer is optimised after the one before it and never "
                    "changes its pairs, so each layer's optimality holds for this order.")
HOUSEHOLD_ORDER = _l("Within the cadre layer: first the proven optimum decides who has a cadre "
                     "(quota minimums, street balance, priority); then, among those same "
                     "people, cadres are reassigned so that a household's members have one "
                     "cadre wherever the quotas allow; continuity, proximity and skill fit "
                     "come last and pay for it. The layer's bound is that of the optimum "
                     "before the household rule; the rule's cost is shown below, not a gap.")
HOUSEHOLD_PROOF = {
    True: _l("Proven minimal: no assignment of these people to cadres under the quotas splits "
             "fewer households"),
    False: _l("Not proven minimal: at least %(bound)s households must stay split"),
}
COST_PARTS = {"people": _l("People with a cadre"), "priority": _l("Priority covered"),
              "continuity": _l("Existing pairs kept"), "proximity": _l("Proximity"),
              "skill": _l("Skill fit"), "objective": _l("Cadre layer objective")}


def _list(items) -> str:
    return format_list([str(item) for item in items], locale=get_locale())


def _designation(to: str | None) -> str:
    return label(to) if to else str(_l("Where most needed"))


def _ranks(counts) -> str:
    return _list(str(RANK_COUNT) % {"rank": label(rank), "count": count}
                 for rank, count in counts)


def _percent(part: int, whole: int) -> str:
    return format_percent(part / max(whole, 1), "#,##0.0%")


SHOWN = {"mark": label, "skill": label, "rank": label, "kind": label, "to": _designation,
         "skills": lambda skills: _list(label(skill) for skill in skills),
         "streets": _list,
         "below_minimum": _ranks}


def _values(params: Mapping) -> dict:
    """The parameters as shown: code names as labels, lists in the language's style, and a
    street's and the district's coverage as percentages."""
    values = {name: SHOWN[name](value) if name in SHOWN else value
              for name, value in params.items()}
    if "covered" in params:
        values["coverage"] = _percent(params["covered"], params["total"])
        values["district"] = _percent(params["district_covered"], params["district_total"])
    return values


def gap(objective: int, bound: int) -> str:
    """(bound - objective) / bound as a percentage in the current language."""
    return format_percent((bound - objective) / max(abs(bound), 1), "#,##0.00##%")


def proven(status: str, layers) -> str:
    """What a run (or one layer: ``layers`` True) proves, as a key of `PROOF`: its status only
    when the proof over every eligible pair was recorded (``layers``); a run stored before
    that kept the word "OPTIMAL" without the proof, and is "unproven"."""
    return status if layers and status in PROOF else "INFEASIBLE" if status == "INFEASIBLE" \
        else "unproven"


def proof(status: str, layers, objective: int, bound: int) -> str:
    """What a run (or one layer) proves, in the current language (see `proven`), with the
    gap to the bound when it stopped early."""
    return str(PROOF[proven(status, layers)]) % {"gap": gap(objective, bound)}


def proof_short(match_run) -> str:
    """What a stored run proves, in a word (the list of runs)."""
    return proof_word(match_run, (match_run.summary or {}).get("layers"))


def proof_word(match_run, layers) -> str:
    """`proof_short` of a run whose summary's "layers" was read apart (the list of runs)."""
    return str(PROOF_SHORT[proven(match_run.status, layers)])


def render(message: Message | Mapping) -> str:
    """A message of the optimiser (a `matching.Message` or its stored form) in the current
    language; an unknown code is shown as it is."""
    if isinstance(message, Message):
        code, params = message.code, message.params
    else:
        code, params = message["code"], message.get("params") or {}
    if code == LEGACY:
        return str(params.get("text", ""))
    if code not in MESSAGES:
        return code
    return str(MESSAGES[code]) % _values(params)


#: The solver's status in words (the preview shows these, never the solver's code).
STATUS_WORDS = {
    "OPTIMAL": _l("Optimal solution found"),
    "FEASIBLE": _l("A solution found, not proven optimal"),
    "INFEASIBLE": _l("No solution meets every rule"),
    "UNKNOWN": _l("Stopped without a solution"),
    "MODEL_INVALID": _l("The model could not be solved"),
}


def status_words(status: str) -> str:
    """A solver status in words."""
    return str(STATUS_WORDS.get(status, _l("Unknown solver result")))


def objective_words(summary: Mapping) -> str:
    """What a run achieves, in words instead of the solver's weighted number: people with a
    cadre, people with a volunteer, priority people with a cadre (runs that kept the count)
    and households kept with one cadre."""
    coverage = summary.get("coverage") or {}
    cadre = sum(pair[0] for pair in coverage.values())
    people = sum(pair[1] for pair in coverage.values())
    volunteer = sum(pair[0] for pair in (summary.get("volunteer_coverage") or {}).values())
    text = str(_l("%(cadre)s of %(people)s people paired with a cadre, %(volunteer)s with a "
                  "volunteer or organisation", cadre=cadre, people=people, volunteer=volunteer))
    priority = summary.get("priority")
    if priority and priority.get("people"):
        text += str(_l("; %(covered)s of %(total)s priority people paired with a cadre",
                       covered=priority["with_cadre"], total=priority["people"]))
    households = summary.get("households") or {}
    if households.get("households"):
        kept = households["households"] - households.get("split", 0)
        text += str(_l("; %(kept)s of %(total)s households kept with one cadre", kept=kept,
                       total=households["households"]))
    return text
