"""In-person sessions and check-in."""

from flask import Blueprint, render_template

bp = Blueprint("sessions", __name__, template_folder="templates")


@bp.get("/sessions")
def index():
    return render_template("error.html", code=503, name="Coming soon", description="Sessions are being built.")
