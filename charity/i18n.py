"""Language and time zone: Simplified Chinese first, English on a switch."""

from flask import current_app, request, session


def select_locale() -> str:
    """The session's choice, else `?lang=`, else Chinese."""
    languages = current_app.config["LANGUAGES"]
    chosen = request.args.get("lang") or session.get("lang")
    if chosen in languages:
        return chosen
    return current_app.config["BABEL_DEFAULT_LOCALE"]


def select_timezone() -> str:
    return current_app.config["BABEL_DEFAULT_TIMEZONE"]
