"""Language and time zone: Simplified Chinese first, English on a switch."""

from flask import current_app, has_request_context, request, session


def select_locale() -> str:
    """`?lang=`, else the session's choice, else Chinese (also outside a request: the CLI); the
    API by Accept-Language."""
    if not has_request_context():
        return current_app.config["BABEL_DEFAULT_LOCALE"]
    languages = current_app.config["LANGUAGES"]
    if request.path.startswith("/api/"):
        return api_locale()
    chosen = request.args.get("lang") or session.get("lang")
    if chosen in languages:
        return chosen
    return current_app.config["BABEL_DEFAULT_LOCALE"]


def select_timezone() -> str:
    """The configured zone (Asia/Shanghai) for everyone: times are stored in UTC, shown there."""
    return current_app.config["BABEL_DEFAULT_TIMEZONE"]


def api_locale() -> str:
    """The API answers in the caller's Accept-Language: Chinese for zh, else English."""
    best = request.accept_languages.best_match(["zh", "en"], default="en")
    return "zh_Hans_CN" if best == "zh" else "en"
