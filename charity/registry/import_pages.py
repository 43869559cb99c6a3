"""What every import's pages share (street rosters, cadre rosters): the upload page that shows
the dry run and keeps a clean file for its confirmation, and the confirmation that takes the
kept file back."""

from collections.abc import Callable

from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from charity.registry import uploads
from charity.registry.forms import ConfirmImportForm, ImportForm
from charity.registry.roster import DryRun


def dry_run_page(template: str, check: Callable[[bytes], DryRun]):
    """The upload form; once a file is sent, its dry run (`check`), and for a clean one the
    confirmation's token. Writes nothing but the kept (encrypted) file."""
    form = ImportForm()
    if not form.validate_on_submit():
        status = 400 if request.method == "POST" else 200
        return render_template(template, form=form, result=None), status
    content = form.file.data.read()
    result = check(content)
    token = None if result.errors else uploads.keep(content, current_user.id)
    return render_template(template, form=form, result=result, token=token,
                           confirm=ConfirmImportForm(formdata=None, token=token)), (
        400 if result.refused else 200)


def confirmed_upload(upload_endpoint: str) -> tuple[str, bytes]:
    """(token, content) of the file a confirmation names, taken from where it was kept; 400
    for a bad form; back to `upload_endpoint`, with a message, if it expired."""
    form = ConfirmImportForm()
    if not form.validate_on_submit():
        abort(400)
    content = uploads.take(form.token.data, current_user.id)
    if content is None:
        flash(_("That upload has expired. Please upload the file again."), "error")
        abort(redirect(url_for(upload_endpoint)))
    return form.token.data, content
