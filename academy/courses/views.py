"""Catalogue, course pages, lessons, progress and the resource directory."""

from flask import Blueprint, render_template

bp = Blueprint("courses", __name__, template_folder="templates")


@bp.get("/courses")
def catalogue():
    return render_template("error.html", code=503, name="Coming soon", description="The catalogue is being built.")


@bp.get("/resources")
def resources():
    return catalogue()


@bp.get("/learning")
def my_learning():
    return catalogue()
