"""The sign-up forms of volunteers and organisations, the helper's own profile and pause, and
the street officer's decision. Every field is bounded (`charity.main.limits`); choices are the
district's streets and communities and the optimiser's own skill names."""

import re
import unicodedata

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from sqlalchemy import select
from wtforms import (
    DateField,
    EmailField,
    IntegerField,
    PasswordField,
    SelectField,
    SelectMultipleField,
    StringField,
    TextAreaField,
)
from wtforms.validators import (
    DataRequired,
    Email,
    EqualTo,
    InputRequired,
    Length,
    Optional,
    ValidationError,
)
from wtforms.widgets import CheckboxInput, ListWidget

from charity import labels
from charity.district.models import Community, Street
from charity.extensions import db
from charity.forms import choices
from charity.main import limits
from charity.pairing.models import PAUSE_KINDS, SKILLS

LANGUAGES = ("mandarin", "chongqing_dialect", "cantonese", "english", "sign_language")
WEEKDAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
SLOTS = ("morning", "afternoon", "evening")
#: Every time a helper may be available: "mon-morning" ... "sun-evening".
TIMES = tuple(f"{day}-{slot}" for day in WEEKDAYS for slot in SLOTS)
ORGANISATION_KINDS = ("organisation", "enterprise", "aid_centre")
#: A mainland mobile number once spaces, dashes and a +86 are taken off.
MOBILE = re.compile(r"1[3-9][0-9]{9}")
PASSWORD_MAX = 128


def compact_phone(typed: str) -> str:
    """The digits of a phone number as typed, without a leading +86 or 0086; full-width
    digits (a Chinese keyboard's) read as the ASCII ones, so one number has one hash."""
    digits = re.sub(r"[\s\-()]", "", unicodedata.normalize("NFKC", typed or ""))
    for prefix in ("+86", "0086"):
        digits = digits.removeprefix(prefix)
    return digits


def check_mobile(form, field) -> None:
    """A mainland mobile number (11 digits starting 13 to 19)."""
    if not MOBILE.fullmatch(compact_phone(field.data)):
        raise ValidationError(_l("Give a mobile number of 11 digits, e.g. 139 0000 0000."))


def check_any_phone(form, field) -> None:
    """Any phone an organisation answers (or a helper keeps): 5 to 20 digits."""
    if not re.fullmatch(r"[0-9]{5,20}", compact_phone(field.data)):
        raise ValidationError(_l("A phone number is 5 to 20 digits, spaces or dashes."))


class MultiCheckboxField(SelectMultipleField):
    """Several choices ticked from a list of checkboxes."""

    widget = ListWidget(prefix_label=False)
    option_widget = CheckboxInput()


class StreetsField(MultiCheckboxField):
    """Streets of the district (never the welfare home, nor an id from elsewhere)."""

    def pre_validate(self, form):
        """Refuse any street that is not one of the district's."""
        known = {value for value, _label in self.choices}
        if any(value not in known for value in self.data or ()):
            raise ValidationError(_l("Choose streets of the district only."))


def district_streets(welfare_home: bool = False) -> list[Street]:
    """The district's streets in the attachment's order; the welfare home (listed beside them,
    a home but no street to travel to) too if `welfare_home`."""
    query = select(Street).order_by(Street.position)
    return db.session.scalars(query if welfare_home else query.where(Street.kind == "street")
                              ).all()


def _times() -> list[tuple[str, str]]:
    return [(code, f"{labels.label(code.split('-')[0])} {labels.label(code.split('-')[1])}")
            for code in TIMES]


class HelperFields(FlaskForm):
    """What a helper keeps up to date: skills, languages, capacity, streets, availability."""

    capacity_bounds = limits.VOLUNTEER_CAPACITY
    #: The availability grid's rows and columns.
    weekdays, slots = WEEKDAYS, SLOTS

    skills = MultiCheckboxField(_l("What you can help with"))
    languages = MultiCheckboxField(_l("Languages you speak"))
    capacity = IntegerField(_l("How many people you can help at once"),
                            validators=[InputRequired(_l("Give a number."))])
    travel_streets = StreetsField(_l("Streets you can travel to (besides your home street)"),
                                 coerce=int)
    availability = MultiCheckboxField(_l("When you are available"))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.skills.choices = choices(SKILLS, blank=False)
        self.languages.choices = choices(LANGUAGES, blank=False)
        self.travel_streets.choices = [(s.id, s.name) for s in district_streets()]
        self.availability.choices = _times()

    def validate_capacity(self, field):
        """Within the bounds of the kind of helper."""
        low, high = self.capacity_bounds
        if field.data is None or not low <= field.data <= high:
            raise ValidationError(_l("Capacity is how many people you take on at once: a whole "
                                     "number from %(low)s to %(high)s.", low=low, high=high))


