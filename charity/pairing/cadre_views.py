"""The cadre roster: the list, one cadre's page, add and edit, leaving, transfer and rank
change (with what they did to the pairings), the department roster's import (dry run, then a
job), its template, and account links. A department liaison sees and changes only their own
department's cadres; another department's cadre is 404 to them. The invite link's own page
(`invite_bp`) is public: the link is the key."""

from io import BytesIO

from flask import Blueprint, abort, flash, redirect, render_template, request, send_file, url_for
from flask_babel import gettext as _
from flask_login import current_user
from flask_security import login_user
from sqlalchemy import or_, select
from sqlalchemy.orm import joinedload

from charity.auth.access import scoped_or_404
from charity.auth.passwords import WeakPassword
from charity.auth.permissions import Permission, can, guard, refuse
from charity.district.models import Community, Department, DepartmentGroup, Street
from charity.extensions import db
from charity.jobs import operations as jobs
from charity.jobs.models import Job
from charity.jobs.pages import shown
from charity.main.input_guard import page_arg
from charity.main.limits import as_id
from charity.pairing import cadre_forms as forms
from charity.pairing import cadre_roster, cadres, invites, tasks
from charity.pairing.models import Cadre
from charity.registry import uploads
from charity.registry.import_pages import confirmed_upload, dry_run_page
from charity.transaction import unit_of_work

bp = Blueprint("cadres", __name__, url_prefix="/cadres")
bp.before_request(guard(Permission.MANAGE_CADRES))
invite_bp = Blueprint("cadre_invite", __name__)

#: The cadres a list page shows.
PER_PAGE = 50


def department_scope() -> int | None:
    """None for district staff; a liaison's department otherwise (403, logged, for a liaison
    whose account names no department)."""
    if can(Permission.MANAGE_ALL_CADRES):
        return None
    if current_user.department_id:
        return current_user.department_id
    refuse(needs=[str(Permission.MANAGE_ALL_CADRES)])


def _departments(scope: int | None) -> list[Department]:
    query = select(Department).join(DepartmentGroup).order_by(DepartmentGroup.number,
                                                              Department.position)
    if scope is not None:
        query = query.where(Department.id == scope)
    return db.session.scalars(query).all()


def _department_choices(scope: int | None, blank: str | None = None) -> list[tuple[str, str]]:
    options = [(str(d.id), d.name) for d in _departments(scope)]
    return ([("", blank)] if blank is not None else []) + options


def _community_choices() -> list[tuple[str, str]]:
    rows = db.session.execute(select(Community.id, Community.name, Street.name)
                              .join(Street).order_by(Street.position, Community.name)).all()
    return [("", _("Outside the district"))] + [(str(i), f"{s} · {c}") for i, c, s in rows]


def _cadre_or_404(cadre_id: int) -> Cadre:
    query = select(Cadre).where(Cadre.id == cadre_id)
    scope = department_scope()
    if scope is not None:
        query = query.where(Cadre.department_id == scope)
    return scoped_or_404(query, Cadre, cadre_id)


def _in_scope(department_id: int | None, scope: int | None) -> Department | None:
    """The chosen department, if the user may put a cadre in it."""
    department = db.session.get(Department, department_id) if department_id else None
    if department is None or (scope is not None and department.id != scope):
        return None
    return department


@bp.get("/")
def index():
    """Cadres by name or staff number, department, street, rank and state; phones masked."""
    scope = department_scope()
    form = forms.CadreFilterForm(request.args)
    form.department.choices = _department_choices(scope, _("All departments"))
    form.street.choices = [("", _("All streets"))] + [
        (str(s.id), s.name) for s in db.session.scalars(
            select(Street).where(Street.kind == "street").order_by(Street.position))]
    query = (select(Cadre).join(Department).join(DepartmentGroup)
             .options(joinedload(Cadre.department).joinedload(Department.group)
                      .joinedload(DepartmentGroup.street))
             .order_by(DepartmentGroup.number, Department.position, Cadre.id))
    if scope is not None:
        query = query.where(Cadre.department_id == scope)
    if department := as_id(form.department.data):
        query = query.where(Cadre.department_id == department)
    if street := as_id(form.street.data):
        query = query.where(DepartmentGroup.street_id == street)
    if form.rank.data in dict(form.rank.choices) and form.rank.data:
        query = query.where(Cadre.rank == form.rank.data)
    if form.state.data == "serving":
        query = query.where(Cadre.left_on.is_(None))
    elif form.state.data == "left":
        query = query.where(Cadre.left_on.is_not(None))
    text = (form.q.data or "").strip()[:40]
    if text:
        query = query.where(or_(Cadre.name.contains(text), Cadre.staff_number == text))
    page = db.paginate(query, page=page_arg(), per_page=PER_PAGE, error_out=False)
    return render_template("cadres/list.html", form=form, page=page)


