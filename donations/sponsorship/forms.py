"""The donor's sponsorship pledge form."""

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import SelectField
from wtforms.validators import DataRequired, Optional

from charity.forms import CodeSelectField
from charity.main.limits import YuanField
from donations.giving import designations
from donations.giving.forms import GIFT
from donations.sponsorship.models import SPONSORSHIP_KINDS


class SponsorshipForm(FlaskForm):
    """A sponsorship pledge: the need, the most the donor will pay, and the street if they want
    one."""

    kind = CodeSelectField(_l("Need"), validators=[DataRequired()], codes=SPONSORSHIP_KINDS)
    amount = YuanField(_l("Amount (yuan)"), validators=[DataRequired()], **GIFT)
    street = SelectField(_l("Street"), validators=[Optional()], validate_choice=False)


def pledge_form(formdata=None) -> SponsorshipForm:
    """The pledge form with the streets a donor may name (or anywhere in the district)."""
    form = SponsorshipForm(formdata=formdata)
    form.street.choices = [(c, t) for c, t in designations.fund_choices()
                           if c.startswith("street:") or not c]
    return form
