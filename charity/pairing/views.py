"""Staff and street officers: run the optimiser, preview, publish, lock and forbid pairs."""

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from charity.auth.access import note_out_of_scope, scoped_or_404, street_scope
from charity.auth.permissions import Permission, requires
from charity.casework import queries as casework_queries
from charity.casework import snapshot
from charity.district import queries as district_queries
from charity.district.models import Street
from charity.extensions import db
from charity.jobs import operations as jobs
from charity.jobs.pages import shown
from charity.main.input_guard import id_arg, page_arg
from charity.pairing import messages, operations, queries, tasks
from charity.pairing.forms import ConfirmForm, ReasonForm, RunForm
from charity.pairing.models import PUBLISHABLE, MatchRun, Pairing
from charity.timeutil import local_today
from charity.transaction import unit_of_work

bp = Blueprint("pairing", __name__, url_prefix="/pairing")
CHANGES_SHOWN = 50  #: new and ended pairs each, on a preview
UNMATCHED_SHOWN = 100  #: people without a cadre, on a preview


def _run_form(scope):
    form = RunForm()
    streets = db.session.scalars(district_queries.streets()).all()
    form.street.choices = ([] if scope else [("", _("Whole district"))]) + [
        (str(s.id), s.name) for s in streets if scope is None or s.id == scope]
    return form


@bp.get("/")
@requires(Permission.VIEW_PAIRING)
def overview():
    """Pairing coverage per street, the optimiser's runs, and the form that starts one."""
    scope = street_scope()
    names = casework_queries.street_names(scope)
    helpers = {sid: (cadre, volunteer) for sid, cadre, volunteer
               in db.session.execute(queries.helpers_by_street())}
    coverage = snapshot.pairing_coverage(local_today(), names)
    rows = [(name, *coverage[sid], *helpers.get(sid, (0, 0))) for sid, name in names.items()]
    return render_template("pairing/overview.html", rows=rows, form=_run_form(scope),
                           runs=db.session.execute(queries.runs(scope)).all(),
                           proof_short=messages.proof_word,
                           gap_snapshot=snapshot.current(local_today()))


@bp.post("/runs")
@requires(Permission.RUN_PAIRING)
def run():
    """Start a job that solves the district (or the officer's street); its page shows the
    progress and leads to the preview. A second start while one runs shows the first."""
    scope = street_scope()
    form = _run_form(scope)
    if not form.validate_on_submit():
        abort(400)
    street = db.session.get(Street, int(form.street.data)) if form.street.data else None
    if scope is not None and (street is None or street.id != scope):
        note_out_of_scope(Street, street and street.id)
        abort(404)
    job, started = jobs.start("pairing_run", tasks.key(street and street.id), user=current_user,
                              street_id=street and street.id)
    return shown(job, started)


def _run_or_404(run_id):
    match_run = db.session.get(MatchRun, run_id)
    scope = street_scope()
    if match_run is None or (scope is not None and match_run.street_id != scope):
        note_out_of_scope(MatchRun, run_id)
        abort(404)
    return match_run


def _named(summary) -> tuple[dict, dict]:
    """The people and helpers the preview's lists name (the changes shown, the unmatched
    shown), by id: people as the roster list shows them, helpers by name."""
    changes = summary.get("added", [])[:CHANGES_SHOWN] + summary.get("removed", [])[:CHANGES_SHOWN]
    unmatched = summary.get("unmatched", [])[:UNMATCHED_SHOWN]
    people = queries.shown_people([person for *_, person in changes]
                                  + [person for person, _reason in unmatched])
    return people, queries.shown_helpers([(kind, helper) for kind, helper, _ in changes])


