"""Coverage forms: the dashboard's selectors (GET) and the targets grid (POST)."""

from __future__ import annotations

from collections.abc import Iterable

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import IntegerField, SelectField, SubmitField
from wtforms.validators import NumberRange, Optional, ValidationError

from academy.coverage import periods
from academy.curriculum.model import Sector

MAX_TARGET = 1_000_000


def _period_check(form, field) -> None:
    try:
        periods.parse(field.data)
    except ValueError as exc:
        raise ValidationError(str(exc)) from exc


class SelectorForm(FlaskForm):
    """Which community and half-year to show; read from the query string, so no CSRF token."""

    class Meta:
        csrf = False

    community = SelectField(_l("Community"), validate_choice=False)  # checked by the view: 404 or 403
    period = SelectField(_l("Half-year"), validate_choice=False, validators=[_period_check])
    submit = SubmitField(_l("Show"))

    def set_choices(self, communities: Iterable, period_choices: Iterable[periods.Period]) -> None:
        self.community.choices = [(c.slug, c.name) for c in communities]
        self.period.choices = [(str(p), f"{p} ({p.label})") for p in period_choices]


class PeriodForm(FlaskForm):
    """The half-year for the comparison of communities."""

    class Meta:
        csrf = False

    period = SelectField(_l("Half-year"), validate_choice=False, validators=[_period_check])
    submit = SubmitField(_l("Show"))

    def set_choices(self, period_choices: Iterable[periods.Period]) -> None:
        self.period.choices = [(str(p), f"{p} ({p.label})") for p in period_choices]


def target_field_name(sector: str, subrole: str) -> str:
    """Return the form field holding a target: t__<sector>__<sub-role or empty>."""
    return f"t__{sector}__{subrole}"


def target_rows(sectors: Iterable[Sector]) -> list[tuple[str, str, str]]:
    """Return (sector, sub-role or "", label) for every counted sector and its sub-roles."""
    rows = []
    for sector in sectors:
        if sector.shared:
            continue
        rows.append((sector.id, "", sector.label))
        rows += [(sector.id, r.id, f"{r.label} ({sector.label})") for r in sector.subroles]
    return rows


class TargetsBase(FlaskForm):
    submit = SubmitField(_l("Save targets"))

    rows: list[tuple[str, str, str]] = []

    def values(self) -> dict[tuple[str, str], int | None]:
        """Return the headcount typed for each row; None where left blank (no target)."""
        return {(sector, subrole): self[target_field_name(sector, subrole)].data for sector, subrole, _ in self.rows}

    def validate(self, extra_validators=None) -> bool:
        """Check each field, then that no sub-role's target is above its sector's."""
        ok = super().validate(extra_validators)
        for sector, subrole, _label in self.rows:
            whole = self[target_field_name(sector, "")].data if subrole else None
            field = self[target_field_name(sector, subrole)]
            if subrole and whole is not None and field.data is not None and field.data > whole:
                field.errors.append(_l("A sub-role's target cannot be above its sector's (%(whole)s).", whole=whole))
                ok = False
        return ok

    def fill(self, targets: dict[tuple[str, str], int]) -> None:
        for (sector, subrole), headcount in targets.items():
            name = target_field_name(sector, subrole)
            if name in self:
                self[name].data = headcount


def targets_form(sectors: Iterable[Sector], **kwargs) -> TargetsBase:
    """Build the targets form: one optional whole number per sector and sub-role."""
    rows = target_rows(sectors)
    attrs = {"rows": rows}
    for sector, subrole, label in rows:
        attrs[target_field_name(sector, subrole)] = IntegerField(
            _l("Target for %(label)s", label=label),
            validators=[
                Optional(),
                NumberRange(
                    min=0, max=MAX_TARGET, message=_l("Give a whole number from 0 to %(max)s.", max=f"{MAX_TARGET:,}")
                ),
            ],
        )
    form_class = type("TargetsForm", (TargetsBase,), attrs)
    return form_class(**kwargs)
