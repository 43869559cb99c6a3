"""Creating accounts and roles."""

from flask_security import hash_password
from sqlalchemy import select

from charity.auth.models import Role, User
from charity.auth.passwords import check_strength
from charity.auth.roles import ROLES
from charity.extensions import db, security


def ensure_roles() -> dict[str, Role]:
    """Create every role the platform knows, once; return them by name."""
    existing = {r.name: r for r in db.session.scalars(select(Role))}
    for name in ROLES:
        if name not in existing:
            existing[name] = Role(name=name, description=name)
            db.session.add(existing[name])
    db.session.flush()
    return existing


def create_user(email: str, password: str, roles: list[str], name: str = "", **fields) -> User:
    """Create an account with a hashed password and the given roles; flush, don't commit.
    A password the policy refuses raises `WeakPassword` (see `charity.auth.passwords`)."""
    password = check_strength(password, email=email, name=name)
    all_roles = ensure_roles()
    user = security.datastore.create_user(
        email=email.lower(),
        password=hash_password(password),
        name=name,
        roles=[all_roles[r] for r in roles],
        **fields,
    )
    db.session.flush()
    return user
