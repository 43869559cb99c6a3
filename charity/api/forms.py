"""The admin's form to issue an API token: holder, scopes (fixed ones and streets), expiry."""

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from sqlalchemy import select
from wtforms import DateField, SelectMultipleField, StringField
from wtforms.validators import DataRequired, Length

from charity.api import tokens
from charity.district.models import Street
from charity.extensions import db

SCOPE_LABELS = {
    "registry:status:write": _l("Post status changes (civil affairs)"),
    "casework:services:write": _l("Post medical records and employment services"),
    "pairing:summary:read": _l("Read pairing, visit and gap figures"),
    "fund:disclosure:read": _l("Read the fund's disclosure"),
}


def scope_choices() -> list[tuple[str, str]]:
    """Every scope a token may carry, with a label: the fixed ones, then each street's
    people masked and unmasked."""
    choices = [(scope, f"{SCOPE_LABELS[scope]} ({scope})") for scope in tokens.FIXED_SCOPES]
    for name in db.session.scalars(select(Street.name).order_by(Street.position)):
        scope = tokens.street_scope(name)
        choices.append((scope, str(_l("People of %(street)s, ID masked", street=name))))
        choices.append((scope + tokens.UNMASKED,
                        str(_l("People of %(street)s, full ID (each view audited)",
                               street=name))))
    return choices


class IssueTokenForm(FlaskForm):
    """Issue a token to a department or system."""

    holder = StringField(_l("Department or system"), validators=[
        DataRequired(_l("Name the department or system that holds the token.")),
        Length(max=80)])
    scopes = SelectMultipleField(_l("Scopes"), validators=[
        DataRequired(_l("Choose at least one scope."))])
    expires_on = DateField(_l("Expires on"), validators=[
        DataRequired(_l("Give the day the token expires."))])

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.scopes.choices = scope_choices()
