"""Users and roles, in the shape Flask-Security-Too expects."""

from datetime import datetime

from flask_security import RoleMixin, UserMixin
from sqlalchemy import Column, ForeignKey, String, Table
from sqlalchemy.orm import Mapped, mapped_column, relationship

from charity.database import UTCDateTime
from charity.extensions import db

roles_users = Table(
    "roles_users",
    db.metadata,
    Column("user_id", ForeignKey("user.id", ondelete="CASCADE"), primary_key=True),
    Column("role_id", ForeignKey("role.id", ondelete="CASCADE"), primary_key=True),
)


class Role(db.Model, RoleMixin):
    """A role a user holds; `charity.auth.permissions.ROLES` says what each one may do."""

    __tablename__ = "role"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(40), unique=True)
    description: Mapped[str | None] = mapped_column(String(255))
    permissions: Mapped[str | None] = mapped_column(String(255))
    update_datetime: Mapped[datetime | None] = mapped_column(UTCDateTime)


class User(db.Model, UserMixin):
    """An account: staff, helpers, auditors and donors sign in with one."""

    __tablename__ = "user"

    id: Mapped[int] = mapped_column(primary_key=True)
    email: Mapped[str] = mapped_column(String(255), unique=True)
    name: Mapped[str] = mapped_column(String(80), default="")
    password: Mapped[str | None] = mapped_column(String(255))
    active: Mapped[bool] = mapped_column(default=True)
    fs_uniquifier: Mapped[str] = mapped_column(String(64), unique=True)
    confirmed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    last_login_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    current_login_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    last_login_ip: Mapped[str | None] = mapped_column(String(64))
    current_login_ip: Mapped[str | None] = mapped_column(String(64))
    login_count: Mapped[int | None]
    tf_primary_method: Mapped[str | None] = mapped_column(String(64))
    tf_totp_secret: Mapped[str | None] = mapped_column(String(255))
    tf_phone_number: Mapped[str | None] = mapped_column(String(128))
    create_datetime: Mapped[datetime | None] = mapped_column(UTCDateTime)
    update_datetime: Mapped[datetime | None] = mapped_column(UTCDateTime)
    #: A street officer's street: everything they see is scoped to it.
    street_id: Mapped[int | None] = mapped_column(ForeignKey("street.id"))
    #: A department liaison's department: the only cadres they manage.
    department_id: Mapped[int | None] = mapped_column(ForeignKey("department.id"))

    roles: Mapped[list[Role]] = relationship(secondary=roles_users, lazy="selectin")
    street = relationship("Street")

    def check_tf_required(self, tf_setup_methods, tf_fresh):
        """Flask-Security's question after the password: a second factor is required for the
        roles that need one (set up then, if not yet), as for anyone who set one up."""
        from charity.auth.permissions import needs_second_factor

        required, methods = super().check_tf_required(tf_setup_methods, tf_fresh)
        return required or needs_second_factor(self), methods

    def check_tf_required_setup(self) -> bool:
        """Whether the two-factor setup page may turn it off: not for those roles."""
        from charity.auth.permissions import needs_second_factor

        return super().check_tf_required_setup() or needs_second_factor(self)
