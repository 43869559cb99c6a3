"""The contact form (one screen on a phone) and the report's period; messages go through
Flask-Babel."""

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import HiddenField, IntegerField, SelectField, StringField, TextAreaField
from wtforms.validators import (
    DataRequired,
    InputRequired,
    Length,
    NumberRange,
    Optional,
    Regexp,
)

from charity.contacts import models
from charity.forms import CodeSelectField
from charity.main.limits import PastDateField, YuanField


class OptionalYuanField(YuanField):
    """A yuan amount that may be left empty (it is asked for one kind of entry only)."""

    def pre_validate(self, form):
        """An empty field is no amount; anything typed is checked as `YuanField` checks it."""
        if not str(self.data or "").strip():
            self.fen = None
            return
        super().pre_validate(form)


class ContactForm(FlaskForm):
    """A contact or help given: what, when, how long, and a short note."""

    kind = CodeSelectField(_l("What"), validators=[DataRequired()], codes=models.CONTACT_KINDS)
    happened_on = PastDateField(_l("Date"), validators=[DataRequired()])
    minutes = IntegerField(_l("Minutes spent"), default=30, validators=[
        InputRequired(), NumberRange(models.MIN_MINUTES, models.MAX_MINUTES)])
    goods = StringField(_l("Goods given (what)"), validators=[Optional(),
                                                              Length(max=models.GOODS_MAX)])
    amount = OptionalYuanField(_l("Money from your own pocket (yuan)"),
                               maximum=models.MAX_OWN_MONEY_FEN)
    department = SelectField(_l("Referred to the department"), coerce=str,
                             validators=[Optional()])
    note = TextAreaField(_l("Note"), validators=[Optional(), Length(max=models.NOTE_MAX)])
    #: The form's one-time key, made when it is shown: sent twice, it is saved once.
    submission = HiddenField(validators=[Optional(), Length(max=models.SUBMISSION_MAX),
                                         Regexp(r"^[A-Za-z0-9_-]*$")])


class PeriodForm(FlaskForm):
    """The period of the hours report (read from the query string, no CSRF)."""

    class Meta:
        """A GET form: nothing to protect with a token."""

        csrf = False

    start = PastDateField(_l("From"), validators=[Optional()])
    end = PastDateField(_l("Until"), validators=[Optional()])
