"""Course forms: POST-only buttons use accounts.forms.EmptyForm; the resource filter is a plain GET form."""

from __future__ import annotations

from flask_wtf import FlaskForm
from wtforms import SelectField

JURISDICTION_LABELS = {"us": "United States", "ca": "Canada", "ca-bc": "British Columbia"}


def jurisdiction_label(jurisdiction: str) -> str:
    return JURISDICTION_LABELS.get(jurisdiction, jurisdiction.upper())


class ResourceFilterForm(FlaskForm):
    """Filter the resource directory by jurisdiction (GET, so no CSRF token: it changes nothing)."""

    class Meta:
        csrf = False

    jurisdiction = SelectField("Show services for", validate_choice=False)

    def set_choices(self, jurisdictions: list[str]) -> None:
        self.jurisdiction.choices = [("", "All places")] + [(j, jurisdiction_label(j)) for j in jurisdictions]
