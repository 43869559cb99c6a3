"""Registry forms; validation messages go through Flask-Babel."""

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from flask_wtf.file import FileAllowed, FileField, FileRequired
from wtforms import (
    BooleanField,
    IntegerField,
    SelectField,
    StringField,
    TextAreaField,
)
from wtforms.validators import DataRequired, Length, NumberRange, Optional, Regexp, ValidationError

from charity.forms import CodeSelectField, SearchForm
from charity.main import limits
from charity.main.limits import (
    LAST_YEAR,
    MAX_INCOME_FEN,
    BoundedDecimalField,
    PlannedDateField,
    RosterDateField,
)
from charity.registry.guardians import GuardianDetails
from charity.registry.models import (
    CATEGORIES,
    DIBAO_CLASSES,
    EMPLOYMENT,
    HUKOU,
    SCHOOL_LEVELS,
    SPECIAL_DISEASES,
    STATUSES,
)
from charity.timeutil import local_today


class FilterForm(SearchForm):
    """Searches the roster by name or household number, place, category, status and flag."""

    q = StringField(_l("Name or household number"), validators=[Optional(), Length(max=40)])
    street = SelectField(_l("Street"), coerce=str, validators=[Optional()])
    community = SelectField(_l("Community"), coerce=str, validators=[Optional()])
    category = SelectField(_l("Category"), validators=[Optional()])
    status = SelectField(_l("Status"), validators=[Optional()])
    flag = SelectField(_l("Flag"), validators=[Optional()])


class PersonFieldsForm(FlaskForm):
    """The attributes of a person, shared by the create and edit forms."""

    name = StringField(_l("Name"), validators=[DataRequired(), Length(max=limits.NAME_MAX)])
    category = CodeSelectField(_l("Category"), validators=[DataRequired()], codes=CATEGORIES)
    dibao_class = SelectField(_l("Dibao class"), validators=[Optional()],
                              choices=[("", "—")] + [(c, c) for c in DIBAO_CLASSES])
    orphan = BooleanField(_l("Orphan"))
    disabled = BooleanField(_l("Disabled"))
    disability_grade = IntegerField(_l("Disability grade (1–4)"),
                                    validators=[Optional(), NumberRange(1, 4)])
    seriously_ill = BooleanField(_l("Seriously ill"))
    special_disease = CodeSelectField(_l("Special disease"), validators=[Optional()],
                                      codes=SPECIAL_DISEASES, blank=True)
    lives_alone = BooleanField(_l("Lives alone"))
    student = BooleanField(_l("Student"))
    school_level = CodeSelectField(_l("School level"), validators=[Optional()],
                                   codes=SCHOOL_LEVELS, blank=True)
    college_entry_year = IntegerField(_l("College entry year"),
                                      validators=[Optional(), NumberRange(1950, LAST_YEAR)])
    hukou = CodeSelectField(_l("Hukou"), validators=[DataRequired()], codes=HUKOU)
    residence_permit_start = RosterDateField(_l("Residence permit since"),
                                             validators=[Optional()])
    monthly_income = BoundedDecimalField(_l("Monthly income (yuan)"), validators=[Optional()],
                                         minimum=0, maximum=MAX_INCOME_FEN)
    employment_status = CodeSelectField(_l("Employment"), validators=[DataRequired()],
                                        codes=EMPLOYMENT)
    able_to_work = BooleanField(_l("Able to work"))
    willing_to_work = BooleanField(_l("Willing to work"))
    family_doctor = BooleanField(_l("Family-doctor contract"))
    health_record = BooleanField(_l("Health record"))
    centralised_care = BooleanField(_l("In centralised care"))
    next_review_date = PlannedDateField(_l("Next review"), validators=[Optional()])

    def validate_dibao_class(self, field):
        """Only a dibao recipient has a dibao class."""
        if field.data and self.category.data != "dibao":
            raise ValidationError(_l("Only dibao recipients have a dibao class."))

    def validate(self, extra_validators=None) -> bool:
        """Field checks, then the rules that tie fields together (empty optional fields skip
        their own validators, so these live here)."""
        valid = super().validate(extra_validators)
        if self.hukou.data == "other" and not self.residence_permit_start.data:
            self.residence_permit_start.errors = [
                _l("A person without Yuzhong hukou needs the permit's date.")]
            valid = False
        if self.student.data and not self.school_level.data:
            self.school_level.errors = [_l("Choose the student's school level.")]
            valid = False
        return valid

    def person_fields(self) -> dict:
        """The form's values as Person column values (money in integer fen)."""
        data = {name: self[name].data for name in PERSON_FIELDS}
        for name in ("dibao_class", "special_disease", "school_level"):
            data[name] = data[name] or None
        data["monthly_income_fen"] = self.monthly_income.fen() or 0
        return data