def _fill(form, scope):
    form.home_community.choices = _community_choices()
    if hasattr(form, "department"):
        form.department.choices = _department_choices(scope)
    return form


def _details(form) -> dict:
    return {"name": form.name.data.strip(),
            "home_community_id": as_id(form.home_community.data),
            "skills": sorted(set(form.skills.data or [])),
            "staff_number": (form.staff_number.data or "").strip() or None}


@bp.route("/new", methods=["GET", "POST"])
def new():
    """Add one cadre by form."""
    scope = department_scope()
    form = _fill(forms.NewCadreForm(), scope)
    if form.validate_on_submit():
        department = _in_scope(as_id(form.department.data), scope)
        if department is None:
            form.department.errors.append(_("Choose one of the departments listed."))
        else:
            with unit_of_work(form.phone.errors) as work:
                cadre = cadres.create(department.id, form.rank.data, form.phone.data,
                                      **_details(form))
            if work.ok:
                flash(_("Cadre added."), "success")
                return redirect(url_for(".cadre", cadre_id=cadre.id))
    status = 400 if request.method == "POST" else 200
    return render_template("cadres/form.html", form=form, cadre=None), status


@bp.route("/<int:cadre_id>/edit", methods=["GET", "POST"])
def edit(cadre_id):
    """Change a cadre's name, phone, home community, staff number and skills."""
    cadre = _cadre_or_404(cadre_id)
    form = _fill(forms.CadreDetailsForm(data={
        "name": cadre.name, "home_community": str(cadre.home_community_id or ""),
        "staff_number": cadre.staff_number or "", "skills": cadre.skills}), None)
    if form.validate_on_submit():
        with unit_of_work(form.phone.errors) as work:
            cadres.update(cadre, phone=form.phone.data or None, **_details(form))
        if work.ok:
            flash(_("Cadre saved."), "success")
            return redirect(url_for(".cadre", cadre_id=cadre_id))
    status = 400 if request.method == "POST" else 200
    return render_template("cadres/form.html", form=form, cadre=cadre), status


def _page(cadre: Cadre, status: int = 200, link: str | None = None, **given):
    scope = department_scope()
    transfer = given.get("transfer") or forms.TransferForm(formdata=None)
    transfer.department.choices = [
        (value, name) for value, name in _department_choices(scope)
        if value != str(cadre.department_id)]
    return render_template(
        "cadres/cadre.html", cadre=cadre, link=link, pairings=cadres.live_pairings(cadre),
        leave=given.get("leave") or forms.LeaveForm(formdata=None), transfer=transfer,
        rank=given.get("rank") or forms.RankForm(formdata=None, rank=cadre.rank),
        invite=forms.InviteForm(formdata=None)), status


@bp.get("/<int:cadre_id>")
def cadre(cadre_id):
    """One cadre: details (phone masked), live pairings, and the changes staff can make."""
    return _page(_cadre_or_404(cadre_id))


def outcome_message(what: str, outcome: cadres.Outcome) -> str:
    """What a change did, in words: how many pairings ended and what became of their people."""
    if not outcome.ended:
        return _("%(what)s No pairing had to end.", what=what)
    return _("%(what)s %(ended)s pairings ended: %(rematched)s people found a new cadre, "
             "%(unmatched)s are without one for now (on their street's queue of people "
             "waiting for a helper).",
             what=what, ended=outcome.ended, rematched=outcome.rematched,
             unmatched=outcome.unmatched)


def _change(cadre_id: int, form, change, done: str, name: str):
    """Run one change of a cadre's page (leave, transfer, rank) and say what it did."""
    cadre = _cadre_or_404(cadre_id)
    if form.validate_on_submit():
        with unit_of_work() as work:
            outcome = change(cadre, form)
        if work.ok:
            flash(outcome_message(done, outcome), "success")
            return redirect(url_for(".cadre", cadre_id=cadre_id))
        return _page(cadre, 400, **{name: form})
    return _page(cadre, 400, **{name: form})


