"""Giving and staff forms. Amounts are typed in yuan and become integer fen here."""

import secrets

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import (
    BooleanField,
    EmailField,
    HiddenField,
    PasswordField,
    SelectField,
    StringField,
    TextAreaField,
)
from wtforms.validators import (
    DataRequired,
    Email,
    EqualTo,
    Length,
    Optional,
    Regexp,
    ValidationError,
)

from charity.forms import CodeSelectField
from charity.main import limits
from charity.main.limits import (
    MAX_CONFIRMED_GIFT_FEN,
    MAX_GIFT_FEN,
    PastDateField,
    YuanField,
    yuan,
)
from donations.giving.amounts import GIFT_BOUNDS, MAX_ONLINE_GIFT_FEN, MIN_GIFT_FEN
from donations.giving.models import OFFLINE_CHANNELS

PRESETS_YUAN = (50, 100, 200, 500)
PASSWORD_MAX = 128
#: The bounds of a gift's amount field, and what it says out of them.
GIFT = {"maximum": MAX_ONLINE_GIFT_FEN, "minimum": MIN_GIFT_FEN, "message": GIFT_BOUNDS}


class GiveForm(FlaskForm):
    """The public giving form: amount, what it is for, campaign, name and e-mail for the
    receipt, whether the name may be shown publicly (not unless ticked) and the payment
    method."""

    amount = YuanField(_l("Amount (yuan)"), validators=[DataRequired()],
                       **GIFT)
    designation = SelectField(_l("What the gift is for"), validators=[Optional()],
                              validate_choice=False)
    campaign = StringField(validators=[Optional(), Length(max=12)])
    name = StringField(_l("Your name (for the receipt)"), validators=[Optional(), Length(max=100)])
    email = StringField(_l("E-mail (for the receipt)"),
                        validators=[Optional(), Email(), Length(max=255)])
    show_name = BooleanField(_l("Show my name publicly with my gift (otherwise it is anonymous)"))
    #: The payment method the donor chose among those offered (card, wechat_pay, alipay).
    method = StringField(validators=[Optional(), Length(max=20)])
    #: localstripe only: the tokenised test card, confirmed by the server.
    card = StringField(validators=[Optional(), Length(max=80)])


class OfflineGiftForm(FlaskForm):
    """An offline gift as staff record it from its paper or bank receipt."""

    channel = CodeSelectField(_l("Channel"), validators=[DataRequired()], codes=OFFLINE_CHANNELS)
    amount = YuanField(_l("Amount (yuan)"), validators=[DataRequired()],
                       **GIFT | {"maximum": MAX_CONFIRMED_GIFT_FEN})
    #: Above ¥10,000,000 the person recording the gift confirms the amount is meant.
    confirm_large = BooleanField(_l("I confirm this large amount (above ¥10,000,000)"))
    receipt_number = StringField(_l("Receipt number"), validators=[DataRequired(), Length(max=40)])
    donor_name = StringField(_l("Donor"), validators=[DataRequired(), Length(max=100)])
    designation = SelectField(_l("What the gift is for"), validators=[Optional()],
                              validate_choice=False)
    given_on = PastDateField(_l("Date received"), validators=[DataRequired()])
    show_name = BooleanField(_l("The donor agreed to show their name publicly"))
    memo = StringField(_l("Note"), validators=[Optional(), Length(max=200)])

    def validate_confirm_large(self, field):
        """A gift above ¥10,000,000 is recorded only with the explicit confirmation."""
        if self.amount.fen and self.amount.fen > MAX_GIFT_FEN and not field.data:
            raise ValidationError(_l(
                "This gift is above ¥%(max)s: tick “I confirm this large amount” to record it.",
                max=yuan(MAX_GIFT_FEN)))


class BatchForm(FlaskForm):
    """Many offline gifts at once, one CSV line each."""

    rows = TextAreaField(_l("One gift per line: channel, amount, receipt number, donor, "
                            "designation (may be empty), date (YYYY-MM-DD), and 'show' if "
                            "the donor agreed to show their name (otherwise anonymous)"),
                         validators=[DataRequired(), Length(max=200_000)])


class MonthlyForm(FlaskForm):
    """A monthly gift: amount, what it is for, and whether the donor's name may be shown."""

    amount = YuanField(_l("Monthly amount (yuan)"), validators=[DataRequired()],
                       **GIFT)
    designation = SelectField(_l("What the gift is for"), validators=[Optional()],
                              validate_choice=False)
    show_name = BooleanField(_l("Show my name with my gifts (otherwise they are anonymous)"))
    #: One per form shown: the form sent again (a double click, a retry) starts one gift.
    start_key = HiddenField(default=lambda: secrets.token_urlsafe(16),
                            validators=[Optional(), Length(max=40), Regexp(r"^[A-Za-z0-9_-]*$")])
    confirm_duplicate = BooleanField(_l("Yes, start another identical monthly gift"))


class MonthlySignUpForm(FlaskForm):
    """A guest's monthly gift from the public page: the gift, and the account it is kept with
    (name, e-mail), which opens once the e-mail address is confirmed. The password is chosen
    on the confirmation page, by whoever reads the e-mail: a password chosen here would be
    known to anyone who typed someone else's address (and they could sign in to that account
    once its owner confirms it)."""

    amount = YuanField(_l("Monthly amount (yuan)"), validators=[DataRequired()], **GIFT)
    designation = SelectField(_l("What the gift is for"), validators=[Optional()],
                              validate_choice=False)
    show_name = BooleanField(_l("Show my name with my gifts (otherwise they are anonymous)"))
    name = StringField(_l("Your name (for the receipts)"), validators=[
        DataRequired(_l("Give your name.")), Length(max=80)])
    email = EmailField(_l("E-mail"), validators=[
        DataRequired(_l("Give an e-mail address.")), Length(max=limits.EMAIL_MAX),
        Email(_l("Give a valid e-mail address."), check_deliverability=False)])


class MonthlyConfirmForm(FlaskForm):
    """The confirmation page of a guest's monthly gift: the account's password, chosen by the
    reader of the e-mail."""

    password = PasswordField(_l("Password for your account"), validators=[
        DataRequired(_l("Choose a password.")), Length(max=PASSWORD_MAX)])
    password_again = PasswordField(_l("The password again"), validators=[
        EqualTo("password", _l("The two passwords differ."))])


class ReviewForm(FlaskForm):
    """A reviewer's decision on a gift held for review, with a note."""

    decision = SelectField(_l("Decision"), validators=[DataRequired()],
                           choices=[("release", _l("Release the match")),
                                    ("withhold", _l("Keep the match withheld")),
                                    ("clear", _l("Clear the flag"))])
    note = StringField(_l("Note"), validators=[Optional(), Length(max=200)])
