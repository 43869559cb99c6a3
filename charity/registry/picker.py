"""The person picker: every form field that names a person on the roster is a search (name, the
household's number or address, the masked ID's last digits, or a full ID number), never a typed
record number.

`PersonField` keeps the chosen person's id (`field.data`, `field.person`); `search` answers the
picker's script (`/registry/people/search`) and the form itself when the browser runs no script:
the text typed is searched on submit and the matches come back as a choice of radio buttons.
What a match shows is what the roster list shows (name, masked ID, household, street), within
the viewer's street scope.
"""

from flask import render_template
from flask_babel import lazy_gettext as _l
from markupsafe import Markup
from stdnum.cn import ric
from wtforms import Field
from wtforms.validators import StopValidation

from charity.auth.access import note_out_of_scope, street_scope
from charity.extensions import db
from charity.main.limits import as_id
from charity.registry import ids, queries
from charity.registry.models import Person

#: The most characters of a query read.
QUERY_MAX = 60

NOT_FOUND = _l("No such person on your roster.")
NO_MATCH = _l("No one on your roster matches this search.")
CHOOSE = _l("Choose the person from the list.")
ONE_ONLY = _l("Choose one person.")


def _full_id_hash(word: str) -> str | None:
    """The keyed hash of `word` when it is a full ID number with a right check digit."""
    number = ric.compact(word).upper()
    if len(number) != 18 or not number[:17].isdigit():
        return None
    if number[-1] != ric.calc_check_digit(number):
        return None
    return ids.keyed_hash(number)


def words(query: str) -> list[tuple[str, str | None]]:
    """The words of a query (at most `queries.SEARCH_WORDS`), each with its keyed hash when it
    is a full ID number."""
    return [(w, _full_id_hash(w)) for w in (query or "")[:QUERY_MAX].split()
            [:queries.SEARCH_WORDS]]


def search(query: str, scope: int | None) -> tuple[list[Person], bool]:
    """The people within `scope` the query finds (at most `queries.SEARCH_LIMIT`), and whether
    there are more; nothing for an empty query."""
    found = words(query)
    if not found:
        return [], False
    people = db.session.scalars(queries.search(found, scope)).unique().all()
    return people[:queries.SEARCH_LIMIT], len(people) > queries.SEARCH_LIMIT


def label(person: Person) -> str:
    """How a picker shows a person, the same in every language: name, masked ID, household
    number, street."""
    return " · ".join((person.name, person.id_number_masked, person.household.code,
                       person.household.street.name))


def as_result(person: Person) -> dict:
    """A person as the picker's script receives them: no more than the roster list shows."""
    return {"id": person.id, "label": label(person), "name": person.name,
            "id_number": person.id_number_masked, "household": person.household.code,
            "street": person.household.street.name,
            "community": person.household.community.name}


class PersonPicker:
    """The picker's markup (`templates/_person_picker.html`): a text box (the combobox the
    script drives), the chosen id in a hidden input, the list the script fills, a status line
    read out by screen readers, and the server's choices when there are some."""

    def __call__(self, field, **kwargs) -> Markup:
        """Render the picker for `field` (its `id` labels the text box)."""
        chosen = field.chosen()
        text = label(chosen) if chosen is not None and not field.candidates else field.query
        # The template escapes every value it writes (Jinja's autoescape).
        return Markup(render_template(  # noqa: S704
            "_person_picker.html", field=field, chosen=chosen, text=text, label=label,
            query_max=QUERY_MAX))


class PersonField(Field):
    """A person on the roster within the user's street scope, picked by a search; `data` is the
    person's id and `person` the person (after validation). Another street's id posted by hand
    is "not found", and the security log keeps the attempt. Use `DataRequired()` or
    `Optional()` with it (`InputRequired` reads the raw input, which may be the search)."""

    widget = PersonPicker()

    def process(self, formdata, data=None, extra_filters=None):
        """Read the chosen id (`<name>`) and the text typed (`<name>_q`)."""
        self.query, self.posted, self.conflicting, self.offered = "", None, False, False
        self.person, self.candidates, self.more = None, [], False
        super().process(formdata, data, extra_filters)
        if formdata is not None:
            self.query = " ".join((formdata.get(f"{self.name}_q") or "")[:QUERY_MAX].split())
            self.offered = formdata.get(f"{self.name}_offered") == "1"
            if self.query and not self.posted:
                self.raw_data = [self.query]

    def process_formdata(self, valuelist):
        """The posted id: the one non-empty value of `<name>` (two different ones conflict)."""
        posted = {v.strip() for v in valuelist if v and v.strip()}
        self.conflicting = len(posted) > 1
        self.posted = posted.pop() if len(posted) == 1 else None
        self.data = as_id(self.posted) if self.posted else None

    def process_data(self, value):
        """An id given by the view (e.g. from a link's `?person=`), shown if in scope."""
        self.data = as_id(value) if value is not None else None

    def _value(self) -> str:
        return str(self.data or "")

    def chosen(self) -> Person | None:
        """The chosen person within the user's scope, or None (for showing; nothing logged)."""
        if self.person is None and self.data is not None and not self.conflicting:
            self.person = db.session.scalar(queries.person(self.data, street_scope()))
        return self.person

    def pre_validate(self, form):
        """The posted id names a person in scope (unless the text was changed since, which is a
        new search); else the text typed is searched: a full ID number's one match is taken,
        any other search offers its matches to choose from."""
        self.data = self.person = None
        if self.conflicting:
            raise StopValidation(ONE_ONLY)
        if self.posted is None and not self.query:
            return
        scope = street_scope()
        if self.posted is not None:
            person = self._posted_person(scope)
            if self._meant(person, scope):
                self.data, self.person = person.id, person
                return
        self._resolve(scope)

    def _meant(self, person: Person, scope) -> bool:
        """Whether the posted id is the choice, not a stale one beside a new search: no text,
        the text is the person's label (the script's pick), or the person is one of the
        choices the server offered for the text (the no-script pick)."""
        if not self.query or self.query == label(person):
            return True
        return self.offered and person in search(self.query, scope)[0]

    def _posted_person(self, scope) -> Person:
        number = as_id(self.posted)
        person = db.session.scalar(queries.person(number, scope)) if number else None
        if person is None:
            note_out_of_scope(Person, number)
            raise StopValidation(NOT_FOUND)
        return person

    def _resolve(self, scope) -> None:
        people, more = search(self.query, scope)
        typed = words(self.query)
        if len(people) == 1 and len(typed) == 1 and typed[0][1] is not None:
            self.data, self.person = people[0].id, people[0]
            return
        self.candidates, self.more = people, more
        raise StopValidation(CHOOSE if people else NO_MATCH)
