"""Coverage dashboard for coordinators."""

from flask import Blueprint, render_template

bp = Blueprint("coverage", __name__, template_folder="templates")


@bp.get("/coverage")
def dashboard():
    return render_template("error.html", code=503, name="Coming soon", description="Coverage is being built.")
