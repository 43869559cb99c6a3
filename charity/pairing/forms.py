"""Pairing workflow forms."""

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import SelectField, StringField, TextAreaField
from wtforms.validators import DataRequired, Length, Optional


class RunForm(FlaskForm):
    """Start a matching run for the district or one street."""

    street = SelectField(_l("Scope"), coerce=str, validators=[Optional()])


class ReasonForm(FlaskForm):
    """Why a helper declines a household or staff forbid a pair."""

    reason = TextAreaField(_l("Reason"), validators=[
        DataRequired(_l("Please give a reason.")), Length(max=200)])


class ConfirmForm(FlaskForm):
    """A button that posts, with CSRF."""

    note = StringField(validators=[Optional(), Length(max=10)])
