"""Forms of intake for sudden hardship and of the yearly income lines."""

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import BooleanField, IntegerField, SelectField, StringField, TextAreaField
from wtforms.validators import DataRequired, InputRequired, Length, NumberRange, Optional

from charity.main import limits
from charity.main.limits import BoundedDecimalField, PastDateField, RosterDateField
from charity.relief.income_lines import MAX_LINE_FEN
from charity.relief.intake import MAX_ASSETS_FEN, MAX_HOUSEHOLD, MAX_MONTHLY_INCOME_FEN

EVENT_CHOICES = [("sudden_event", _l("Sudden event")), ("accident", _l("Accident")),
                 ("serious_illness", _l("Serious illness")), ("other", _l("Other"))]
HUKOU_CHOICES = [("yuzhong", _l("Yuzhong hukou")),
                 ("other", _l("Hukou elsewhere, with a residence permit"))]


class IntakeForm(FlaskForm):
    """A household in sudden hardship: who, where, what happened, income and assets."""

    name = StringField(_l("Name"), validators=[DataRequired(), Length(max=limits.NAME_MAX)])
    id_number = StringField(_l("ID number"), validators=[
        DataRequired(), Length(max=limits.ID_NUMBER_MAX)])
    community = SelectField(_l("Community"), coerce=int, validators=[DataRequired()])
    hukou = SelectField(_l("Hukou"), choices=HUKOU_CHOICES, validators=[DataRequired()])
    residence_permit_start = RosterDateField(_l("Residence permit since"),
                                             validators=[Optional()])
    event_type = SelectField(_l("Kind of event"), choices=EVENT_CHOICES,
                             validators=[DataRequired()])
    event_date = PastDateField(_l("Date of the event"), validators=[DataRequired()])
    description = TextAreaField(_l("Description"), validators=[DataRequired(),
                                                                Length(max=2000)])
    household_size = IntegerField(_l("Household members"), validators=[
        InputRequired(), NumberRange(min=1, max=MAX_HOUSEHOLD)])
    monthly_income = BoundedDecimalField(_l("Household income per month in yuan"),
                                         validators=[InputRequired()], minimum=0,
                                         maximum=MAX_MONTHLY_INCOME_FEN)
    financial_assets = BoundedDecimalField(
        _l("Household financial assets in yuan (savings, securities)"),
        validators=[InputRequired()], minimum=0, maximum=MAX_ASSETS_FEN)
    vehicle_value = BoundedDecimalField(_l("Household vehicles' value in yuan"),
                                        validators=[Optional()], minimum=0,
                                        maximum=MAX_ASSETS_FEN)


class IntakeApplyForm(FlaskForm):
    """The relief application of an eligible intake: kind, grade and reason."""

    kind = SelectField(_l("Kind of relief"), choices=[
        ("temporary_emergency", _l("Temporary assistance (emergency)")),
        ("temporary_expenditure", _l("Temporary assistance (expenditure)"))])
    grade = SelectField(_l("Grade (temporary assistance)"), coerce=int,
                        choices=[(1, _l("1 light")), (2, _l("2 serious")), (3, _l("3 severe"))])
    reason = TextAreaField(_l("Reason"), validators=[DataRequired(), Length(max=2000)])
    one_case_one_discussion = BooleanField(_l("One case, one discussion (case committee)"))


class IncomeLineForm(FlaskForm):
    """One year's income line and asset limits, with the document they come from."""

    year = IntegerField(_l("Year of the events"), validators=[
        InputRequired(), NumberRange(min=limits.FIRST_YEAR, max=limits.LAST_YEAR)])
    disposable_income = BoundedDecimalField(
        _l("Last year's per-capita disposable income in yuan"), validators=[InputRequired()],
        maximum=MAX_LINE_FEN)
    financial_assets = BoundedDecimalField(
        _l("Financial assets limit per person in yuan"), validators=[InputRequired()],
        minimum=0, maximum=MAX_LINE_FEN)
    vehicle_value = BoundedDecimalField(
        _l("Vehicles' value limit per household in yuan"), validators=[InputRequired()],
        minimum=0, maximum=MAX_LINE_FEN)
    source = StringField(_l("Source document (name and number)"),
                         validators=[DataRequired(), Length(max=200)])

    def values(self) -> dict:
        """The line's column values, amounts in fen."""
        return {"year": self.year.data, "disposable_income_fen": self.disposable_income.fen(),
                "financial_assets_fen": self.financial_assets.fen(),
                "vehicle_value_fen": self.vehicle_value.fen(), "source": self.source.data}
