"""Songtan (送炭): the district's hardship-relief fund and pairing platform.

`create_app` reads like a table of contents: configuration, extensions, blueprints, error
handlers, commands. Nothing app-specific happens at import time.
"""

from flask import Flask

from charity.config import ROOT, Config, finish


def create_app(test_config: dict | None = None) -> Flask:
    """The application: `Config` (and the environment), then `test_config` on top."""
    app = Flask(
        __name__,
        instance_path=str(ROOT / "instance"),
        template_folder=str(ROOT / "templates"),
    )
    app.config.from_object(Config)
    if test_config:
        app.config.update(test_config)
    finish(app.config)
    trust_proxies(app)
    register_extensions(app)
    register_limits(app)
    register_blueprints(app)
    register_errorhandlers(app)
    register_headers(app)
    register_template_helpers(app)
    register_commands(app)
    register_jobs(app)
    return app


def trust_proxies(app: Flask) -> None:
    """Behind `TRUSTED_PROXIES` proxies, the client's address and scheme are the ones they
    forward (the per-address limits and the logs use them); with none, the connection's."""
    hops = app.config["TRUSTED_PROXIES"]
    if hops:
        from werkzeug.middleware.proxy_fix import ProxyFix

        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=hops, x_proto=hops)


def register_extensions(app: Flask) -> None:
    """Bind the database, migrations, Babel, CSRF, the limiter, mail and Flask-Security."""
    from charity.auth.logins import (
        CountedChangePasswordForm,
        CountedCodeForm,
        CountedLoginForm,
        CountedVerifyForm,
        count_attempts,
    )
    from charity.auth.sessions import end_sessions_at_logout
    from charity.auth.throttle import limit_logins
    from charity.auth.two_factor import RescueByAdministrator, require_second_factor
    from charity.extensions import babel, csrf, db, limiter, mail, migrate, security
    from charity.i18n import select_locale, select_timezone

    # Through the module that imports every model, so that Alembic sees the whole schema.
    from charity.models import auth

    db.init_app(app)
    from charity.database import configure_engine, watch_requests

    with app.app_context():
        configure_engine(db.engine)
    watch_requests(app)
    migrate.init_app(app, db, directory=str(ROOT / "migrations"), render_as_batch=True)
    babel.init_app(app, locale_selector=select_locale, timezone_selector=select_timezone)
    csrf.init_app(app)
    limiter.init_app(app)
    mail.init_app(app)
    from flask_security import SQLAlchemyUserDatastore

    security.init_app(app, SQLAlchemyUserDatastore(db, auth.User, auth.Role),
                      login_form=CountedLoginForm, two_factor_verify_code_form=CountedCodeForm,
                      verify_form=CountedVerifyForm,
                      change_password_form=CountedChangePasswordForm,
                      two_factor_rescue_form=RescueByAdministrator)
    limit_logins(app)
    count_attempts(app)
    require_second_factor(app)
    end_sessions_at_logout(app)


def register_limits(app: Flask) -> None:
    """Bounded ids in URLs, and no NUL character in any request."""
    from charity.main.input_guard import register

    register(app)


