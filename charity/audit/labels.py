"""The audit log in words: a label for every action code, kind of object and detail key, and
each entry's detail as readable "label: value" pairs (never raw JSON).

Every action code the code writes (`record("…")`, `record_refusal("…")`, a `DomainError`'s
`security_action`) must have a label here: `tests/test_audit_log.py` finds the codes in the
source and fails on one without a label.
"""

from datetime import date

from flask_babel import gettext
from flask_babel import lazy_gettext as _l

from charity.labels import label
from charity.main.templating import fen
from charity.relief.standards import KIND_LABELS

#: What each action code means, in the reader's language.
ACTIONS = {
    "api.call": _l("Data-sharing API called"),
    "api.token_issue": _l("API token issued"),
    "api.token_revoke": _l("API token revoked"),
    "audit.case_opened": _l("Case opened for audit"),
    "audit.export": _l("Audit log exported"),
    "budget_recorded": _l("Budget appropriation recorded"),
    "budget_approved": _l("Budget appropriation approved"),
    "cadre.create": _l("Cadre added"),
    "cadre.import": _l("Cadre roster imported"),
    "cadre.invite": _l("Cadre invitation link made"),
    "cadre.invite_used": _l("Cadre invitation link used"),
    "cadre.leave": _l("Cadre left"),
    "cadre.rank": _l("Cadre rank changed"),
    "cadre.transfer": _l("Cadre transferred"),
    "cadre.update": _l("Cadre details changed"),
    "campaign.pool": _l("Matching pool set"),
    "campaign.save": _l("Fundraising campaign saved"),
    "casework.grant": _l("Measure granted"),
    "casework.medical_cost": _l("Medical cost recorded"),
    "casework.refer": _l("Referral made"),
    "casework.referral_close": _l("Referral closed"),
    "casework.review": _l("Review recorded"),
    "casework.review_cycle": _l("Review cycle opened"),
    "casework.service": _l("Service recorded"),
    "contact.log": _l("Contact logged"),
    "disaster.approve": _l("Disaster relief approved"),
    "disaster.household": _l("Household affected by a disaster recorded"),
    "disaster.incident": _l("Disaster recorded"),
    "disaster.insurance": _l("Insurance claim recorded"),
    "disaster.open": _l("Disaster response opened"),
    "disaster.pay": _l("Disaster relief paid"),
    "disaster.propose": _l("Disaster relief proposed"),
    "disaster.reject": _l("Disaster relief rejected"),
    "disaster.transition_plan": _l("Transition plan recorded"),
    "donation.credit": _l("Gift credited to the fund"),
    "donor.confirm": _l("Donor e-mail confirmed, account opened"),
    "donor.expired": _l("Unconfirmed donor sign-up removed"),
    "donor.sign_up": _l("Donor signed up for a monthly gift"),
    "donation.offline": _l("Offline gift recorded"),
    "donation.review": _l("Held gift decided"),
    "grievance_answered": _l("Grievance answered"),
    "grievance_recorded": _l("Grievance recorded"),
    "household.create": _l("Household enrolled"),
    "match.publish": _l("Pairing run published"),
    "match.run": _l("Pairing run made"),
    "pairing.accept": _l("Pairing accepted"),
    "pairing.end": _l("Pairing ended"),
    "pairing.decline": _l("Pairing declined"),
    "pairing.forbid": _l("Pair forbidden"),
    "pairing.lock": _l("Pair locked"),
    "pairing.unlock": _l("Pair unlocked"),
    "pairing.rematch": _l("Person paired again"),
    "pairing.suggest": _l("Volunteer suggested"),
    "person.create": _l("Person enrolled"),
    "person.status": _l("Person's status changed"),
    "person.update": _l("Person's details changed"),
    "person.view_guardian_phone": _l("Guardian's phone number viewed"),
    "person.view_health": _l("Health details viewed"),
    "person.view_id": _l("Full ID number viewed"),
    "relief.allocate": _l("Allocation run made"),
    "relief.allocation_change": _l("Allocation changed"),
    "relief.allocation_drop": _l("Case dropped from an allocation"),
    "relief.allocation_send": _l("Allocation sent for approval"),
    "relief.approve": _l("Application approved"),
    "relief.income_line": _l("Income line saved"),
    "relief.intake": _l("Intake case opened"),
    "relief.intake_apply": _l("Application made from an intake case"),
    "relief.minutes": _l("Committee minutes kept"),
    "relief.pay": _l("Application paid"),
    "relief.reject": _l("Application rejected"),
    "relief.submit": _l("Application submitted"),
    "relief.vote": _l("Committee vote cast"),
    "rent.class_validity": _l("Hardship class validity recorded"),
    "rent.close": _l("Rent subsidy schedule closed"),
    "rent.tenancy": _l("Tenancy recorded"),
    "roster.export": _l("Roster exported"),
    "roster.import": _l("Roster imported"),
    "security.api_scope": _l("Refused: the API token's scopes do not allow it"),
    "security.api_token": _l("Refused: an unknown, expired or revoked API token"),
    "security.forbidden": _l("Refused: no permission"),
    "security.lockout": _l("Account locked after failed sign-ins"),
    "security.login_refused": _l("Sign-in refused"),
    "security.out_of_scope": _l("Refused: another street's record"),
    "security.refused_approval": _l("Refused: approving one's own work"),
    "security.webhook_refused": _l("Stripe notice refused"),
    "unmatched.open": _l("Person left without a helper"),
    "user.liaison": _l("Department liaison appointed"),
    "visits.campaign": _l("Visit campaign opened"),
    "visits.check": _l("Spot check result recorded"),
    "visits.log": _l("Visit logged"),
    "visits.spot_check": _l("Spot check drawn"),
    "volunteer.approve": _l("Volunteer sign-up approved"),
    "volunteer.confirm": _l("Volunteer e-mail confirmed"),
    "volunteer.expired": _l("Volunteer sign-up expired"),
    "volunteer.pause": _l("Volunteer paused"),
    "volunteer.profile": _l("Volunteer profile changed"),
    "volunteer.reject": _l("Volunteer sign-up rejected"),
    "volunteer.resume": _l("Volunteer resumed"),
    "volunteer.sign_up": _l("Volunteer signed up"),
}

