"""A gift's receipt link for whoever gave it, signed in or not: signed with the app's secret
(itsdangerous, as Flask's session is), naming the gift and its receipt number, valid
`RECEIPT_LINK_DAYS` days. It is shown on the gift's thank-you page and in the receipt e-mail;
a link tampered with, expired, or naming a gift that is not (or no longer) credited finds
nothing."""

from flask import current_app, url_for
from itsdangerous import BadSignature, URLSafeTimedSerializer

from charity.extensions import db
from donations.giving.models import Donation

SALT = "songtan-receipt-link"
#: How long a receipt link works: long enough for a tax season.
RECEIPT_LINK_DAYS = 400


def _serializer() -> URLSafeTimedSerializer:
    return URLSafeTimedSerializer(current_app.config["SECRET_KEY"], salt=SALT)


def make(donation: Donation) -> str:
    """The signed part of `donation`'s receipt link."""
    return _serializer().dumps({"d": donation.id, "r": donation.receipt_number})


def url(donation: Donation, external: bool = False) -> str:
    """`donation`'s receipt link (absolute for an e-mail)."""
    return url_for("giving.signed_receipt", signed=make(donation), _external=external)


def read(signed: str) -> Donation | None:
    """The credited gift a genuine, unexpired link names; None for anything else (expired,
    tampered with, another receipt number, a gift not credited)."""
    try:
        payload = _serializer().loads(signed, max_age=RECEIPT_LINK_DAYS * 86400)
    except BadSignature:  # SignatureExpired is one
        return None
    gift_id = payload.get("d") if isinstance(payload, dict) else None
    donation = db.session.get(Donation, gift_id) if isinstance(gift_id, int) else None
    if donation is None or not donation.credited or \
            donation.receipt_number != payload.get("r"):
        return None
    return donation
