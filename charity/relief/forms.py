"""Forms for applications and decisions."""


from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import (
    BooleanField,
    IntegerField,
    SelectField,
    StringField,
    TextAreaField,
)
from wtforms.validators import (
    DataRequired,
    InputRequired,
    Length,
    NumberRange,
    Optional,
)

from charity.main.limits import MAX_CASE_FEN, BoundedDecimalField
from charity.registry.picker import PersonField
from charity.relief.standards import DEFAULT_CAPS, GRADE_NAMES, KIND_LABELS


class ApplicationForm(FlaskForm):
    """An application for relief for one person: the kind, its grade or assessed amount, and
    why."""

    person_id = PersonField(_l("Person"), validators=[DataRequired()])
    kind = SelectField(_l("Kind of relief"), validators=[DataRequired()],
                       choices=[(k, v) for k, v in KIND_LABELS.items()])
    grade = SelectField(_l("Grade (temporary assistance)"), validators=[Optional()],
                        choices=[("", "—"), *GRADE_NAMES.items()])
    assessed = BoundedDecimalField(_l("Assessed amount in yuan (medical, rent, disaster)"),
                                   validators=[Optional()], maximum=MAX_CASE_FEN)
    reason = TextAreaField(_l("Reason"), validators=[DataRequired(), Length(max=2000)])
    one_case_one_discussion = BooleanField(_l("One case, one discussion (case committee)"))

    def validate(self, extra_validators=None) -> bool:
        """Field checks, then the rules that tie the kind to a grade or an assessed amount
        (empty optional fields skip their own validators, so these live here)."""
        valid = super().validate(extra_validators)
        if (self.kind.data or "").startswith("temporary_") and not self.grade.data:
            self.grade.errors = [_l("Temporary assistance needs a grade.")]
            valid = False
        if self.kind.data in DEFAULT_CAPS and self.assessed.data is None:
            self.assessed.errors = [_l("This kind of relief needs an assessed amount.")]
            valid = False
        return valid

    def assessed_fen(self) -> int | None:
        """The assessed amount as integer fen, or None when none was given."""
        return self.assessed.fen()


class DecisionForm(FlaskForm):
    """The note kept with a decision on a case."""

    note = TextAreaField(_l("Note"), validators=[Optional(), Length(max=300)])


class VoteForm(FlaskForm):
    """A case-committee member's vote on a case, with a note."""

    vote = SelectField(_l("Vote"), choices=[("yes", _l("Approve")), ("no", _l("Reject"))])
    note = TextAreaField(_l("Note"), validators=[Optional(), Length(max=300)])


class MinutesForm(FlaskForm):
    """The case committee's minutes of a case."""

    minutes = TextAreaField(_l("Minutes"), validators=[DataRequired(), Length(max=10_000)])


class AllocationRunForm(FlaskForm):
    """A run of the allocation optimiser, with the street-balance tolerance it keeps."""

    tolerance = IntegerField(_l("Street balance tolerance (percentage points)"), default=5,
                             validators=[InputRequired(), NumberRange(min=0, max=100)])


class AllocationCaseForm(FlaskForm):
    """Fund one case of a draft proposal from one fund with an amount in yuan."""

    fund = StringField(_l("Fund account"), validators=[DataRequired(), Length(max=80)])
    amount = BoundedDecimalField(_l("Amount in yuan"), validators=[DataRequired()],
                                 maximum=MAX_CASE_FEN)

    def amount_fen(self) -> int:
        """The amount as integer fen (the field allows no part of a fen)."""
        return self.amount.fen()
