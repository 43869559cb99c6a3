"""The API's request and response bodies (marshmallow), which the OpenAPI document describes."""

from marshmallow import Schema, ValidationError, fields, validate

from charity.api.operations import CHANGE_TYPES
from charity.casework.models import SERVICE_KINDS
from charity.registry.models import CATEGORIES

#: A batch holds at most this many items.
MAX_BATCH = 1000
#: An external id: letters, digits and . _ : / - (what senders' systems use as keys).
EXTERNAL_ID = r"^[A-Za-z0-9._:/-]{1,64}$"
_EXTERNAL = {"required": True, "validate": validate.Regexp(EXTERNAL_ID)}
_ID = {"required": True, "validate": validate.Regexp(r"^[0-9Xx -]{1,30}$")}


def plain_text(value: str) -> None:
    """Refuse control characters and lone surrogates in free text (kept in the database)."""
    if any(ord(c) < 32 or 0xD800 <= ord(c) <= 0xDFFF or ord(c) == 0x7F for c in value):
        raise ValidationError("Control characters are not allowed.")


def _text(low: int, high: int, required: bool = False) -> fields.String:
    return fields.String(required=required,
                         validate=validate.And(validate.Length(low, high), plain_text))


class ProblemSchema(Schema):
    """An RFC 9457 problem detail, in the caller's language."""

    type = fields.String(required=True)
    title = fields.String(required=True)
    status = fields.Integer(required=True)
    detail = fields.String()
    instance = fields.String()
    external_id = fields.String()
    errors = fields.Dict()


class StatusChangeSchema(Schema):
    """One civil-affairs decision about one person."""

    external_id = fields.String(**_EXTERNAL)
    id_number = fields.String(**_ID)
    change = fields.String(required=True, validate=validate.OneOf(CHANGE_TYPES))
    category = fields.String(validate=validate.OneOf(CATEGORIES))
    document_number = _text(1, 60, required=True)
    effective_date = fields.Date(required=True)
    reason = _text(0, 120)


class MedicalSchema(Schema):
    """The health commission's record for one person."""

    external_id = fields.String(**_EXTERNAL)
    id_number = fields.String(**_ID)
    family_doctor = fields.Boolean(required=True)
    health_record = fields.Boolean(required=True)


class ServiceSchema(Schema):
    """One free employment service given to one person."""

    external_id = fields.String(**_EXTERNAL)
    id_number = fields.String(**_ID)
    kind = fields.String(required=True, validate=validate.OneOf(SERVICE_KINDS))
    given_on = fields.Date(required=True)
    provider = _text(0, 100)


def _batch(item: type[Schema], name: str) -> type[Schema]:
    return Schema.from_dict({"items": fields.List(
        fields.Nested(item), required=True, validate=validate.Length(1, MAX_BATCH))}, name=name)


StatusBatchSchema = _batch(StatusChangeSchema, "StatusBatch")
MedicalBatchSchema = _batch(MedicalSchema, "MedicalBatch")
ServiceBatchSchema = _batch(ServiceSchema, "ServiceBatch")


class ItemResultSchema(Schema):
    """What became of one item: its status, and a problem detail when refused."""

    external_id = fields.String(required=True)
    status = fields.Integer(required=True)
    person_id = fields.Integer(allow_none=True)
    replayed = fields.Boolean(required=True)
    problem = fields.Nested(ProblemSchema, allow_none=True)


class BatchResultSchema(Schema):
    """Per item outcomes, in the order posted, and how many were applied or refused."""

    applied = fields.Integer(required=True)
    refused = fields.Integer(required=True)
    results = fields.List(fields.Nested(ItemResultSchema), required=True)


class JobProgressSchema(Schema):
    """How far a batch job got: items done of the batch's total."""

    done = fields.Integer(required=True)
    total = fields.Integer(required=True)


class JobSchema(Schema):
    """A batch posted to the API and run as a job: its state, its progress, and when it
    succeeded the same per-item results a small batch gets at once (`problem` when it failed)."""

    id = fields.Integer(required=True)
    state = fields.String(required=True, validate=validate.OneOf(
        ("queued", "running", "succeeded", "failed")))
    progress = fields.Nested(JobProgressSchema, required=True)
    result = fields.Nested(BatchResultSchema, allow_none=True)
    problem = fields.Nested(ProblemSchema, allow_none=True)


def _figures(name: str, label: str, *counts: str, **more) -> type[Schema]:
    """A schema of one `label` string, required integer `counts` and `more` fields."""
    shape = {label: fields.String(required=True)} if label else {}
    shape |= {count: fields.Integer(required=True) for count in counts}
    return Schema.from_dict(shape | more, name=name)


#: One street's pairing and visit figures.
StreetPairingSchema = _figures("StreetPairing", "street", "enrolled", "with_cadre",
                               "with_volunteer", "visits_this_year")
#: One department's cadres, live pairings and visits this year.
DepartmentPairingSchema = _figures("DepartmentPairing", "department", "cadres",
                                   "live_pairings", "visits_this_year")
#: For one street and measure: owed, receiving, and gaps.
GapCountSchema = _figures("GapCount", "", "owed", "receiving", "gaps")
#: One street's row of the gap matrix.
GapStreetSchema = _figures("GapStreet", "street", measures=fields.Dict(
    keys=fields.String(), values=fields.Nested(GapCountSchema), required=True),
    as_of=fields.DateTime(required=True, allow_none=True),
    updating=fields.Boolean(required=True))
_MONEY = fields.Dict(keys=fields.String(), values=fields.List(fields.Integer()), required=True)
#: The fund's public disclosure for a year (or all time), in fen; small counts as '<5'.
DisclosureSchema = _figures(
    "Disclosure", "head_hash", "total_in_fen", "total_out_fen", "budget_in_fen",
    year=fields.Integer(allow_none=True), months=_MONEY, measures=_MONEY,
    streets=fields.Dict(keys=fields.String(), values=fields.Raw(), required=True))
#: One person of a street, as a street scope lets out: the ID masked unless unmasked.
PersonSchema = Schema.from_dict(
    {key: fields.String(required=True) for key in (
        "name", "id_number", "category", "status", "household", "community")}
    | {"id": fields.Integer(required=True)}, name="Person")
#: A page of a street's people.
PeoplePageSchema = _figures("PeoplePage", "street", "total", "page", people=fields.List(
    fields.Nested(PersonSchema), required=True))


class PageArgsSchema(Schema):
    """Which page (100 people a page)."""

    page = fields.Integer(load_default=1, validate=validate.Range(1, 10_000))


class YearArgsSchema(Schema):
    """A year, or all time when absent."""

    year = fields.Integer(validate=validate.Range(2000, 2100))
