"""Visit forms; validation messages go through Flask-Babel."""

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import (
    IntegerField,
    SelectField,
    SelectMultipleField,
    StringField,
    TextAreaField,
)
from wtforms.validators import DataRequired, Length, NumberRange, Optional
from wtforms.widgets import CheckboxInput, ListWidget

from charity.forms import CodeSelectField, choices
from charity.main.limits import LAST_YEAR, MAX_ID, PastDateField, PlannedDateField
from charity.visits.models import CHECK_OUTCOMES, FESTIVALS

#: Needs a helper can report from a visit: each opens a referral for that measure.
NEEDS = ("temporary_assistance", "classified_supplement", "medical_cover",
         "special_disease_aid", "free_textbooks", "rent_subsidy", "employment_services",
         "centralised_care")


class NeedsField(SelectMultipleField):
    """The needs a helper found on a visit, one checkbox each, labelled in the reader's
    language."""

    widget = ListWidget(prefix_label=False)
    option_widget = CheckboxInput()

    def __init__(self, label=None, validators=None, **kwargs):
        super().__init__(label, validators, choices=choices(NEEDS, blank=False), **kwargs)


class CampaignForm(FlaskForm):
    """A festival campaign and the days its visits fall in."""

    festival = CodeSelectField(_l("Festival"), validators=[DataRequired()], codes=FESTIVALS)
    year = IntegerField(_l("Year"), validators=[DataRequired(), NumberRange(2019, LAST_YEAR)])
    starts_on = PlannedDateField(_l("Visits from"), validators=[DataRequired()])
    ends_on = PlannedDateField(_l("Visits until"), validators=[DataRequired()])


class VisitForm(FlaskForm):
    """The log of a visit: when, what happened, and the needs found."""

    visited_on = PastDateField(_l("Date of the visit"), validators=[DataRequired()])
    notes = TextAreaField(_l("Notes"), validators=[DataRequired(), Length(max=2000)])
    needs = NeedsField(_l("Needs found (each opens a referral)"), validators=[Optional()])


class SpotCheckForm(FlaskForm):
    """A spot check to draw: how many logged visits, from which street, with which seed."""

    size = IntegerField(_l("Visits to sample"), default=10,
                        validators=[DataRequired(), NumberRange(1, 500)])
    street = SelectField(_l("Street"), coerce=str, validators=[Optional()])
    seed = IntegerField(_l("Seed (empty: a new random seed)"),
                        validators=[Optional(), NumberRange(0, MAX_ID)])


class OutcomeForm(FlaskForm):
    """What a supervisor found when checking one sampled visit."""

    outcome = CodeSelectField(_l("Finding"), validators=[DataRequired()],
                              codes=CHECK_OUTCOMES[1:])
    notes = StringField(_l("Notes"), validators=[Optional(), Length(max=200)])
    checked_on = PastDateField(_l("Checked on"), validators=[DataRequired()])
