"""Visit screens for helpers: a cadre's or volunteer's tasks and the visit log, phone first.
Helpers see only what a visit needs: name, community, masked ID and needs; never income."""

from flask import Blueprint, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user

from charity.auth.access import scoped_or_404
from charity.auth.permissions import Permission, can, requires
from charity.extensions import db
from charity.registry import operations as registry_operations
from charity.timeutil import local_today
from charity.transaction import commit_alone, unit_of_work
from charity.visits import operations, queries
from charity.visits.forms import VisitForm
from charity.visits.models import VisitTask

bp = Blueprint("visits", __name__, url_prefix="/visits")


@bp.get("/")
@requires(Permission.HELP_PEOPLE, Permission.VIEW_REGISTRY)
def index():
    """Helpers see their own tasks; staff see the campaigns."""
    if can(Permission.VIEW_REGISTRY):
        return redirect(url_for("visits_campaigns.campaigns"))
    tasks = db.session.scalars(queries.my_tasks(current_user.id)).unique().all()
    return render_template("visits/my_tasks.html", tasks=tasks)


def _my_task_or_404(task_id):
    return scoped_or_404(queries.my_task(task_id, current_user.id), VisitTask, task_id)


def _render_task(task, form, status=200):
    commit_alone(registry_operations.health_viewed, task.person, current_user, "visits.task")
    return render_template("visits/task.html", task=task, person=task.person, form=form,
                           today=local_today()), status


@bp.get("/tasks/<int:task_id>")
@requires(Permission.HELP_PEOPLE)
def task(task_id):
    """One of the helper's visit tasks: whom to visit, their needs, and the visit log form."""
    task = _my_task_or_404(task_id)
    return _render_task(task, VisitForm(formdata=None, visited_on=local_today()))


@bp.post("/tasks/<int:task_id>")
@requires(Permission.HELP_PEOPLE)
def log_visit(task_id):
    """Log the visit: one operation, one commit, back to the task list."""
    form = VisitForm()
    task = _my_task_or_404(task_id)
    if form.validate_on_submit():
        with unit_of_work(errors=form.form_errors) as work:
            operations.log_visit(task, form.visited_on.data, form.notes.data,
                                 form.needs.data or [], local_today(), user=current_user)
        if work.ok:
            flash(_("Visit logged. Thank you."), "success")
            return redirect(url_for(".index"))
    return _render_task(task, form, 400)
