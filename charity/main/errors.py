"""Error pages in the user's language, and logs without personal data. An error page says
only what went wrong, in general terms: never the exception, a value or a record."""

from flask import Flask, jsonify, render_template, request
from flask_babel import gettext as _
from werkzeug.exceptions import SecurityError

from charity.main import scrub


def wants_json() -> bool:
    """A client that sent JSON or prefers it over HTML gets its errors as JSON."""
    accepted = request.accept_mimetypes
    prefers = accepted.best_match(["text/html", "application/json"]) == "application/json"
    return request.is_json or (prefers and accepted["application/json"] > accepted["text/html"])


def register(app: Flask) -> None:
    """Answer each HTTP error the app raises with the error page and its status code, and
    scrub personal data from what the app logs (an unhandled error's traceback among it)."""
    scrub.install(app)
    messages = {
        400: lambda: _("The request could not be understood."),
        403: lambda: _("You do not have permission to see this page."),
        404: lambda: _("This page does not exist, or you cannot see it."),
        405: lambda: _("This address is not opened that way: use the page's buttons and "
                       "links (to sign out, the button in the menu)."),
        410: lambda: _("This file was removed: exports hold personal data and are kept "
                       "%(days)s days. Please export again.",
                       days=app.config["EXPORT_KEEP_DAYS"]),
        413: lambda: _("The file is too large: at most %(mb)s MB.",
                       mb=max(1, (app.config["MAX_CONTENT_LENGTH"] or 0) // 2 ** 20)),
        429: lambda: _("Too many requests. Please wait a moment and try again."),
        500: lambda: _("Something went wrong on our side. Nothing was changed."),
    }

    def handler(error):
        if isinstance(error, SecurityError):  # a Host not trusted: no page has links to it
            return "请求无法处理。Bad request.", 400, {"Content-Type": "text/plain; charset=utf-8"}
        code = getattr(error, "code", 500) or 500
        message = getattr(error, "user_message", None) or messages.get(code, messages[500])()
        # A 405 names the methods the address takes, as HTTP asks.
        allow = {"Allow": ", ".join(error.valid_methods)} \
            if getattr(error, "valid_methods", None) else {}
        if wants_json():
            return jsonify(error=message), code, allow
        return render_template("errors/error.html", code=code, message=message), code, allow

    for code in messages:
        app.register_error_handler(code, handler)