#: What kind of thing an entry is about.
OBJECTS = {
    "allocation_proposal": _l("Allocation"),
    "audit_log": _l("Audit log"),
    "budget_appropriation": _l("Budget appropriation"),
    "cadre": _l("Cadre"),
    "cadre_roster": _l("Cadre roster"),
    "campaign": _l("Fundraising campaign"),
    "contact": _l("Contact"),
    "disaster_household": _l("Affected household"),
    "disaster_incident": _l("Disaster"),
    "disaster_relief": _l("Disaster relief"),
    "donation": _l("Gift"),
    "grievance": _l("Grievance"),
    "household": _l("Household"),
    "income_line": _l("Income line"),
    "match_run": _l("Pairing run"),
    "pairing": _l("Pair"),
    "person": _l("Person"),
    "person_list": _l("List of people"),
    "referral": _l("Referral"),
    "relief_application": _l("Application"),
    "relief_intake": _l("Intake case"),
    "request": _l("Request"),
    "review_cycle": _l("Review cycle"),
    "roster": _l("Roster"),
    "spot_check": _l("Spot check"),
    "spot_check_item": _l("Spot-checked visit"),
    "street": _l("Street"),
    "stripe_event": _l("Stripe notice"),
    "tenancy": _l("Tenancy"),
    "unmatched_entry": _l("Person waiting for a helper"),
    "user": _l("User account"),
    "visit_campaign": _l("Visit campaign"),
    "visit_task": _l("Visit"),
    "volunteer": _l("Volunteer"),
}

