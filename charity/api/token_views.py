"""The admin's API token pages: issue (the secret shown once), list, revoke."""

from flask import Blueprint, abort, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import select

from charity.api import tokens
from charity.api.forms import IssueTokenForm
from charity.api.models import ApiToken
from charity.auth.permissions import Permission, guard
from charity.extensions import db
from charity.timeutil import local_today
from charity.transaction import unit_of_work

bp = Blueprint("api_tokens", __name__, url_prefix="/admin/api-tokens")
bp.before_request(guard(Permission.MANAGE_API_TOKENS))


def _page(form: IssueTokenForm, secret: str | None = None, status: int = 200):
    listed = db.session.scalars(select(ApiToken).order_by(ApiToken.id.desc())).all()
    return render_template("api/tokens.html", form=form, tokens=listed, secret=secret,
                           today=local_today()), status


@bp.get("/")
def index():
    """Every token issued: holder, scopes, expiry, last use, revoked or not; the form."""
    return _page(IssueTokenForm())


@bp.post("/")
def issue():
    """Issue a token; its secret is shown on this answer only and never again."""
    form = IssueTokenForm()
    if form.validate_on_submit():
        with unit_of_work(errors=form.holder.errors) as work:
            _token, secret = tokens.issue(form.holder.data, form.scopes.data,
                                          form.expires_on.data, local_today(),
                                          user=current_user)
        if work.ok:
            return _page(IssueTokenForm(formdata=None), secret=secret)
    return _page(form, status=400)


@bp.post("/<int:token_id>/revoke")
def revoke(token_id):
    """Revoke a token: every call with it answers 401 from now on."""
    token = db.session.get(ApiToken, token_id) or abort(404)
    with unit_of_work() as work:
        tokens.revoke(token, user=current_user)
    if work.ok:
        flash(_("Token revoked."), "success")
    return redirect(url_for(".index"))