def register_blueprints(app: Flask) -> None:
    """Every blueprint, by name: the app's own, then the donations'."""
    from charity.api.setup import init_app as api
    from charity.api.token_views import bp as api_tokens
    from charity.audit.views import bp as audit
    from charity.casework.overview_views import bp as casework_overview
    from charity.casework.record_views import bp as casework_records
    from charity.casework.review_views import bp as casework_reviews
    from charity.casework.views import bp as casework
    from charity.contacts.report_views import bp as contacts
    from charity.contacts.views import bp as my_contacts
    from charity.dashboard.views import bp as dashboard
    from charity.disaster.views import bp as disaster
    from charity.disclosure.views import bp as disclosure
    from charity.district.views import bp as district
    from charity.fund.budget_views import bp as budget
    from charity.fund.views import bp as fund
    from charity.grievances.views import bp as grievances
    from charity.jobs.views import bp as jobs
    from charity.main.views import bp as main
    from charity.pairing.cadre_views import bp as cadres
    from charity.pairing.cadre_views import invite_bp as cadre_invite
    from charity.pairing.helper_views import bp as my_pairings
    from charity.pairing.views import bp as pairing
    from charity.registry.roster_views import bp as registry_roster
    from charity.registry.views import bp as registry
    from charity.relief.intake_views import bp as relief_intake
    from charity.relief.proposal_views import bp as relief_allocations
    from charity.relief.rent_views import bp as relief_rent
    from charity.relief.views import bp as relief
    from charity.visits.campaign_views import bp as visits_campaigns
    from charity.visits.views import bp as visits
    from charity.volunteers.profile_views import bp as volunteers_profile
    from charity.volunteers.review_views import bp as volunteers_review
    from charity.volunteers.views import bp as volunteers
    from donations.campaigns.views import bp as campaigns
    from donations.giving.designations import register_names
    from donations.giving.portal_views import bp as giving_portal
    from donations.giving.review_views import bp as giving_review
    from donations.giving.signup_views import bp as giving_signup
    from donations.giving.staff_views import bp as giving_staff
    from donations.giving.views import bp as giving
    from donations.receipts.views import bp as receipts
    from donations.sponsorship.views import bp as sponsorship
    from donations.stripe.staff_views import bp as stripe_staff
    from donations.stripe.views import bp as stripe

    for blueprint in (main, district, registry, registry_roster, audit, casework,
                      casework_records, casework_reviews, casework_overview, visits,
                      visits_campaigns, dashboard, pairing, my_pairings, cadres, cadre_invite,
                      my_contacts, contacts,
                      relief, relief_rent, relief_intake, disaster,
                      relief_allocations, fund, disclosure, giving, giving_portal, giving_signup,
                      giving_staff,
                      giving_review, campaigns, sponsorship, receipts, stripe, stripe_staff, jobs,
                      volunteers, volunteers_review, volunteers_profile, grievances, budget,
                      api_tokens):
        app.register_blueprint(blueprint)
    from donations.todo import LISTS

    app.extensions["todo_lists"] = LISTS
    api(app)
    register_names()


def register_errorhandlers(app: Flask) -> None:
    """Error pages in the user's language."""
    from charity.main.errors import register

    register(app)


def register_headers(app: Flask) -> None:
    """Security headers (CSP, HSTS, no-store and the rest) on every answer."""
    from charity.main.headers import register

    register(app)


def register_template_helpers(app: Flask) -> None:
    """Jinja filters and globals, `can` and `Permission` among them."""
    from charity.main.templating import register

    register(app)


def register_commands(app: Flask) -> None:
    """The `flask` CLI's command groups."""
    from charity.demo.commands import demo
    from charity.fund.commands import fund, ledger
    from charity.main.commands import report
    from charity.pairing.commands import match
    from charity.relief.commands import relief

    app.cli.add_command(demo)
    app.cli.add_command(report)
    app.cli.add_command(match)
    app.cli.add_command(ledger)
    app.cli.add_command(fund)
    app.cli.add_command(relief)
    from donations.commands import donations

    app.cli.add_command(donations)


def register_jobs(app: Flask) -> None:
    """Celery bound to the app, and every job's task (see charity/jobs)."""
    from charity.api import tasks as api
    from charity.audit import tasks as audit
    from charity.casework import tasks as casework
    from charity.contacts import tasks as contacts
    from charity.dashboard import tasks as dashboard
    from charity.fund import tasks as fund
    from charity.jobs import cleanup, operations, queue
    from charity.pairing import tasks as pairing
    from charity.registry import tasks as registry
    from charity.relief import tasks as relief
    from donations import tasks as donations

    queue.init_app(app)
    app.extensions["jobs"] = (operations, cleanup, contacts, dashboard, fund, pairing, registry,
                              relief, donations, audit, casework, api)
