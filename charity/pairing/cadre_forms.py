"""The cadre roster's forms: search, add and edit, leaving, transfer, rank change, and the
invite link's password form."""

from email_validator import EmailNotValidError, validate_email
from flask import current_app
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import PasswordField, SelectField, SelectMultipleField, StringField
from wtforms.validators import DataRequired, EqualTo, Length, Optional, ValidationError

from charity.forms import CodeSelectField, SearchForm, choices
from charity.main import limits
from charity.main.limits import PastDateField
from charity.pairing.cadres import mobile
from charity.pairing.models import RANKS, SKILLS

#: The states a cadre's list is filtered by.
STATES = ("serving", "left")


class CadreFilterForm(SearchForm):
    """Searches the cadres by name or staff number, department, street, rank and state."""

    q = StringField(_l("Name or staff number"), validators=[Optional(), Length(max=40)])
    department = SelectField(_l("Department"), coerce=str, validators=[Optional()])
    street = SelectField(_l("Street"), coerce=str, validators=[Optional()])
    rank = CodeSelectField(_l("Rank"), validators=[Optional()], codes=RANKS, blank=True)
    state = SelectField(_l("State"), validators=[Optional()], choices=[
        ("", "—"), ("serving", _l("Serving")), ("left", _l("Left"))])


def check_mobile(form, field) -> None:
    """A mainland mobile number (spaces and dashes allowed), kept as its 11 digits."""
    number = mobile(field.data or "")
    if number is None:
        raise ValidationError(_l("Not a mainland mobile number: 11 digits starting with 1 "
                                 "(spaces and dashes are allowed)."))
    field.data = number


class CadreDetailsForm(FlaskForm):
    """What a cadre's record holds besides their department and rank."""

    name = StringField(_l("Name"), validators=[DataRequired(), Length(max=limits.NAME_MAX)])
    #: Blank on the edit form keeps the number on record (it is never shown in full).
    phone = StringField(_l("Mobile phone"), validators=[Optional(), Length(max=limits.PHONE_MAX),
                                                        check_mobile])
    home_community = SelectField(_l("Home community"), coerce=str, validators=[Optional()])
    staff_number = StringField(_l("Staff number"), validators=[Optional(), Length(max=20)])
    skills = SelectMultipleField(_l("Skills"), validators=[Optional()])

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.skills.choices = choices(SKILLS, blank=False)


class NewCadreForm(CadreDetailsForm):
    """A new cadre: their details, department and rank."""

    phone = StringField(_l("Mobile phone"), validators=[DataRequired(),
                                                        Length(max=limits.PHONE_MAX),
                                                        check_mobile])
    department = SelectField(_l("Department"), coerce=str, validators=[DataRequired()])
    rank = CodeSelectField(_l("Rank"), validators=[DataRequired()], codes=RANKS)


class LeaveForm(FlaskForm):
    """A cadre leaves: the day and the reason."""

    left_on = PastDateField(_l("Day of leaving"), validators=[DataRequired()])
    reason = StringField(_l("Reason"), validators=[DataRequired(), Length(max=200)])


class TransferForm(FlaskForm):
    """A cadre moves to another department."""

    department = SelectField(_l("New department"), coerce=str, validators=[DataRequired()])


class RankForm(FlaskForm):
    """A cadre's new rank."""

    rank = CodeSelectField(_l("New rank"), validators=[DataRequired()], codes=RANKS)


class InviteForm(FlaskForm):
    """Makes a new account link for a cadre (the old one stops working)."""


class SetPasswordForm(FlaskForm):
    """The invite link's page: the cadre's sign-in address (for a new account) and password."""

    email = StringField(_l("E-mail address (you sign in with it)"),
                        validators=[Optional(), Length(max=120)])
    password = PasswordField(_l("Password"), validators=[DataRequired(), Length(max=128)])
    confirm = PasswordField(_l("Password again"), validators=[
        DataRequired(), EqualTo("password", _l("The two passwords differ."))])

    def validate_email(self, field):
        """An address is needed for a new account: checked by `email_validator` (its form
        only: nothing is sent)."""
        value = (field.data or "").strip()
        if not value:
            return
        try:
            field.data = validate_email(
                value, **current_app.config["SECURITY_EMAIL_VALIDATOR_ARGS"]).normalized
        except EmailNotValidError:
            raise ValidationError(_l("Write an e-mail address such as name@example.com.")) \
                from None
