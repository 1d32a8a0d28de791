"""Certificates: holders, public verification, API, auditors."""

from flask import Blueprint, render_template

bp = Blueprint("certificates", __name__, template_folder="templates")


@bp.get("/verify")
def verify_form():
    return render_template("error.html", code=503, name="Coming soon", description="Verification is being built.")


@bp.get("/audit")
def audit_home():
    return verify_form()
