"""Visit screens for helpers: a cadre's or volunteer's tasks and the visit log, phone first.
Helpers see only what a visit needs: name, community, masked ID and needs; never income."""

from flask import Blueprint, abort, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user
from flask_security import auth_required, roles_accepted

from charity.auth.roles import REGISTRY_ROLES
from charity.extensions import db
from charity.timeutil import local_today
from charity.visits import operations, queries
from charity.visits.forms import VisitForm

bp = Blueprint("visits", __name__, url_prefix="/visits")

HELPER_ROLES = ("cadre", "volunteer")


@bp.before_request
@auth_required()
def require_login():
    """Every visit page needs an account; each view names the roles it accepts."""


@bp.get("/")
@roles_accepted(*HELPER_ROLES, *REGISTRY_ROLES)
def index():
    """Helpers see their own tasks; staff see the campaigns."""
    if current_user.has_any_role(*REGISTRY_ROLES):
        return redirect(url_for(".campaigns"))
    tasks = db.session.scalars(queries.my_tasks(current_user.id)).unique().all()
    return render_template("visits/my_tasks.html", tasks=tasks)


def _my_task_or_404(task_id):
    task = db.session.scalar(queries.my_task(task_id, current_user.id))
    if task is None:
        abort(404)
    return task


def _render_task(task, form, status=200):
    return render_template("visits/task.html", task=task, person=task.person, form=form,
                           today=local_today()), status


@bp.get("/tasks/<int:task_id>")
@roles_accepted(*HELPER_ROLES)
def task(task_id):
    task = _my_task_or_404(task_id)
    return _render_task(task, VisitForm(formdata=None, visited_on=local_today()))


@bp.post("/tasks/<int:task_id>")
@roles_accepted(*HELPER_ROLES)
def log_visit(task_id):
    """Log the visit: one operation, one commit, back to the task list."""
    task = _my_task_or_404(task_id)
    form = VisitForm()
    if form.validate_on_submit():
        try:
            operations.log_visit(task, form.visited_on.data, form.notes.data,
                                 form.needs.data or [], local_today(), user=current_user)
        except operations.VisitError as error:
            db.session.rollback()
            form.form_errors.append(str(error))
        else:
            db.session.commit()
            flash(_("Visit logged. Thank you."), "success")
            return redirect(url_for(".index"))
    return _render_task(task, form, 400)
