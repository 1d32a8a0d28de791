"""The home page for each role, and the health check."""

from __future__ import annotations

from flask import Blueprint, current_app, jsonify, render_template, send_from_directory
from flask_login import current_user
from sqlalchemy import text

from academy.courses import catalog
from academy.extensions import db

bp = Blueprint("main", __name__)


@bp.get("/healthz")
def healthz():
    """Answer ok once the database has answered too."""
    try:
        with db.engine.connect() as connection:  # a pooled connection, no ORM session to set up and tear down
            connection.execute(text("SELECT 1"))
    except Exception:  # any driver error means unhealthy, and the body must still be JSON
        return jsonify(status="error", error="database unavailable"), 503
    return jsonify({"status": "ok", **catalog.health(current_app)})


@bp.get("/")
def home():
    """Show the visitor's next step: continue learning, next session, coverage or verification."""
    from academy import home

    if not current_user.is_authenticated:
        return render_template("home_public.html", **home.public_context())
    return render_template("home.html", **home.user_context(current_user))


@bp.get("/favicon.ico")
def favicon():
    """Serve the icon browsers ask for at the root whatever the page's <link rel=icon> says."""
    return send_from_directory(current_app.static_folder, "favicon.ico", max_age=86400)