@bp.get("/runs/<int:run_id>")
@requires(Permission.VIEW_PAIRING)
def preview(run_id):
    """A run's preview: what it proves, for the stated priority order of the layers; coverage,
    the pairs it adds, keeps and ends, and who is unmatched."""
    match_run = _run_or_404(run_id)
    people, helpers = _named(match_run.summary or {})
    return render_template("pairing/preview.html", run=match_run, form=ConfirmForm(),
                           people=people, helpers=helpers,
                           proof=messages.proof, gap=messages.gap,
                           status_words=messages.status_words,
                           objective_words=messages.objective_words,
                           layer_names=messages.LAYER_NAMES,
                           priority_order=messages.PRIORITY_ORDER,
                           household_order=messages.HOUSEHOLD_ORDER,
                           household_proof=messages.HOUSEHOLD_PROOF,
                           cost_parts=messages.COST_PARTS, publishable=PUBLISHABLE,
                           read_before_a_change=operations.READ_BEFORE_A_CHANGE)


@bp.post("/runs/<int:run_id>/publish")
@requires(Permission.RUN_PAIRING)
def publish(run_id):
    """Publish a preview: its new pairs are proposed to their helpers, ended pairs end."""
    if not ConfirmForm().validate_on_submit():
        abort(400)
    match_run = _run_or_404(run_id)
    with unit_of_work() as work:
        counts = operations.publish(match_run, user=current_user)
    if not work.ok:
        return redirect(url_for(".preview", run_id=run_id))
    flash(_("Published: %(added)s new pairs proposed, %(ended)s ended, %(kept)s kept.",
            **counts), "success")
    return redirect(url_for(".pairings"))


@bp.get("/pairings")
@requires(Permission.VIEW_PAIRING)
def pairings():
    """The live pairings of the user's streets, with lock and forbid for those who run pairing."""
    scope = street_scope()
    street = id_arg("street")
    page = db.paginate(queries.live(scope, street), page=page_arg(), per_page=50, error_out=False)
    return render_template("pairing/pairings.html", page=page, form=ReasonForm(),
                           streets=db.session.scalars(district_queries.streets()).all(),
                           scope=scope)


def _pairing_or_404(pairing_id):
    return scoped_or_404(queries.pairing(pairing_id, street_scope()), Pairing, pairing_id)


@bp.post("/pairings/<int:pairing_id>/lock")
@requires(Permission.RUN_PAIRING)
def lock(pairing_id):
    """Lock a pair so that the optimiser keeps it, or unlock it."""
    pairing = _pairing_or_404(pairing_id)
    with unit_of_work() as work:
        operations.set_locked(pairing, not pairing.locked, user=current_user)
    if not work.ok:
        return redirect(url_for(".pairings"))
    flash(_("Pair locked.") if pairing.locked else _("Pair unlocked."), "success")
    return redirect(request.referrer or url_for(".pairings"))


@bp.post("/pairings/<int:pairing_id>/forbid")
@requires(Permission.RUN_PAIRING)
def forbid(pairing_id):
    """End a pair and never propose it again (a conflict of interest, say), with a reason."""
    form = ReasonForm()
    pairing = _pairing_or_404(pairing_id)
    if not form.validate_on_submit():
        flash(_("Please give a reason."), "error")
        return redirect(url_for(".pairings"))
    with unit_of_work() as work:
        operations.forbid(pairing, form.reason.data, user=current_user)
    if not work.ok:
        return redirect(url_for(".pairings"))
    flash(_("The pair is ended and will never be proposed again."), "success")
    return redirect(request.referrer or url_for(".pairings"))


@bp.post("/export.<fmt>")
@requires(Permission.VIEW_PAIRING)
def export(fmt):
    """Start a job that writes the pairing roster (the officer's street, or the district) as
    .xlsx or .csv; its page leads to the download. A second start shows the first."""
    if fmt not in ("xlsx", "csv"):
        abort(404)
    scope = street_scope()
    job, started = jobs.start("pairing_export", tasks.export_key(scope, fmt), user=current_user,
                              street_id=scope, params={"ext": fmt})
    return shown(job, started)


@bp.get("/unmatched")
@requires(Permission.RUN_PAIRING)
def unmatched():
    """The street's queue: people a decline left without a helper, with the re-match's
    reason and the day; an entry leaves the queue by itself once they are paired again."""
    page = db.paginate(queries.unmatched(street_scope()), page=page_arg(), per_page=50,
                       error_out=False)
    return render_template("pairing/unmatched.html", page=page)
