"""Jinja filters and globals: local time, money in fen, labels for code names, permissions."""

from datetime import date, datetime
from urllib.parse import urlencode

from flask import Flask, request
from flask_babel import format_date, format_datetime, get_locale

from charity.audit.cases import audit_detail, journal_memo, sees_case
from charity.auth.permissions import Permission, can
from charity.labels import label
from charity.main.cards import card_labels
from charity.pairing.messages import render


def fen(amount: int | None) -> str:
    """Integer fen shown as yuan with two decimals, e.g. 123456 -> '¥1,234.56'."""
    if amount is None:
        return ""
    sign = "-" if amount < 0 else ""
    yuan, cents = divmod(abs(int(amount)), 100)
    return f"{sign}¥{yuan:,}.{cents:02d}"


def local_datetime(value: datetime | None) -> str:
    """A UTC time shown to the minute in the user's time zone (Asia/Shanghai)."""
    return format_datetime(value, "yyyy-MM-dd HH:mm") if value else ""


def local_date(value: date | None) -> str:
    """A date as yyyy-MM-dd, or nothing for None."""
    return format_date(value, "yyyy-MM-dd") if value else ""


def url_with(**changes) -> str:
    """The current URL with some query arguments changed (for pagination and filters)."""
    args = request.args.to_dict()
    args.update({k: v for k, v in changes.items() if v is not None})
    return request.path + "?" + urlencode(args)


def register(app: Flask) -> None:
    """Give every template the filters above, `can(Permission.X)`, what a pseudonymised
    viewer may read of a case (`sees_case`, `audit_detail`, `journal_memo`) and the
    languages."""
    app.jinja_env.filters.update(fen=fen, local_datetime=local_datetime, local_date=local_date,
                                 label=label, message=render,
                                 card_labels=card_labels)
    app.jinja_env.globals.update(url_with=url_with, can=can, Permission=Permission,
                                 sees_case=sees_case, audit_detail=audit_detail,
                                 journal_memo=journal_memo)

    @app.context_processor
    def languages():
        return {"languages": app.config["LANGUAGES"], "current_locale": str(get_locale())}
