"""Songtan (送炭): the district's hardship-relief fund and pairing platform.

`create_app` reads like a table of contents: configuration, extensions, blueprints, error
handlers, commands. Nothing app-specific happens at import time.
"""

from flask import Flask

from charity.config import ROOT, Config, finish


def create_app(test_config: dict | None = None) -> Flask:
    app = Flask(
        __name__,
        instance_path=str(ROOT / "instance"),
        template_folder=str(ROOT / "templates"),
    )
    app.config.from_object(Config)
    if test_config:
        app.config.update(test_config)
    finish(app.config)
    register_extensions(app)
    register_blueprints(app)
    register_errorhandlers(app)
    register_template_helpers(app)
    register_commands(app)
    return app


def register_extensions(app: Flask) -> None:
    from charity import models  # noqa: F401  (the whole schema, for Alembic)
    from charity.auth.models import Role, User
    from charity.extensions import babel, csrf, db, limiter, migrate, security
    from charity.i18n import select_locale, select_timezone

    db.init_app(app)
    from charity.database import configure_engine

    with app.app_context():
        configure_engine(db.engine)
    migrate.init_app(app, db, directory=str(ROOT / "migrations"), render_as_batch=True)
    babel.init_app(app, locale_selector=select_locale, timezone_selector=select_timezone)
    csrf.init_app(app)
    limiter.init_app(app)
    from flask_security import SQLAlchemyUserDatastore

    security.init_app(app, SQLAlchemyUserDatastore(db, User, Role))
    #: Password guessing is slowed at the door: a login attempt budget per address.
    login = app.view_functions["security.login"]
    app.view_functions["security.login"] = limiter.limit(
        lambda: app.config["LOGIN_RATE_LIMIT"], methods=["POST"])(login)


def register_blueprints(app: Flask) -> None:
    from charity.audit.views import bp as audit_bp
    from charity.casework import overview_views, record_views, review_views  # noqa: F401
    from charity.casework.views import bp as casework_bp
    from charity.dashboard.views import bp as dashboard_bp
    from charity.disclosure.views import bp as disclosure_bp
    from charity.district.views import bp as district_bp
    from charity.fund.views import bp as fund_bp
    from charity.main.views import bp as main_bp
    from charity.pairing.helper_views import bp as my_pairings_bp
    from charity.pairing.views import bp as pairing_bp
    from charity.registry import roster_views  # noqa: F401  (routes on the registry bp)
    from charity.registry.views import bp as registry_bp
    from charity.relief import proposal_views  # noqa: F401  (allocation routes on the relief bp)
    from charity.relief.views import bp as relief_bp
    from charity.visits import campaign_views  # noqa: F401  (routes on the visits bp)
    from charity.visits.views import bp as visits_bp

    for blueprint in (main_bp, district_bp, registry_bp, audit_bp, casework_bp, visits_bp,
                      dashboard_bp, pairing_bp, my_pairings_bp):
        app.register_blueprint(blueprint)
    app.register_blueprint(relief_bp)
    app.register_blueprint(fund_bp)
    app.register_blueprint(disclosure_bp)
    from donations.campaigns.views import bp as campaigns_bp
    from donations.giving.portal_views import bp as giving_portal_bp
    from donations.giving.review_views import bp as giving_review_bp
    from donations.giving.staff_views import bp as giving_staff_bp
    from donations.giving.views import bp as giving_bp
    from donations.receipts.views import bp as receipts_bp
    from donations.sponsorship.views import bp as sponsorship_bp
    from donations.stripe.views import bp as stripe_bp

    for blueprint in (giving_bp, giving_portal_bp, giving_staff_bp, giving_review_bp,
                      campaigns_bp, sponsorship_bp, receipts_bp, stripe_bp):
        app.register_blueprint(blueprint)


def register_errorhandlers(app: Flask) -> None:
    from charity.main.errors import register

    register(app)


def register_template_helpers(app: Flask) -> None:
    from charity.main.templating import register

    register(app)


def register_commands(app: Flask) -> None:
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
