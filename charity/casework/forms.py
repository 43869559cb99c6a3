"""Casework forms; validation messages go through Flask-Babel."""

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import BooleanField, SelectField, StringField
from wtforms.validators import DataRequired, Length, Optional

from charity.casework.gaps import ALL_MEASURES
from charity.casework.models import GRANTED, MEASURES, REVIEW_OUTCOMES, SERVICE_KINDS
from charity.forms import CodeSelectField, SearchForm
from charity.main.limits import (
    MAX_COST_FEN,
    BoundedDecimalField,
    PastDateField,
    PlannedDateField,
)


class GapFilterForm(SearchForm):
    """Narrows the coverage-gap list to a street and a measure."""

    street = SelectField(_l("Street"), coerce=str, validators=[Optional()])
    measure = CodeSelectField(_l("Measure"), validators=[Optional()], codes=ALL_MEASURES,
                              blank=True)


class GrantForm(FlaskForm):
    """A measure a person receives, from a day and possibly until one."""

    measure = CodeSelectField(_l("Measure"), validators=[DataRequired()], codes=GRANTED)
    starts_on = PlannedDateField(_l("From"), validators=[DataRequired()])
    ends_on = PlannedDateField(_l("Until (empty: open-ended)"), validators=[Optional()])
    note = StringField(_l("Note"), validators=[Optional(), Length(max=200)])


class ReferralForm(FlaskForm):
    """A gap handed to the department or service that closes it."""

    measure = CodeSelectField(_l("Measure"), validators=[DataRequired()], codes=MEASURES)
    to_whom = StringField(_l("Referred to"), validators=[DataRequired(), Length(max=80)])
    note = StringField(_l("Note"), validators=[Optional(), Length(max=200)])


class ServiceForm(FlaskForm):
    """A free employment service given to a person, or a public-welfare job."""

    kind = CodeSelectField(_l("Service"), validators=[DataRequired()], codes=SERVICE_KINDS)
    given_on = PastDateField(_l("Date"), validators=[DataRequired()])
    provider = StringField(_l("Given by"), validators=[Optional(), Length(max=80)])
    notes = StringField(_l("Notes"), validators=[Optional(), Length(max=200)])


class MedicalForm(FlaskForm):
    """A person's family-doctor contract and health record (measure 3)."""

    family_doctor = BooleanField(_l("Family-doctor contract"))
    health_record = BooleanField(_l("Health record"))


class CostForm(FlaskForm):
    """One inpatient stay and its costs in yuan, out-of-catalogue part included."""

    admitted_on = PastDateField(_l("Admitted on"), validators=[DataRequired()])
    hospital = StringField(_l("Hospital"), validators=[DataRequired(), Length(max=80)])
    total = BoundedDecimalField(_l("Total cost (yuan)"), validators=[DataRequired()],
                                maximum=MAX_COST_FEN)
    out_of_catalogue = BoundedDecimalField(_l("Out-of-catalogue cost (yuan)"),
                                           validators=[Optional()], minimum=0,
                                           maximum=MAX_COST_FEN)


class CycleForm(FlaskForm):
    """A review cycle: everyone due for review by a day."""

    name = StringField(_l("Name"), validators=[DataRequired(), Length(max=80)])
    due_by = PlannedDateField(_l("Review everyone due by"), validators=[DataRequired()])


class ReviewForm(FlaskForm):
    """One person's review: the outcome, why, and when to look again."""

    outcome = CodeSelectField(_l("Outcome"), validators=[DataRequired()], codes=REVIEW_OUTCOMES)
    reason = StringField(_l("Reason"), validators=[DataRequired(), Length(max=200)])
    reviewed_on = PastDateField(_l("Reviewed on"), validators=[DataRequired()])
    next_review_date = PlannedDateField(_l("Next review"), validators=[DataRequired()])
