"""The auditor's filter of the audit log, read from the query string."""

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import DateField, SelectField, StringField, TextAreaField
from wtforms.validators import DataRequired, Length, Optional, ValidationError

#: The kinds of entry the filter offers: the whole log, or the security log alone.
KINDS = ("all", "security")


class LogFilterForm(FlaskForm):
    """Narrows the log to the security log, a range of days, a user and an action."""

    class Meta:
        """A filter in the query string: nothing to protect from forgery."""

        csrf = False

    kind = SelectField(_l("Entries"), default="all",
                       choices=[("all", _l("Everything")), ("security", _l("Security log"))])
    since = DateField(_l("From"), validators=[Optional()])
    until = DateField(_l("Until"), validators=[Optional()])
    user = StringField(_l("User (e-mail)"), validators=[Optional(), Length(max=255)])
    action = StringField(_l("Action starts with"), validators=[Optional(), Length(max=60)])

    def validate_until(self, field) -> None:
        """The range must not end before it starts."""
        if field.data and self.since.data and field.data < self.since.data:
            raise ValidationError(_l("The end of the range is before its start."))


class OpenCaseForm(FlaskForm):
    """Why an auditor opens a pseudonymised case: kept in the audit log with the opening."""

    reason = TextAreaField(_l("Why you open this case (kept in the audit log)"),
                           validators=[DataRequired(), Length(max=300)])
