"""Giving and staff forms. Amounts are typed in yuan and become integer fen here."""

from decimal import Decimal, InvalidOperation

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import (
    BooleanField,
    DateField,
    IntegerField,
    SelectField,
    StringField,
    TextAreaField,
)
from wtforms.validators import (
    DataRequired,
    Email,
    Length,
    NumberRange,
    Optional,
    ValidationError,
)

from charity.labels import label
from donations.models import CAMPAIGN_KINDS, OFFLINE_CHANNELS
from donations.pledge_models import SPONSORSHIP_KINDS

PRESETS_YUAN = (50, 100, 200, 500)


def yuan_to_fen(text: str) -> int:
    """'12.5' -> 1250; ValueError for anything that is not a positive amount in yuan."""
    try:
        value = Decimal((text or "").strip().replace(",", "").replace("¥", ""))
    except InvalidOperation:
        raise ValueError(text) from None
    if not value.is_finite() or value <= 0 or value != value.quantize(Decimal("0.01")):
        raise ValueError(text)
    return int(value * 100)


class YuanField(StringField):
    """A yuan amount typed by a person; `.fen` holds it in integer fen once validated."""

    fen: int | None = None

    def pre_validate(self, form):
        try:
            self.fen = yuan_to_fen(self.data)
        except ValueError:
            self.fen = None
            raise ValidationError(_l("Write an amount in yuan, e.g. 100 or 12.50.")) from None


class GiveForm(FlaskForm):
    amount = YuanField(_l("Amount (yuan)"), validators=[DataRequired()])
    designation = SelectField(_l("What the gift is for"), validators=[Optional()],
                              validate_choice=False)
    campaign = StringField(validators=[Optional(), Length(max=12)])
    name = StringField(_l("Your name (for the receipt)"), validators=[Optional(), Length(max=100)])
    email = StringField(_l("E-mail (for the receipt)"),
                        validators=[Optional(), Email(), Length(max=255)])
    anonymous = BooleanField(_l("Give anonymously (your name is never shown publicly)"))
    #: The payment method the donor chose among those offered (card, wechat_pay, alipay).
    method = StringField(validators=[Optional(), Length(max=20)])
    #: localstripe only: the tokenised test card, confirmed by the server.
    card = StringField(validators=[Optional(), Length(max=80)])


class OfflineGiftForm(FlaskForm):
    channel = SelectField(_l("Channel"), validators=[DataRequired()])
    amount = YuanField(_l("Amount (yuan)"), validators=[DataRequired()])
    receipt_number = StringField(_l("Receipt number"), validators=[DataRequired(), Length(max=40)])
    donor_name = StringField(_l("Donor"), validators=[DataRequired(), Length(max=100)])
    designation = SelectField(_l("What the gift is for"), validators=[Optional()],
                              validate_choice=False)
    given_on = DateField(_l("Date received"), validators=[DataRequired()])
    anonymous = BooleanField(_l("Anonymous"))
    memo = StringField(_l("Note"), validators=[Optional(), Length(max=200)])

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.channel.choices = [(c, label(c)) for c in OFFLINE_CHANNELS]


class BatchForm(FlaskForm):
    rows = TextAreaField(_l("One gift per line: channel, amount, receipt number, donor, "
                            "designation (may be empty), date (YYYY-MM-DD), and 'show' if "
                            "the donor agreed to show their name (otherwise anonymous)"),
                         validators=[DataRequired(), Length(max=200_000)])


class MonthlyForm(FlaskForm):
    amount = YuanField(_l("Monthly amount (yuan)"), validators=[DataRequired()])
    designation = SelectField(_l("What the gift is for"), validators=[Optional()],
                              validate_choice=False)
    show_name = BooleanField(_l("Show my name with my gifts (otherwise they are anonymous)"))


class SponsorshipForm(FlaskForm):
    kind = SelectField(_l("Need"), validators=[DataRequired()])
    amount = YuanField(_l("Amount (yuan)"), validators=[DataRequired()])
    street = SelectField(_l("Street"), validators=[Optional()], validate_choice=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.kind.choices = [(k, label(k)) for k in SPONSORSHIP_KINDS]


class CampaignForm(FlaskForm):
    slug = StringField(_l("Web address (small letters, digits, hyphens)"),
                       validators=[Optional(), Length(max=40)])
    title = StringField(_l("Title in Chinese"), validators=[DataRequired(), Length(max=100)])
    title_en = StringField(_l("Title in English"), validators=[DataRequired(), Length(max=100)])
    description = TextAreaField(_l("Description"), validators=[Optional(), Length(max=1000)])
    kind = SelectField(_l("Kind"), validators=[DataRequired()])
    goal = YuanField(_l("Goal (yuan)"), validators=[DataRequired()])
    starts_on = DateField(_l("Starts on"), validators=[DataRequired()])
    ends_on = DateField(_l("Ends on"), validators=[DataRequired()])
    designation = SelectField(_l("Raises for"), validators=[Optional()], validate_choice=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.kind.choices = [(k, label(k)) for k in CAMPAIGN_KINDS]


class PoolForm(FlaskForm):
    sponsor_name = StringField(_l("Sponsor"), validators=[DataRequired(), Length(max=100)])
    total = YuanField(_l("Pool (yuan)"), validators=[DataRequired()])
    per_donor_cap = YuanField(_l("Cap per donor (yuan)"), validators=[DataRequired()])
    per_day_cap = YuanField(_l("Cap per day (yuan)"), validators=[DataRequired()])


class CharityDaysForm(FlaskForm):
    year = IntegerField(_l("Year"), validators=[DataRequired(), NumberRange(2000, 2100)])


class ReviewForm(FlaskForm):
    decision = SelectField(_l("Decision"), validators=[DataRequired()],
                           choices=[("release", _l("Release the match")),
                                    ("withhold", _l("Keep the match withheld")),
                                    ("clear", _l("Clear the flag"))])
    note = StringField(_l("Note"), validators=[Optional(), Length(max=200)])
