"""Course forms: POST-only buttons use accounts.forms.EmptyForm; the resource filter is a plain GET form."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import SelectField

JURISDICTION_LABELS = {"us": _l("United States"), "ca": _l("Canada"), "ca-bc": _l("British Columbia")}


def jurisdiction_label(jurisdiction: str) -> str:
    return str(JURISDICTION_LABELS.get(jurisdiction, jurisdiction.upper()))


class ResourceFilterForm(FlaskForm):
    """Filter the resource directory by jurisdiction (GET, so no CSRF token: it changes nothing)."""

    class Meta:
        csrf = False

    jurisdiction = SelectField(_l("Show services for"), validate_choice=False)

    def set_choices(self, jurisdictions: list[str]) -> None:
        self.jurisdiction.choices = [("", _l("All places"))] + [(j, jurisdiction_label(j)) for j in jurisdictions]
