"""Home page and language switch."""

from urllib.parse import urlsplit

from flask import Blueprint, current_app, redirect, render_template, request, session, url_for
from flask_login import current_user

from charity.auth.permissions import Permission, can
from charity.main import todo

bp = Blueprint("main", __name__)


@bp.get("/")
def index():
    """The home page: what the platform is, and for a signed-in user their own work first:
    what waits for them, counted from the records, each line leading to where it is done."""
    sections = todo.sections(current_user) if current_user.is_authenticated else []
    return render_template("main/index.html", user=current_user, sections=sections)


@bp.app_context_processor
def _waiting_for_me():
    """The menu's count of what waits for the approver, read only where a page asks for it."""

    def waiting_for_me() -> int:
        return todo.waiting_for_me(current_user) if can(Permission.APPROVE) else 0

    return {"waiting_for_me": waiting_for_me}


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
