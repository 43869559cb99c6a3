"""The refusals an operation may raise. Each carries a message in the user's language (a lazy
string), and the unit of work shows it; nothing else about the request changes."""


class DomainError(ValueError):
    """An operation refused what it was asked; the message says why, for the user."""


class Forbidden(DomainError):
    """Refused because of who asks (a maker approving their own case): answered with 403."""