#: What each detail key means; a key not listed shows with its underscores as spaces.
KEYS = {
    "after": _l("After"),
    "amount": _l("Amount"),
    "amount_fen": _l("Amount"),
    "application": _l("Application"),
    "application_id": _l("Application"),
    "approve": _l("In favour"),
    "before": _l("Before"),
    "cases": _l("Cases"),
    "changed": _l("Changed"),
    "claimed_on": _l("Claimed on"),
    "code": _l("Code"),
    "created_ids": _l("Records created"),
    "decision": _l("Decision"),
    "department_id": _l("Department"),
    "document": _l("Document"),
    "eligible": _l("Eligible"),
    "email": _l("E-mail"),
    "endpoint": _l("Page"),
    "ends_on": _l("Ends on"),
    "entry_seq": _l("Journal entry"),
    "fields": _l("Fields"),
    "first_month": _l("First month"),
    "flag": _l("Flag"),
    "from_department": _l("From department"),
    "full_ids": _l("Full ID numbers"),
    "fund": _l("Fund"),
    "funded": _l("Funded"),
    "goal_fen": _l("Goal"),
    "household": _l("Household"),
    "households": _l("Households"),
    "incident": _l("Disaster"),
    "invite_id": _l("Invitation"),
    "kind": _l("Kind"),
    "late": _l("Late"),
    "loss_fen": _l("Loss"),
    "measure": _l("Measure"),
    "method": _l("Method"),
    "minutes": _l("Minutes"),
    "monthly_fen": _l("Per month"),
    "months": _l("Months"),
    "months_paid": _l("Months paid"),
    "needs": _l("Permission needed"),
    "object_id": _l("Record"),
    "object_type": _l("Kind of record"),
    "on": _l("On"),
    "on_roster": _l("On the roster"),
    "outcome": _l("Outcome"),
    "page": _l("Page"),
    "paid_fen": _l("Paid"),
    "paid_on": _l("Paid on"),
    "path": _l("Address"),
    "per_day_cap_fen": _l("Cap per day"),
    "per_donor_cap_fen": _l("Cap per donor"),
    "person": _l("Person"),
    "person_id": _l("Person"),
    "person_ids": _l("People"),
    "picked_by": _l("Picked by"),
    "rank": _l("Rank"),
    "reason": _l("Reason"),
    "released_fen": _l("Released"),
    "rent": _l("Rent"),
    "replaces": _l("Replaces"),
    "result": _l("Result"),
    "rows": _l("Rows"),
    "seed": _l("Seed"),
    "size": _l("Size"),
    "slot": _l("Slot"),
    "source": _l("Source"),
    "starts_on": _l("Starts on"),
    "state": _l("State"),
    "status": _l("Status"),
    "street_id": _l("Street"),
    "subtype": _l("Subtype"),
    "tasks": _l("Tasks"),
    "text": _l("Text"),
    "to_department": _l("To department"),
    "total_fen": _l("Total"),
    "unfunded": _l("Unfunded"),
    "until": _l("Until"),
    "user": _l("User"),
    "valid_from": _l("Valid from"),
    "valid_until": _l("Valid until"),
    "volunteer": _l("Volunteer"),
    "filters": _l("Filters"),
    "since": _l("From"),
    "action": _l("Action"),
    "security_only": _l("Security log only"),
}
#: At most this many items of a list are shown; the rest are counted.
LIST_SHOWN = 20


def action_label(code: str) -> str:
    """An action in words; a code without a label shows as itself (the tests forbid that)."""
    return str(ACTIONS.get(code, code))


def object_label(object_type: str, object_id: str | None) -> str:
    """The kind of object and its number, in words."""
    kind = OBJECTS.get(object_type)
    kind = str(kind) if kind is not None else object_type.replace("_", " ")
    return f"{kind} {object_id}" if object_id else kind


def key_label(key: str) -> str:
    """A detail key in words."""
    found = KEYS.get(key)
    return str(found) if found is not None else key.replace("_", " ")


def value_text(key: str, value) -> str:
    """A detail value as text: yes/no, money in yuan, lists joined, nested pairs in words, code
    names (a kind of relief, a status) by their labels."""
    if isinstance(value, bool):
        return gettext("yes") if value else gettext("no")
    if value is None or value == "" or value == []:
        return "—"
    if isinstance(value, int) and key.endswith("_fen"):
        return fen(value)
    if isinstance(value, list):
        shown = gettext(", ").join(value_text("", v) for v in value[:LIST_SHOWN])
        rest = len(value) - LIST_SHOWN
        return shown + (gettext(" and %(count)s more", count=rest) if rest > 0 else "")
    if isinstance(value, dict):
        return gettext("; ").join(pair_text(key_label(k), value_text(k, v))
                                  for k, v in value.items())
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, str):
        return label(value, KIND_LABELS)  # a code (a kind, a status) in words; text as it is
    return str(value)


def pair_text(label: str, value: str) -> str:
    """One "label: value" pair, with the reader's punctuation."""
    return gettext("%(label)s: %(value)s", label=label, value=value)


def detail_pairs(detail: dict | None) -> list[tuple[str, str]]:
    """An entry's detail as (label, value) pairs in the order written."""
    return [(key_label(k), value_text(k, v)) for k, v in (detail or {}).items()]


def action_choices() -> list[tuple[str, str]]:
    """The filter's choices of action: every labelled action, by its label."""
    return sorted(((code, str(label)) for code, label in ACTIONS.items()),
                  key=lambda pair: pair[1])
