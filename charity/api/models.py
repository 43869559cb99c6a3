"""API tokens (stored as a keyed hash only) and the changes posted through the API, each kept
once by its sender's external id so that a repeated post changes nothing."""

from datetime import date, datetime

from sqlalchemy import JSON, ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from charity.database import CreatedAt, UTCDateTime, check_one_of
from charity.extensions import db

#: What a posted change is: a registry status change, a medical record, an employment service.
CHANGE_KINDS = ("status", "medical", "service")


class ApiToken(CreatedAt, db.Model):
    """A bearer token issued to a department or system, with its scopes and expiry. Only the
    keyed hash of the secret is kept: the secret is shown once, when issued."""

    __tablename__ = "api_token"

    id: Mapped[int] = mapped_column(primary_key=True)
    #: Who holds it: a department or a system ("区民政局", "卫健委 HIS").
    holder: Mapped[str] = mapped_column(String(80))
    #: The first characters of the secret, to tell tokens apart on the admin page.
    prefix: Mapped[str] = mapped_column(String(12))
    #: HMAC-SHA256 of the secret under the app's key.
    secret_hash: Mapped[str] = mapped_column(String(64), unique=True)
    scopes: Mapped[list] = mapped_column(JSON, default=list)
    expires_on: Mapped[date]
    revoked_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    last_used_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id"))

    created_by = relationship("User")


class ApiChange(CreatedAt, db.Model):
    """One change applied through the API, keyed by the sender's external id (unique): the
    outcome given the first time is given again to a repeated post."""

    __tablename__ = "api_change"
    __table_args__ = (check_one_of("kind", CHANGE_KINDS),)

    id: Mapped[int] = mapped_column(primary_key=True)
    external_id: Mapped[str] = mapped_column(String(64), unique=True)
    kind: Mapped[str] = mapped_column(String(20))
    token_id: Mapped[int] = mapped_column(ForeignKey("api_token.id"), index=True)
    person_id: Mapped[int] = mapped_column(ForeignKey("person.id"), index=True)
    #: SHA-256 of the item as posted: the same external id with other content is refused.
    fingerprint: Mapped[str] = mapped_column(String(64))
    document_number: Mapped[str | None] = mapped_column(String(60))
    effective_date: Mapped[date | None]
