"""Coverage pages for coordinators, auditors and admins: dashboard, CSV, comparison and targets."""

from __future__ import annotations

from flask import Blueprint, Response, abort, current_app, flash, redirect, render_template, request, url_for
from flask_babel import get_translations
from flask_babel import gettext as _
from flask_login import current_user
from markupsafe import Markup

from academy.accounts.forms import EmptyForm
from academy.accounts.permissions import can_manage_community, role_required
from academy.courses.catalog import curriculum
from academy.coverage import access, chart, export, forms, indicators, service
from academy.coverage.api import bp as api_bp
from academy.coverage.arithmetic import signed
from academy.coverage.figures import Dashboard
from academy.database import utcnow
from academy.extensions import db
from academy.i18n import current_locale
from academy.organisations.service import breakdown as organisation_breakdown

bp = Blueprint("coverage", __name__, template_folder="templates")
bp.register_blueprint(api_bp)


@bp.app_template_filter("pct")
def pct(value: int | None) -> str:
    return "—" if value is None else f"{value}%"


@bp.app_context_processor
def _home_helpers() -> dict:
    return {"coverage_home_for": home_summaries, "signed": signed}


def home_summaries(user, limit: int = 3) -> list[tuple]:
    """Return (community, dashboard) for the first communities a user watches, for the home page."""
    period = access.current_period()
    cur = curriculum()
    return [
        (c, service.dashboard(c.id, period, cur.sectors.values(), access.course_sectors()))
        for c in access.visible_communities(user)[:limit]
    ]


def _charts(dash: Dashboard) -> dict:
    """Draw the charts; chart.py escapes every text it writes, so its SVG is safe to insert as is."""
    bars = [chart.Bar(r.label, r.counts.in_person, r.counts.self_paced, r.target) for r in dash.rows]
    bar_title = f"People trained per sector, end of {dash.period}"
    trend_title = "People trained in at least one sector, last four half-years"
    periods = [str(p) for p in dash.periods]
    history = list(dash.total.counts.history)
    return {
        "bar_svg": Markup(chart.bar_chart("bars", bar_title, bars)),  # noqa: S704
        "trend_svg": Markup(chart.trend_chart("trend", trend_title, periods, history)),  # noqa: S704
        "sparklines": {r.sector: Markup(chart.sparkline(r.counts.history)) for r in dash.rows},  # noqa: S704
    }


def _chosen_period(form):
    """Return the period asked for; the current one (the error beside the field) when unreadable."""
    if form.period.data and form.period.validate(form):
        return access.read_period(form.period.data)
    form.period.data = str(access.current_period())
    return access.current_period()


def _selector(communities, community, after: int = 0):
    """Return the community and period selector, filled, and the period chosen."""
    form = forms.SelectorForm(formdata=request.args if request.args else None)
    period = _chosen_period(form)
    form.set_choices(communities, access.period_choices(period, after=after))
    form.community.data = community.slug
    return form, period


@bp.get("/coverage")
@role_required(*access.VIEWERS)
def dashboard():
    """Show a community's coverage for a half-year."""
    communities = access.visible_communities(current_user)
    community = access.load_community(current_user, request.args.get("community"), communities)
    if community is None:
        return render_template("coverage/none.html")
    form, period = _selector(communities, community)
    sectors = [sector.in_language(current_locale()) for sector in curriculum().sectors.values()]
    dash = service.dashboard(community.id, period, sectors, access.course_sectors())
    return render_template(
        "coverage/dashboard.html",
        form=form,
        community=community,
        dash=dash,
        indicators=indicators.indicators(dash, get_translations()),
        ongoing=period.contains(utcnow()),
        **_charts(dash),
        can_manage=can_manage_community(current_user, community.id),
        can_compare=current_user.role in ("auditor", "admin"),
        organisation_rows=organisation_breakdown({community.id}),
    )


@bp.get("/coverage/export.csv")
@role_required(*access.VIEWERS)
def export_csv():
    """Download a community's figures for a half-year as CSV."""
    community = access.load_community(
        current_user, request.args.get("community"), access.visible_communities(current_user)
    )
    if community is None:
        abort(404, "No community to export.")
    period = access.read_period(request.args.get("period"))
    sectors = [sector.in_language(current_locale()) for sector in curriculum().sectors.values()]
    dash = service.dashboard(community.id, period, sectors, access.course_sectors())
    filename = f"coverage-{community.slug}-{period}.csv"
    return Response(
        export.to_csv(dash, community.name),
        mimetype="text/csv",
        headers={"Content-Disposition": f'attachment; filename="{filename}"'},
    )


@bp.get("/coverage/compare")
@role_required("auditor", "admin")
def compare():
    """Compare communities: people trained per sector against targets at the end of a half-year."""
    form = forms.PeriodForm(formdata=request.args if request.args else None)
    period = _chosen_period(form)
    form.set_choices(access.period_choices(period))
    sectors = [s.in_language(current_locale()) for s in curriculum().sectors.values() if not s.shared]
    figures = service.comparison(period, curriculum().sectors.values())
    return render_template(
        "coverage/compare.html",
        form=form,
        period=period,
        sectors=sectors,
        communities=access.visible_communities(current_user),
        **figures,
    )


def _managed_community():
    """Return the communities the user sets targets for and the one asked for (403 if not theirs)."""
    managed = [c for c in access.visible_communities(current_user) if can_manage_community(current_user, c.id)]
    community = access.load_community(current_user, request.args.get("community"), managed)
    if community is not None and not can_manage_community(current_user, community.id):
        abort(403, _("Only this community's coordinators and admins set its targets."))
    return managed, community


@bp.route("/coverage/targets", methods=["GET", "POST"])
@role_required("coordinator", "admin")
def targets():
    """Set a community's target headcounts per sector and sub-role for a half-year."""
    managed, community = _managed_community()
    if community is None:
        return render_template("coverage/none.html")
    selector, period = _selector(managed, community, after=4)
    if selector.period.errors:
        abort(400, selector.period.errors[0])
    form = forms.targets_form(curriculum().sectors.values())
    if form.validate_on_submit():
        changed = service.save_targets(community.id, period, form.values())
        db.session.commit()
        current_app.logger.info(
            "targets of community %s for %s: %d changed by %s", community.id, period, changed, current_user.id
        )
        flash(_("Targets for %(period)s saved.", period=period), "success")
        return redirect(url_for("coverage.dashboard", community=community.slug, period=str(period)))
    copied = _prefill(form, community.id, period) if request.method == "GET" else None
    return render_template(
        "coverage/targets.html",
        form=form,
        community=community,
        period=period,
        copied=copied,
        selector_form=selector,
        copy_form=EmptyForm(),
    )


@bp.post("/coverage/targets/copy")
@role_required("coordinator", "admin")
def copy_targets():
    """Copy a half-year's targets to the next half-year (those already set there stay)."""
    _managed, community = _managed_community()
    if community is None or not EmptyForm().validate_on_submit():
        abort(400)
    period = access.read_period(request.args.get("period"))
    copied = service.copy_targets(community.id, period)
    db.session.commit()
    flash(_("%(num)s targets copied to %(period)s.", num=copied, period=period.next()), "success")
    return redirect(url_for("coverage.targets", community=community.slug, period=str(period.next())))


def _prefill(form, community_id: int, period) -> str | None:
    """Fill the form with the period's targets, or the previous period's (not saved); return where from."""
    saved = service.targets_for(community_id, period)
    if saved:
        form.fill(saved)
        return None
    earlier = service.targets_for(community_id, period.previous())
    form.fill(earlier)
    return str(period.previous()) if earlier else None
