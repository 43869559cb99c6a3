"""Home page and language switch."""

from urllib.parse import urlsplit

from flask import Blueprint, current_app, redirect, render_template, request, session, url_for
from flask_login import current_user

bp = Blueprint("main", __name__)


@bp.get("/")
def index():
    """The home page: what the platform is, and the way in for the signed-in user's roles."""
    return render_template("main/index.html", user=current_user)


def local_target(target: str | None) -> str | None:
    """A path on this site to go back to, or None: anything pointing elsewhere (another host,
    a scheme, '//', backslashes or control characters that browsers strip) is refused."""
    if not target or "\\" in target or any(ord(c) < 32 or ord(c) == 127 for c in target):
        return None
    parts = urlsplit(target)
    if parts.scheme or parts.netloc:
        if parts.scheme not in ("http", "https") or parts.netloc != request.host:
            return None
    elif not target.startswith("/") or target.startswith("//"):
        return None
    path = parts.path or "/"
    if path.startswith("//"):
        return None
    return path + (f"?{parts.query}" if parts.query else "")


@bp.get("/lang/<code>")
def set_language(code):
    """Switch the interface language and go back where the user was."""
    if code in current_app.config["LANGUAGES"]:
        session["lang"] = code
    target = local_target(request.args.get("next")) or local_target(request.referrer)
    return redirect(target or url_for(".index"))
