"""Casework forms; validation messages go through Flask-Babel."""

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import BooleanField, DateField, DecimalField, SelectField, StringField
from wtforms.validators import DataRequired, Length, NumberRange, Optional

from charity.casework.gaps import ALL_MEASURES
from charity.casework.models import GRANTED, MEASURES, REVIEW_OUTCOMES, SERVICE_KINDS
from charity.registry.forms import choices


def fen(amount) -> int:
    """A yuan amount from a form as integer fen."""
    return int(round(amount * 100))


class GapFilterForm(FlaskForm):
    class Meta:
        csrf = False

    street = SelectField(_l("Street"), coerce=str, validators=[Optional()])
    measure = SelectField(_l("Measure"), validators=[Optional()])

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.measure.choices = choices(ALL_MEASURES)


class GrantForm(FlaskForm):
    measure = SelectField(_l("Measure"), validators=[DataRequired()])
    starts_on = DateField(_l("From"), validators=[DataRequired()])
    ends_on = DateField(_l("Until (empty: open-ended)"), validators=[Optional()])
    note = StringField(_l("Note"), validators=[Optional(), Length(max=200)])

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.measure.choices = choices(GRANTED, blank=False)


class ReferralForm(FlaskForm):
    measure = SelectField(_l("Measure"), validators=[DataRequired()])
    to_whom = StringField(_l("Referred to"), validators=[DataRequired(), Length(max=80)])
    note = StringField(_l("Note"), validators=[Optional(), Length(max=200)])

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.measure.choices = choices(MEASURES, blank=False)


class ServiceForm(FlaskForm):
    kind = SelectField(_l("Service"), validators=[DataRequired()])
    given_on = DateField(_l("Date"), validators=[DataRequired()])
    provider = StringField(_l("Given by"), validators=[Optional(), Length(max=80)])
    notes = StringField(_l("Notes"), validators=[Optional(), Length(max=200)])

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.kind.choices = choices(SERVICE_KINDS, blank=False)


class MedicalForm(FlaskForm):
    family_doctor = BooleanField(_l("Family-doctor contract"))
    health_record = BooleanField(_l("Health record"))


class CostForm(FlaskForm):
    admitted_on = DateField(_l("Admitted on"), validators=[DataRequired()])
    hospital = StringField(_l("Hospital"), validators=[DataRequired(), Length(max=80)])
    total = DecimalField(_l("Total cost (yuan)"), places=2,
                         validators=[DataRequired(), NumberRange(min=0.01)])
    out_of_catalogue = DecimalField(_l("Out-of-catalogue cost (yuan)"), places=2,
                                    validators=[Optional(), NumberRange(min=0)])


class CycleForm(FlaskForm):
    name = StringField(_l("Name"), validators=[DataRequired(), Length(max=80)])
    due_by = DateField(_l("Review everyone due by"), validators=[DataRequired()])


class ReviewForm(FlaskForm):
    outcome = SelectField(_l("Outcome"), validators=[DataRequired()])
    reason = StringField(_l("Reason"), validators=[DataRequired(), Length(max=200)])
    reviewed_on = DateField(_l("Reviewed on"), validators=[DataRequired()])
    next_review_date = DateField(_l("Next review"), validators=[DataRequired()])

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.outcome.choices = choices(REVIEW_OUTCOMES, blank=False)
