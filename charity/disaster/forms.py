"""Forms for incidents, affected households, insurance claims and relief."""

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import IntegerField, MonthField, SelectField, StringField, TextAreaField
from wtforms.validators import DataRequired, InputRequired, Length, NumberRange, Optional

from charity.disaster.models import INCIDENT_KINDS
from charity.main.limits import MAX_CASE_FEN, BoundedDecimalField, PastDateField
from charity.registry.picker import PersonField

#: Names of disaster kinds, relief sub-types and states.
LABELS = {
    "flood": _l("Flood"), "fire": _l("Fire"), "landslide": _l("Landslide"),
    "storm": _l("Storm"), "other": _l("Other disaster"),
    "recording": _l("Recording households"), "open": _l("Open for relief"),
    "emergency": _l("Emergency relief"), "condolence": _l("Condolence for the bereaved"),
    "transition": _l("Transition-period assistance"),
    "proposed": _l("Proposed"), "approved": _l("Approved"), "paid": _l("Paid"),
    "rejected": _l("Rejected"),
}


class IncidentForm(FlaskForm):
    """A disaster: its kind, day, street and place, and what happened."""

    kind = SelectField(_l("Kind of disaster"), validators=[DataRequired()],
                       choices=[(k, k) for k in INCIDENT_KINDS])
    occurred_on = PastDateField(_l("Day it happened"), validators=[DataRequired()])
    street = SelectField(_l("Street"), coerce=int, validators=[DataRequired()])
    place = StringField(_l("Place (streets, buildings)"),
                        validators=[DataRequired(), Length(max=200)])
    description = TextAreaField(_l("What happened"), validators=[Optional(), Length(max=5000)])

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.kind.choices = [(k, LABELS[k]) for k in INCIDENT_KINDS]


class HouseholdForm(FlaskForm):
    """A household of the roster hit by the incident, found by any of its members (by name, ID
    number, household number or address), with its loss."""

    member = PersonField(_l("A member of the household (name, ID number, household number or "
                            "address)"), validators=[DataRequired()])
    loss = BoundedDecimalField(_l("Assessed loss of property in yuan"), validators=[Optional()],
                               maximum=MAX_CASE_FEN, minimum=0)


class InsuranceForm(FlaskForm):
    """The household's claim on the government-bought disaster insurance."""

    claimed_on = PastDateField(_l("Day the claim was made"), validators=[Optional()])
    paid_on = PastDateField(_l("Day the insurance paid"), validators=[Optional()])
    paid = BoundedDecimalField(_l("Amount the insurance paid in yuan"), validators=[Optional()],
                               maximum=MAX_CASE_FEN, minimum=0)


class EmergencyForm(FlaskForm):
    """Emergency relief (应急救助) for the household's loss."""

    amount = BoundedDecimalField(_l("Amount in yuan"), validators=[DataRequired()],
                                 maximum=MAX_CASE_FEN)
    note = TextAreaField(_l("Note"), validators=[Optional(), Length(max=300)])


class CondolenceForm(FlaskForm):
    """Condolence (遇难人员家属抚慰) for a household member who died."""

    person_id = SelectField(_l("Household member who died"), coerce=int,
                            validators=[DataRequired()])
    amount = BoundedDecimalField(_l("Amount in yuan"), validators=[DataRequired()],
                                 maximum=MAX_CASE_FEN)
    note = TextAreaField(_l("Note"), validators=[Optional(), Length(max=300)])


class PlanForm(FlaskForm):
    """Transition-period living assistance (过渡期生活救助): a monthly amount for N months."""

    monthly = BoundedDecimalField(_l("Monthly amount in yuan"), validators=[DataRequired()],
                                  maximum=MAX_CASE_FEN)
    first_month = MonthField(_l("First month"), validators=[DataRequired()])
    months = IntegerField(_l("Number of months"), default=3,
                          validators=[InputRequired(), NumberRange(min=1, max=12)])


class MonthForm(FlaskForm):
    """One month of transition assistance."""

    month = MonthField(_l("Month"), validators=[DataRequired()])


class DecisionForm(FlaskForm):
    """The note kept with a decision on a relief."""

    note = TextAreaField(_l("Note"), validators=[Optional(), Length(max=300)])


