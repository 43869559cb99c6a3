"""Staff forms for campaigns, matching pools and the September charity days."""

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import IntegerField, SelectField, StringField, TextAreaField
from wtforms.validators import DataRequired, Length, NumberRange, Optional

from charity.forms import CodeSelectField
from charity.main.limits import (
    FIRST_YEAR,
    LAST_YEAR,
    MAX_CAMPAIGN_FEN,
    PlannedDateField,
    YuanField,
)
from donations.campaigns.models import CAMPAIGN_KINDS


class CampaignForm(FlaskForm):
    """A campaign: its address, titles in both languages, kind, goal, dates and what it raises
    for."""

    slug = StringField(_l("Web address (small letters, digits, hyphens)"),
                       validators=[Optional(), Length(max=40)])
    title = StringField(_l("Title in Chinese"), validators=[DataRequired(), Length(max=100)])
    title_en = StringField(_l("Title in English"), validators=[DataRequired(), Length(max=100)])
    description = TextAreaField(_l("Description"), validators=[Optional(), Length(max=1000)])
    kind = CodeSelectField(_l("Kind"), validators=[DataRequired()], codes=CAMPAIGN_KINDS)
    goal = YuanField(_l("Goal (yuan)"), validators=[DataRequired()], maximum=MAX_CAMPAIGN_FEN)
    starts_on = PlannedDateField(_l("Starts on"), validators=[DataRequired()])
    ends_on = PlannedDateField(_l("Ends on"), validators=[DataRequired()])
    designation = SelectField(_l("Raises for"), validators=[Optional()], validate_choice=False)


class PoolForm(FlaskForm):
    """A campaign's matching pool: the sponsor, the whole pool and its caps per donor and per
    day, in yuan."""

    sponsor_name = StringField(_l("Sponsor"), validators=[DataRequired(), Length(max=100)])
    total = YuanField(_l("Pool (yuan)"), validators=[DataRequired()], maximum=MAX_CAMPAIGN_FEN)
    per_donor_cap = YuanField(_l("Cap per donor (yuan)"), validators=[DataRequired()],
                              maximum=MAX_CAMPAIGN_FEN)
    per_day_cap = YuanField(_l("Cap per day (yuan)"), validators=[DataRequired()],
                            maximum=MAX_CAMPAIGN_FEN)


class CharityDaysForm(FlaskForm):
    """The year whose September charity days to make ready."""

    year = IntegerField(_l("Year"), validators=[DataRequired(), NumberRange(FIRST_YEAR, LAST_YEAR)])
