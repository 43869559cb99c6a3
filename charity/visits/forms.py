"""Visit forms; validation messages go through Flask-Babel."""

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import (
    DateField,
    IntegerField,
    SelectField,
    SelectMultipleField,
    StringField,
    TextAreaField,
)
from wtforms.validators import DataRequired, Length, NumberRange, Optional
from wtforms.widgets import CheckboxInput, ListWidget

from charity.registry.forms import choices
from charity.visits.models import CHECK_OUTCOMES, FESTIVALS

#: Needs a helper can report from a visit: each opens a referral for that measure.
NEEDS = ("temporary_assistance", "classified_supplement", "medical_cover",
         "special_disease_aid", "free_textbooks", "rent_subsidy", "employment_services",
         "centralised_care")


class CheckboxesField(SelectMultipleField):
    widget = ListWidget(prefix_label=False)
    option_widget = CheckboxInput()


class CampaignForm(FlaskForm):
    festival = SelectField(_l("Festival"), validators=[DataRequired()])
    year = IntegerField(_l("Year"), validators=[DataRequired(), NumberRange(2019, 2100)])
    starts_on = DateField(_l("Visits from"), validators=[DataRequired()])
    ends_on = DateField(_l("Visits until"), validators=[DataRequired()])

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.festival.choices = choices(FESTIVALS, blank=False)


class VisitForm(FlaskForm):
    visited_on = DateField(_l("Date of the visit"), validators=[DataRequired()])
    notes = TextAreaField(_l("Notes"), validators=[DataRequired(), Length(max=2000)])
    needs = CheckboxesField(_l("Needs found (each opens a referral)"), validators=[Optional()])

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.needs.choices = choices(NEEDS, blank=False)


class SpotCheckForm(FlaskForm):
    size = IntegerField(_l("Visits to sample"), default=10,
                        validators=[DataRequired(), NumberRange(1, 500)])
    street = SelectField(_l("Street"), coerce=str, validators=[Optional()])
    seed = IntegerField(_l("Seed (empty: a new random seed)"),
                        validators=[Optional(), NumberRange(0, 2**31 - 1)])


class OutcomeForm(FlaskForm):
    outcome = SelectField(_l("Finding"), validators=[DataRequired()])
    notes = StringField(_l("Notes"), validators=[Optional(), Length(max=200)])
    checked_on = DateField(_l("Checked on"), validators=[DataRequired()])

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.outcome.choices = choices(CHECK_OUTCOMES[1:], blank=False)
