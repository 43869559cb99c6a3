"""The grievance forms: the public one, the staff one (with the appealed application), the
look-up by tracking code and phone, and the answer. Every field is bounded."""

import unicodedata

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from sqlalchemy import select
from wtforms import SelectField, StringField, TextAreaField
from wtforms.validators import DataRequired, Length, Optional, Regexp

from charity.district.models import Street
from charity.extensions import db
from charity.grievances.models import TEXT_MAX
from charity.main import limits
from charity.main.limits import IdField
from charity.volunteers.forms import check_any_phone, compact_phone

KINDS = [("complaint", _l("Complaint")), ("appeal", _l("Appeal against a decision"))]


def street_choices(scope: int | None = None) -> list[tuple[int, str]]:
    """The streets a grievance may concern (only the officer's own for a street officer)."""
    query = select(Street.id, Street.name).order_by(Street.position)
    if scope is not None:
        query = query.where(Street.id == scope)
    return [(id_, name) for id_, name in db.session.execute(query)]


class GrievanceForm(FlaskForm):
    """A complaint or appeal from the public."""

    kind = SelectField(_l("What is it"), choices=KINDS)
    street = SelectField(_l("Street it concerns"), coerce=int, validate_choice=True)
    text = TextAreaField(_l("What happened, and what you ask"), validators=[
        DataRequired(_l("Write what happened.")), Length(max=TEXT_MAX)])
    phone = StringField(_l("Your contact phone"), validators=[
        DataRequired(_l("Give a phone number.")), Length(max=limits.PHONE_MAX),
        check_any_phone])

    def __init__(self, *args, scope: int | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        self.street.choices = street_choices(scope)

    def digits(self) -> str:
        """The phone's digits."""
        return compact_phone(self.phone.data)


class StaffGrievanceForm(GrievanceForm):
    """A grievance staff record for someone (by phone, letter or at the office)."""

    application = IdField(_l("Refused application appealed (number, optional)"),
                          validators=[Optional()])


class TrackForm(FlaskForm):
    """The look-up of a grievance's answer."""

    code = StringField(_l("Tracking code"), validators=[
        DataRequired(_l("Give the tracking code.")), Length(max=30)])
    last4 = StringField(_l("Last four digits of your contact phone"), filters=[
        lambda typed: unicodedata.normalize("NFKC", typed).strip() if typed else typed],
        validators=[
        DataRequired(_l("Give the last four digits.")),
        Regexp(r"^[0-9]{4}$", message=_l("Give the last four digits."))])


class AnswerForm(FlaskForm):
    """Staff's answer."""

    answer = TextAreaField(_l("Answer"), validators=[
        DataRequired(_l("Write the answer.")), Length(max=TEXT_MAX)])
