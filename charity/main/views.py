"""Home page and language switch."""

from flask import Blueprint, current_app, redirect, render_template, request, session, url_for
from flask_login import current_user

bp = Blueprint("main", __name__)


@bp.get("/")
def index():
    return render_template("main/index.html", user=current_user)


@bp.get("/lang/<code>")
def set_language(code):
    """Switch the interface language and go back where the user was."""
    if code in current_app.config["LANGUAGES"]:
        session["lang"] = code
    target = request.args.get("next") or request.referrer or url_for(".index")
    if not target.startswith("/") or target.startswith("//"):
        from urllib.parse import urlsplit

        parts = urlsplit(target)
        target = parts.path + (f"?{parts.query}" if parts.query else "") \
            if parts.netloc == request.host else url_for(".index")
    return redirect(target)
