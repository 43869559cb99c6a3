"""The demo's accounts: one for every role, one street officer per street, and a second
approver for the four eyes. All share one password, printed by `flask demo load`; the
accounts whose roles sign in with a second factor (admin, fund manager, approvers) share one
published authenticator key, and `flask demo codes` prints their codes."""

from flask import current_app
from passlib.totp import TOTP
from sqlalchemy import select

from charity.auth.models import User
from charity.auth.operations import create_user, ensure_roles
from charity.auth.permissions import needs_second_factor
from charity.district.models import Department, DepartmentGroup, Street
from charity.extensions import db
from charity.pairing.models import Cadre

DEMO_PASSWORD = "songtan-demo-2026"  # noqa: S105 (the demo's published password, not a secret)
#: Every demo account's e-mail ends so.
DEMO_DOMAIN = "@songtan.test"
#: The demo's published authenticator key (base32), for any authenticator app.
DEMO_TOTP_KEY = "ONXW4Z3UMFXC2ZDFNVXS25DPORYC2MRW"
#: The demo accounts' display names (receipts, audit trails and pages print them), by the
#: e-mail's local part; the street officers' come from OFFICER_NAMES in the streets' order.
DEMO_NAMES = {"admin": "王建国", "fund": "李秀梅", "approver": "张志强", "cadre": "黄立新",
              "donor": "陈晓燕", "auditor": "刘德明", "approver2": "赵丽华", "liaison": "周文斌"}
OFFICER_NAMES = ("孙海燕", "马俊", "朱红梅", "胡永刚", "郭静", "何建平", "高丽", "林国栋",
                 "罗晓东", "郑雪", "梁志华", "谢春兰")


def demo_accounts(streets: dict[str, Street]) -> list[tuple[str, str, str]]:
    """(email, role, street) of every demo account."""
    accounts = [("admin@songtan.test", "admin", ""), ("fund@songtan.test", "fund_manager", ""),
                ("approver@songtan.test", "approver", ""), ("cadre@songtan.test", "cadre", ""),
                ("volunteer@songtan.test", "volunteer", ""), ("donor@songtan.test", "donor", ""),
                ("auditor@songtan.test", "auditor", "")]
    for street in sorted(streets.values(), key=lambda s: s.position):
        slug = street.name_en.lower().replace(" ", "-")
        accounts.append((f"officer-{slug}@songtan.test", "street_officer", street.name))
    return [*accounts, ("approver2@songtan.test", "approver", ""),
            ("liaison@songtan.test", "liaison", "")]


def display_name(email: str, position: int = 0) -> str:
    """The demo account's display name: a person's name, never the e-mail's local part (the
    `position`-th street officer's for an officer's account)."""
    local = email.split("@")[0]
    if local.startswith("officer-"):
        return OFFICER_NAMES[position % len(OFFICER_NAMES)]
    return DEMO_NAMES.get(local, local)


def load_accounts(streets: dict[str, Street]) -> int:
    """Create the demo accounts that are missing and link the demo cadre to theirs; return
    how many were created. The demo volunteer's account comes with its sign-up
    (`charity.volunteers.demo`)."""
    ensure_roles()
    existing = {user.email: user for user in db.session.scalars(select(User))}
    created = 0
    officers = 0
    for email, role, street in demo_accounts(streets):
        name = display_name(email, officers)
        officers += role == "street_officer"
        if email in existing:
            rename(existing[email], name)
            give_authenticator(existing[email])
            continue
        if role == "volunteer":
            continue
        user = create_user(email, DEMO_PASSWORD, [role], name=name,
                           street_id=streets[street].id if street else None)
        give_authenticator(user)
        created += 1
        if role == "cadre":
            cadre = db.session.scalar(select(Cadre).where(Cadre.rank == "division_leader")
                                      .order_by(Cadre.id))
            cadre.user_id = user.id
            user.name = cadre.name  # the account is the demo cadre's own
        elif role == "liaison":  # the liaison of the attachment's first department
            user.department_id = db.session.scalar(
                select(Department.id).join(DepartmentGroup)
                .order_by(DepartmentGroup.number, Department.position))
    db.session.flush()
    return created


def rename(user: User, name: str) -> None:
    """Give an account of an earlier demo load, named after its e-mail, its display name."""
    if user.name in ("", user.email.split("@")[0]):
        user.name = name


def give_authenticator(user: User) -> None:
    """Set up the demo's authenticator key for an account whose roles need a second factor
    (if it has none yet), so the demo's staff can sign in without a setup step."""
    if user.tf_primary_method or not needs_second_factor(user):
        return
    config = current_app.config
    factory = TOTP.using(secrets=config["SECURITY_TOTP_SECRETS"],
                         issuer=config["SECURITY_TOTP_ISSUER"])
    user.tf_totp_secret = factory(key=DEMO_TOTP_KEY, format="base32").to_json(encrypt=True)
    user.tf_primary_method = "authenticator"
