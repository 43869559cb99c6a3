"""The next person suggested to a helper with room left: one the solver's own rules allow for
that helper, without a helper of that layer, never a forbidden pair; nobody only when no such
person is left or the helper is full."""

from dataclasses import replace

from hypothesis import given, settings
from hypothesis import strategies as st

from matching import Beneficiary, Problem, Volunteer, solve, suggest
from matching.generate import small_instance
from matching.prepare import prepare_layer
from matching.scoring import layer_of

cases = st.builds(small_instance, seed=st.integers(0, 10**6), people=st.integers(2, 16),
                  cadres=st.integers(1, 4), volunteers=st.integers(1, 3))


def _allowed_people(problem, helper_id) -> set[int]:
    """The people the solver's candidate arcs allow for this volunteer or organisation."""
    prepared = prepare_layer(replace(problem, locked=(), candidate_limit=None), "volunteer")
    arrays, arcs = prepared.layer, prepared.arcs
    return {int(arrays.person_ids[p])
            for h, p in zip(arcs.helper.tolist(), arcs.person.tolist(), strict=True)
            if int(arrays.helper_ids[h]) == helper_id}


@settings(deadline=None, max_examples=100)
@given(cases, st.integers(0, 10**6))
def test_suggest_offers_only_what_the_solver_allows(problem, pick):
    result = solve(problem)
    helper = problem.volunteers[pick % len(problem.volunteers)]
    mine = [p for p in result.pairs if p.helper_id == helper.id
            and layer_of(p.helper_kind) == "volunteer"]
    current = list(result.pairs)
    if mine:  # the helper declines one of theirs: forbidden from now on
        declined = mine[0]
        current.remove(declined)
        problem = replace(problem, forbidden=problem.forbidden | {declined.key})
    out = suggest(problem, current, (helper.kind, helper.id))
    taken = {p.beneficiary_id for p in current if layer_of(p.helper_kind) == "volunteer"}
    free = _allowed_people(problem, helper.id) - taken
    load = sum(1 for p in current if p.helper_id == helper.id
               and layer_of(p.helper_kind) == "volunteer")
    if out.pair is None:
        assert not free or load >= helper.capacity
        return
    assert out.pair.helper_id == helper.id and out.pair.beneficiary_id in free
    assert out.pair.key not in problem.forbidden
    assert out.reason.code == "suggested" and out.pair.reasons[0].code == "suggested"


def test_suggest_prefers_the_better_fit_and_says_when_nobody_fits():
    people = (Beneficiary(1, "七星岗", "A"),
              Beneficiary(2, "七星岗", "A", needs=frozenset({"medical"})),
              Beneficiary(3, "解放碑", "C", needs=frozenset({"medical"})))
    nurse = Volunteer(7, skills=frozenset({"medical"}), capacity=2, home_community="A",
                      home_street="七星岗")
    problem = Problem(beneficiaries=people, volunteers=(nurse,))
    out = suggest(problem, [], ("volunteer", 7))
    assert out.pair.beneficiary_id == 2  # same community: the skill they need decides
    out = suggest(replace(problem, forbidden=frozenset({("volunteer", 7, 2)})), [],
                  ("volunteer", 7))
    assert out.pair.beneficiary_id == 1
    nobody = replace(problem, forbidden=frozenset({("volunteer", 7, 1), ("volunteer", 7, 2)}))
    out = suggest(nobody, [], ("volunteer", 7))
    assert out.pair is None and out.reason.code == "no_person_fits"
