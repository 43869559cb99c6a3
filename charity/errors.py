"""The refusals an operation may raise. Each carries a message in the user's language (a lazy
string), and the unit of work shows it; nothing else about the request changes."""


class DomainError(ValueError):
    """An operation refused what it was asked; the message says why, for the user."""

    #: The security log's name for this kind of refusal (`security.<what>`), or None for a
    #: refusal that is no one's business but the user's (a bad amount, a missing reason).
    security_action: str | None = None


class Forbidden(DomainError):
    """Refused because of who asks (a maker approving their own case): answered with 403."""

    security_action = "forbidden"


class SelfApproval(DomainError):
    """Four eyes: whoever made something (an application, an offline gift) asked to approve it
    too. Shown like any refusal, and kept in the security log as a refused approval."""

    security_action = "refused_approval"