PERSON_FIELDS = (
    "name", "category", "dibao_class", "orphan", "disabled", "disability_grade", "seriously_ill",
    "special_disease", "lives_alone", "student", "school_level", "college_entry_year", "hukou",
    "residence_permit_start", "employment_status", "able_to_work", "willing_to_work",
    "family_doctor", "health_record", "centralised_care", "next_review_date",
)


class NewPersonForm(PersonFieldsForm):
    """A new member of a household: the person's attributes and ID number, and for a child
    under 14 their guardian, who consents (checked by `operations.enrol`, which knows the age
    from the ID number)."""

    id_number = StringField(_l("ID number"), validators=[DataRequired(),
                                                          Length(max=limits.ID_NUMBER_MAX)])
    guardian_name = StringField(_l("Guardian's name"),
                                validators=[Optional(), Length(max=limits.NAME_MAX)])
    guardian_relation = StringField(_l("Relation to the child"),
                                    validators=[Optional(), Length(max=limits.RELATION_MAX)])
    guardian_person = SelectField(_l("Guardian is this member of the household"),
                                  validators=[Optional()], choices=[("", "—")])
    guardian_phone = StringField(_l("Guardian's phone"), validators=[
        Optional(), Regexp(limits.PHONE_PATTERN,
                           message=_l("A phone number is 5 to 20 digits, spaces or dashes."))])
    guardian_consent = BooleanField(_l("The guardian consents to the enrolment and to the "
                                       "processing of the child's personal information"))
    guardian_consent_on = RosterDateField(_l("Consent given on"), validators=[Optional()])

    def guardian_details(self) -> GuardianDetails | None:
        """The guardian as typed, or None when nothing was; consent counts only when ticked."""
        linked = self.guardian_person.data
        details = GuardianDetails(
            name=(self.guardian_name.data or "").strip(),
            relation=(self.guardian_relation.data or "").strip(),
            phone=(self.guardian_phone.data or "").strip(),
            person_id=int(linked) if linked and linked.isdigit() else None,
            consent_on=(self.guardian_consent_on.data or local_today())
            if self.guardian_consent.data else None)
        return details if details != GuardianDetails() else None

    def guardian_errors(self, problems: list[tuple[str, str]]) -> None:
        """Put `operations.GuardianError`'s problems on the guardian's fields."""
        fields = {"name": self.guardian_name, "relation": self.guardian_relation,
                  "phone": self.guardian_phone, "person_id": self.guardian_person,
                  "consent_on": self.guardian_consent}
        for field_name, message in problems:
            fields[field_name].errors = [*fields[field_name].errors, message]


class NewHouseholdForm(NewPersonForm):
    """A new household with its first member, its number, community and address."""

    code = StringField(_l("Household number"),
                       validators=[DataRequired(), Length(max=limits.HOUSEHOLD_CODE_MAX)])
    community = SelectField(_l("Community"), coerce=int, validators=[DataRequired()])
    address = StringField(_l("Address"),
                          validators=[Optional(), Length(max=limits.ADDRESS_MAX)])


class StatusForm(FlaskForm):
    """A change of a person's status, with the reason, the day it takes effect and the next
    review."""

    status = CodeSelectField(_l("New status"), validators=[DataRequired()], codes=STATUSES)
    reason = TextAreaField(_l("Reason"), validators=[DataRequired(), Length(max=200)])
    effective_date = PlannedDateField(_l("Effective date"), validators=[DataRequired()])
    next_review_date = PlannedDateField(_l("Next review"), validators=[Optional()])


class ImportForm(FlaskForm):
    """A roster workbook to import."""

    file = FileField(_l("Roster file (.xlsx)"), validators=[
        FileRequired(_l("Choose a file.")),
        FileAllowed(["xlsx"], _l("Only .xlsx files can be imported.")),
    ])


class ConfirmImportForm(FlaskForm):
    """Confirms the import of a file checked in a dry run, by the token it was kept under."""

    token = StringField(validators=[DataRequired(), Length(max=64)])
