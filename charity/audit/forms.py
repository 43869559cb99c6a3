"""The auditor's filter of the audit log, read from the query string."""

from datetime import date

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import DateField, IntegerField, SelectField, StringField, TextAreaField
from wtforms.validators import DataRequired, Length, NumberRange, Optional, ValidationError

from charity.audit.labels import action_choices

#: The days the log can hold: the platform's years, with room (a day outside is a typing slip).
FIRST_DAY, LAST_DAY = date(2000, 1, 1), date(2099, 12, 31)


def within_the_log(form, field) -> None:
    """A day of the filter must be one the log can hold."""
    if field.data and not FIRST_DAY <= field.data <= LAST_DAY:
        raise ValidationError(_l("Choose a day between %(first)s and %(last)s.",
                                 first=FIRST_DAY.isoformat(), last=LAST_DAY.isoformat()))


class LogFilterForm(FlaskForm):
    """Narrows the log to the security log, a range of days, a user, an action and a person."""

    class Meta:
        """A filter in the query string: nothing to protect from forgery."""

        csrf = False

    kind = SelectField(_l("Entries"), default="all",
                       choices=[("all", _l("Everything")), ("security", _l("Security log"))])
    since = DateField(_l("From"), validators=[Optional(), within_the_log])
    until = DateField(_l("Until"), validators=[Optional(), within_the_log])
    user = StringField(_l("User (e-mail)"), validators=[Optional(), Length(max=255)])
    action = SelectField(_l("Action"), default="", validate_choice=False)
    person = IntegerField(_l("Person (number on the roster)"), validators=[
        Optional(), NumberRange(min=1, max=2_000_000_000,
                                message=_l("A person's number is a whole number above 0."))])

    def __init__(self, *args, **kwargs) -> None:
        """Offer every labelled action, by its label."""
        super().__init__(*args, **kwargs)
        self.action.choices = [("", _l("Every action")), *action_choices()]

    def validate_action(self, field) -> None:
        """Only an action the log knows: anything else is a typing slip or a forged link."""
        if field.data and field.data not in dict(field.choices):
            raise ValidationError(_l("There is no such action; choose one from the list."))

    def validate_until(self, field) -> None:
        """The range must not end before it starts."""
        if field.data and self.since.data and field.data < self.since.data:
            raise ValidationError(_l("The end of the range is before its start."))


class OpenCaseForm(FlaskForm):
    """Why an auditor opens a pseudonymised case: kept in the audit log with the opening."""

    reason = TextAreaField(_l("Why you open this case (kept in the audit log)"),
                           validators=[DataRequired(), Length(max=300)])