@bp.post("/<int:cadre_id>/leave")
def leave(cadre_id):
    """The cadre leaves: their pairings end and their people are re-matched."""
    return _change(cadre_id, forms.LeaveForm(), lambda c, f: cadres.leave(
        c, f.left_on.data, f.reason.data), _("Leaving recorded."), "leave")


@bp.post("/<int:cadre_id>/transfer")
def transfer(cadre_id):
    """Move the cadre to another department (a liaison cannot: it is outside their own)."""
    if not can(Permission.MANAGE_ALL_CADRES):
        refuse(needs=[str(Permission.MANAGE_ALL_CADRES)])
    form = forms.TransferForm()
    form.department.choices = _department_choices(None)

    def move(cadre, f):
        department = _in_scope(as_id(f.department.data), None)
        if department is None:
            raise cadres.CadreError(_("Choose one of the departments listed."))
        return cadres.transfer(cadre, department)

    return _change(cadre_id, form, move, _("Transfer recorded."), "transfer")


@bp.post("/<int:cadre_id>/rank")
def rank(cadre_id):
    """Change the cadre's rank; pairings beyond the new quota end and are re-matched."""
    return _change(cadre_id, forms.RankForm(), lambda c, f: cadres.change_rank(c, f.rank.data),
                   _("Rank changed."), "rank")


@bp.post("/<int:cadre_id>/invite")
def invite(cadre_id):
    """Make an account link for the cadre, shown once on the answer (never stored)."""
    cadre = _cadre_or_404(cadre_id)
    if not forms.InviteForm().validate_on_submit():
        abort(400)
    with unit_of_work() as work:
        token = invites.issue(cadre)
    if not work.ok:
        return _page(cadre, 400)
    link = url_for("cadre_invite.open_link", token=token, _external=True)
    return _page(cadre, link=link)


@bp.route("/import", methods=["GET", "POST"])
def import_roster():
    """Upload a department's cadre roster: the dry run lists every bad row, writes nothing."""
    scope = department_scope()
    return dry_run_page("cadres/import.html",
                        lambda content: cadre_roster.dry_run(content, scope))


@bp.post("/import/confirm")
def confirm_import():
    """Import a file whose dry run was clean, as a job that checks it again first."""
    scope = department_scope()
    token, content = confirmed_upload(".import_roster")
    upload = uploads.keep(content, current_user.id)  # for the job, which checks it again
    job, started = jobs.start("cadre_import", tasks.import_key(token), user=current_user,
                              params={"upload": upload, "department": scope})
    return shown(job, started)


@bp.get("/import/<int:job_id>")
def imported(job_id):
    """What an import did: cadres added, changed, unchanged; pairings ended and re-matched."""
    job = db.session.get(Job, job_id)
    if job is None or job.kind != "cadre_import" or job.state != "succeeded" or not (
            can(Permission.MANAGE_ALL_CADRES) or job.started_by_id == current_user.id):
        abort(404)
    return render_template("cadres/imported.html", counts=job.params.get("counts", {}))


@bp.get("/import/template.xlsx")
def template():
    """An empty roster with the columns, and a sheet of ranks, skills and departments."""
    return send_file(BytesIO(cadre_roster.template()), as_attachment=True,
                     download_name="cadre-roster-template.xlsx",
                     mimetype="application/vnd.openxmlformats-officedocument"
                              ".spreadsheetml.sheet", max_age=0)


@invite_bp.route("/invite/<token>", methods=["GET", "POST"])
def open_link(token):
    """A cadre's account link: set a password and sign in; a used, revoked or expired link
    says so."""
    with unit_of_work(False) as work:
        invite = invites.find(token[:400])
    if not work.ok:
        return render_template("cadres/invite.html", error=str(work.error), form=None), 410
    form = forms.SetPasswordForm()
    needs_email = invite.cadre.user_id is None
    if form.validate_on_submit():
        if needs_email and not form.email.data:
            form.email.errors.append(_("Give the e-mail address you will sign in with."))
        else:
            with unit_of_work({WeakPassword: form.password.errors,
                               invites.InviteError: form.email.errors}) as work:
                user = invites.redeem(token, form.email.data or "", form.password.data)
            if work.ok:
                with unit_of_work():
                    login_user(user)
                flash(_("Your password is set; you are signed in."), "success")
                return redirect(url_for("my_pairings.pairings"))
    status = 400 if request.method == "POST" else 200
    return render_template("cadres/invite.html", error=None, form=form, cadre=invite.cadre,
                           needs_email=needs_email), status
