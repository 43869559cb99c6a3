"""What the sign-up and profile pages share: a form's values as a helper's profile, and a
refusal shown beside the field it names."""

from charity.volunteers import operations


def profile_of(form) -> operations.Profile:
    """What a helper offers, as a validated sign-up or profile form gives it."""
    return operations.Profile(
        phone=form.phone.data, capacity=form.capacity.data, skills=tuple(form.skills.data),
        languages=tuple(form.languages.data), travel_street_ids=tuple(form.travel_streets.data),
        availability=tuple(form.availability.data))


def show_errors(form, error, messages: list) -> None:
    """A refusal's messages beside the field it names, or above the form."""
    target = getattr(error, "field", None)
    if target and target in form:
        form[target].errors = list(messages)
    else:
        form.form_errors.extend(messages)
