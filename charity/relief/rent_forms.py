"""Forms of the rent subsidy: a lease, a class A validity window, a schedule of months."""

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import DateField, StringField, TextAreaField
from wtforms.validators import DataRequired, InputRequired, Length, Regexp

from charity.main.limits import BoundedDecimalField
from charity.relief.rent_models import MAX_MONTHLY_RENT_FEN

MONTH = Regexp(r"^\d{4}-\d{2}$", message=_l("A month is written as YYYY-MM."))


class TenancyForm(FlaskForm):
    """A household's lease of a public rental home."""

    unit = StringField(_l("Public rental unit"), validators=[DataRequired(), Length(max=80)])
    address = StringField(_l("Address"), validators=[DataRequired(), Length(max=200)])
    monthly_rent = BoundedDecimalField(_l("Monthly rent in yuan"), validators=[InputRequired()],
                                       maximum=MAX_MONTHLY_RENT_FEN)
    starts_on = DateField(_l("Lease starts"), validators=[InputRequired()])
    ends_on = DateField(_l("Lease ends"), validators=[InputRequired()])


class ClassValidityForm(FlaskForm):
    """A window in which the person's dibao class A is valid."""

    valid_from = DateField(_l("Class A valid from"), validators=[InputRequired()])
    valid_until = DateField(_l("Class A valid until"), validators=[InputRequired()])


class ScheduleForm(FlaskForm):
    """The months of rent subsidy to propose for a lease."""

    first_month = StringField(_l("First month (YYYY-MM)"), validators=[DataRequired(), MONTH])
    last_month = StringField(_l("Last month (YYYY-MM)"), validators=[DataRequired(), MONTH])
    reason = TextAreaField(_l("Reason"), validators=[DataRequired(), Length(max=2000)])