class SignUpFields(HelperFields):
    """Who signs up, where they live, and the password of their account."""

    phone = StringField(_l("Mobile phone"), validators=[
        DataRequired(_l("Give a mobile number.")), Length(max=limits.PHONE_MAX), check_mobile])
    email = EmailField(_l("E-mail"), validators=[
        DataRequired(_l("Give an e-mail address.")), Length(max=limits.EMAIL_MAX),
        Email(_l("Give a valid e-mail address."), check_deliverability=False)])
    home_street = SelectField(_l("Home street"), coerce=int)
    home_community = SelectField(_l("Home community"), coerce=int)
    password = PasswordField(_l("Password for your account"), validators=[
        DataRequired(_l("Choose a password.")), Length(max=PASSWORD_MAX)])
    password_again = PasswordField(_l("The password again"), validators=[
        EqualTo("password", _l("The two passwords differ."))])

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        streets = district_streets(welfare_home=True)
        self.home_street.choices = [(0, "—")] + [(s.id, s.name) for s in streets]
        self.home_community.choices = {"": [(0, "—")]} | {
            s.name: [(c.id, c.name) for c in s.communities] for s in streets}

    def validate_home_street(self, field):
        """One of the district's streets."""
        if not field.data:
            raise ValidationError(_l("Choose your home street."))

    def validate_home_community(self, field):
        """A community of the chosen street."""
        community = db.session.get(Community, field.data) \
            if field.data and 0 < field.data <= limits.MAX_ID else None
        if community is None:
            raise ValidationError(_l("Choose your home community."))
        if community.street_id != self.home_street.data:
            raise ValidationError(_l("Choose a community of the chosen street."))


class VolunteerForm(SignUpFields):
    """A volunteer's sign-up."""

    name = StringField(_l("Your name"), validators=[
        DataRequired(_l("Give your name.")), Length(max=limits.NAME_MAX)])

    def validate_availability(self, field):
        """A volunteer says when they can help."""
        if not field.data:
            raise ValidationError(_l("Tick at least one time you are available."))


class OrganisationForm(SignUpFields):
    """An organisation's, an enterprise's or a street aid centre's sign-up."""

    capacity_bounds = limits.ORGANISATION_CAPACITY

    name = StringField(_l("Name of the organisation"), validators=[
        DataRequired(_l("Give the organisation's name.")),
        Length(max=limits.ORGANISATION_NAME_MAX)])
    kind = SelectField(_l("Kind of organisation"), choices=[])
    contact_person = StringField(_l("Contact person"), validators=[
        DataRequired(_l("Give the contact person's name.")), Length(max=limits.NAME_MAX)])
    phone = StringField(_l("Phone"), validators=[
        DataRequired(_l("Give a phone number.")), Length(max=limits.PHONE_MAX), check_any_phone])

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.kind.choices = choices(ORGANISATION_KINDS, blank=False)


class ProfileForm(HelperFields):
    """A helper's own profile, phone included."""

    phone = StringField(_l("Phone"), validators=[
        DataRequired(_l("Give a phone number.")), Length(max=limits.PHONE_MAX), check_any_phone])


class PauseForm(FlaskForm):
    """A pause: why, until when (or until the helper resumes), and a note."""

    kind = SelectField(_l("Why"), choices=[])
    until = DateField(_l("Until (the last day; empty: until I resume)"),
                      validators=[Optional()])
    reason = TextAreaField(_l("A note for the street officer"), validators=[
        Optional(), Length(max=limits.REASON_MAX)])

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.kind.choices = choices(PAUSE_KINDS, blank=False)


class RejectForm(FlaskForm):
    """The street officer's reason for rejecting a sign-up (e-mailed to the applicant)."""

    reason = TextAreaField(_l("Reason (sent to the applicant)"), validators=[
        DataRequired(_l("Please give a reason.")), Length(max=limits.REASON_MAX)])


class EmailOnlyForm(FlaskForm):
    """The e-mail address a new confirmation link is sent to."""

    email = EmailField(_l("E-mail"), validators=[
        DataRequired(_l("Give an e-mail address.")), Length(max=limits.EMAIL_MAX)])
