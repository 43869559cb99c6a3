"""Language and time zone: Simplified Chinese first, English on a switch."""

from flask import current_app, has_request_context, request, session


def select_locale() -> str:
    """`?lang=`, else the session's choice, else Chinese (also outside a request: the CLI)."""
    if not has_request_context():
        return current_app.config["BABEL_DEFAULT_LOCALE"]
    languages = current_app.config["LANGUAGES"]
    chosen = request.args.get("lang") or session.get("lang")
    if chosen in languages:
        return chosen
    return current_app.config["BABEL_DEFAULT_LOCALE"]


def select_timezone() -> str:
    """The configured zone (Asia/Shanghai) for everyone: times are stored in UTC, shown there."""
    return current_app.config["BABEL_DEFAULT_TIMEZONE"]
