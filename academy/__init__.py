"""The academy: training, attendance, verifiable certificates and coverage for anti-trafficking coalitions."""

from __future__ import annotations

import logging
import os

from flask import Flask


class UnsafeConfiguration(RuntimeError):
    """The instance is set up in a way the academy refuses to serve (the message says how to fix it)."""


def create_app(test_config: dict | None = None) -> Flask:
    """Create and configure an instance of the academy."""
    instance_path = os.environ.get("ACADEMY_INSTANCE_PATH") or None
    if test_config and test_config.get("INSTANCE_PATH"):
        instance_path = test_config["INSTANCE_PATH"]
    if instance_path:
        instance_path = os.path.abspath(instance_path)
    app = Flask(__name__, instance_path=instance_path, instance_relative_config=True)
    os.makedirs(app.instance_path, exist_ok=True)

    from academy import config

    config.load(app, test_config)
    if app.config["SECRET_KEY"] == config.DEFAULT_SECRET and not (app.debug or app.testing):
        raise UnsafeConfiguration(
            "Refusing to start with the default SECRET_KEY: run `academy init` (it writes one into "
            f"{app.instance_path}/config.py) or set SECRET_KEY."
        )
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    logging.getLogger("alembic.runtime.plugins").setLevel(logging.WARNING)  # one line per plugin, every start

    _init_extensions(app)
    from academy.ids import DatabaseInt

    app.url_map.converters["int"] = DatabaseInt  # before the routes: an id too big for the database is a 404
    _register_blueprints(app)

    from academy import cli, errors, security, templating

    security.init_app(app)
    errors.init_app(app)
    templating.init_app(app)
    for command in cli.cli.commands.values():  # `flask --app academy ...` and test runners see them too
        app.cli.add_command(command)
    return app


def _init_extensions(app: Flask) -> None:
    import academy.models  # noqa: F401  every table known before the first query (foreign keys across domains)
    from academy import database
    from academy.courses import catalog
    from academy.extensions import cache, csrf, db, limiter, login_manager, migrate

    db.init_app(app)
    database.init_app(app)
    migrate.init_app(app, db, directory=os.path.join(os.path.dirname(__file__), "migrations"),
                     render_as_batch=True, compare_type=True)
    login_manager.init_app(app)
    csrf.init_app(app)
    limiter.init_app(app)
    if app.debug:  # templates reload as they are edited: cache no fragment of them
        app.config["CACHE_TYPE"] = "NullCache"
    cache.init_app(app)
    from academy import i18n

    i18n.init_app(app)
    catalog.init_app(app)


def _register_blueprints(app: Flask) -> None:
    from academy.accounts.views import bp as accounts
    from academy.certificates.api import bp as certificates_api
    from academy.certificates.views import bp as certificates
    from academy.courses.views import bp as courses
    from academy.coverage.views import bp as coverage
    from academy.main import bp as main
    from academy.quizzes.views import bp as quizzes
    from academy.sessions import (  # noqa: F401  (their routes are on the sessions blueprint)
        checkin_views,
        registration_views,
        roster_views,
    )
    from academy.sessions.views import bp as sessions

    for blueprint in (main, accounts, courses, quizzes, certificates, certificates_api, sessions, coverage):
        app.register_blueprint(blueprint)
    from academy.accounts.tokens import bp as api_tokens  # personal API tokens (profile page, Bearer loader)

    app.register_blueprint(api_tokens)
    from academy.accounts.privacy import bp as privacy
    from academy.openapi import bp as openapi

    app.register_blueprint(privacy)
    app.register_blueprint(openapi)
    from academy.coverage.evidence_views import bp as evidence
    from academy.quizzes.pretest_views import bp as pretest
    from academy.resources.views import bp as resources

    for blueprint in (pretest, evidence, resources):
        app.register_blueprint(blueprint)
    from academy.admin.views import bp as admin
    from academy.admin.views import logo_bp as community_logo
    from academy.organisations.api import bp as organisations_api
    from academy.organisations.views import bp as organisations

    for blueprint in (admin, community_logo, organisations, organisations_api):
        app.register_blueprint(blueprint)
    from academy import timezones

    timezones.init_app(app)
    from academy.mail.views import bp as mail

    app.register_blueprint(mail)
