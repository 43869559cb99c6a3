"""Budget appropriations: fund staff record one (the maker), an approver posts it (the checker,
never the maker). The list shows which wait and which are in the ledger."""

from flask import Blueprint, abort, redirect, render_template, request, url_for
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from flask_wtf import FlaskForm
from wtforms import SelectField, StringField
from wtforms.validators import DataRequired, Length

from charity.auth.permissions import Permission, can, requires
from charity.extensions import db
from charity.fund import budget
from charity.fund.models import BudgetAppropriation
from charity.fund.views_helpers import MEASURE_NAMES
from charity.main.limits import PastDateField, YuanField
from charity.transaction import unit_of_work

bp = Blueprint("budget", __name__, url_prefix="/fund/budget")


class AppropriationForm(FlaskForm):
    """A budget document's appropriation to the fund."""

    document = StringField(_l("Budget document number"), validators=[
        DataRequired(), Length(max=budget.DOCUMENT_MAX)])
    issued_on = PastDateField(_l("Date of the document"), validators=[DataRequired()])
    amount = YuanField(_l("Amount (yuan)"), validators=[DataRequired()],
                       maximum=budget.MAX_APPROPRIATION_FEN)
    measure = SelectField(_l("For measure"), validate_choice=True)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.measure.choices = [("", _l("Any measure (unrestricted)"))] + [
            (str(m), name) for m, name in MEASURE_NAMES.items()]

    def appropriation(self) -> budget.Appropriation:
        """What the form says."""
        return budget.Appropriation(self.document.data, self.issued_on.data, self.amount.fen,
                                    int(self.measure.data) if self.measure.data else None)


@bp.route("/", methods=["GET", "POST"])
@requires(Permission.VIEW_LEDGER)
def index():
    """The appropriations; fund staff record a new one here."""
    form = AppropriationForm()
    if request.method == "POST":
        if not can(Permission.RECORD_BUDGET):
            abort(403)
        if form.validate_on_submit():
            errors = []
            with unit_of_work(errors) as work:
                budget.record(form.appropriation(), user=current_user)
            if work.ok:
                return redirect(url_for(".index"))
            form.document.errors = errors
    status = 400 if request.method == "POST" else 200
    return render_template("fund/budget.html", form=form, measure_names=MEASURE_NAMES,
                           rows=db.session.scalars(budget.listing()).all()), status


@bp.post("/<int:appropriation_id>/approve")
@requires(Permission.APPROVE)
def approve(appropriation_id):
    """The checker approves an appropriation: it is posted to the ledger."""
    row = db.session.get(BudgetAppropriation, appropriation_id) or abort(404)
    errors = []
    with unit_of_work(errors) as work:
        budget.approve(row, user=current_user)
    if work.ok:
        return redirect(url_for(".index"))
    form = AppropriationForm(formdata=None)
    return render_template("fund/budget.html", form=form, measure_names=MEASURE_NAMES,
                           rows=db.session.scalars(budget.listing()).all(),
                           errors=errors), 400
