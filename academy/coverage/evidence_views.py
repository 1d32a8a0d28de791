"""Feedback forms, the coordinator's checklist and the bi-annual report (HTML, PDF, CSV, JSON)."""

from __future__ import annotations

from flask import Blueprint, Response, abort, flash, jsonify, redirect, render_template, request, url_for
from flask_babel import get_translations
from flask_babel import gettext as _
from flask_login import current_user, login_required
from markupsafe import Markup
from sqlalchemy import select

from academy.accounts.permissions import can_manage_community, role_required
from academy.certificates.models import Certificate
from academy.courses.catalog import curriculum, get_course
from academy.coverage import access, chart, checklist, feedback, report, report_export
from academy.coverage.evidence_forms import ChecklistForm, FeedbackForm
from academy.coverage.indicators import Words
from academy.coverage.suppress import FEWER, enough, hidden, shown
from academy.extensions import db
from academy.sessions.kinds import KINDS
from academy.sessions.models import Attendance, TrainingSession

bp = Blueprint("evidence", __name__, template_folder="templates")


@bp.app_context_processor
def _report_helpers() -> dict:
    return {"shown": shown, "enough": enough, "percent": report.percent, "session_kinds": KINDS,
            "report_charts": _charts}


def _charts(r: report.Report, suffix: str = "") -> dict:
    """The report's charts as SVG; a count of 1 to 4 is drawn as an empty bar (chart.py escapes every text)."""
    def bar(n: int) -> int:
        return 0 if hidden(n) else n

    bars = [chart.Bar(row.label, bar(row.counts.in_person) if not hidden(row.counts.trained) else 0,
                      bar(row.counts.self_paced) if not hidden(row.counts.trained) else 0, row.target,
                      FEWER if hidden(row.counts.trained) else "")
            for row in r.dash.rows]
    history = [bar(n) for n in r.dash.total.counts.history]
    periods = [str(p) for p in r.dash.periods]
    return {
        "bars": Markup(chart.bar_chart(f"rbars{suffix}", f"People trained per sector, end of {r.period}", bars)),  # noqa: S704
        "trend": Markup(chart.trend_chart(f"rtrend{suffix}", "People trained in at least one sector", periods,  # noqa: S704
                                          history)),
    }


def _feedback_page(*, community_id, course_slug: str, session_id: int | None, subject: str, done_url: str):
    """The form, once per person: a second answer (or a second tab) is thanked and not counted again."""
    where = {"course_slug": course_slug, "session_id": session_id}
    if feedback.given(current_user.id, **where):
        return render_template("coverage/feedback.html", form=None, subject=subject, given=True)
    form = FeedbackForm()
    if form.validate_on_submit():
        row = feedback.submit(community_id=community_id, **where, relevance=form.relevance.data,
                              confidence_before=form.confidence_before.data,
                              confidence_after=form.confidence_after.data, will_do=form.will_do.data or "",
                              comment=form.comment.data or "",
                              user_id=current_user.id if form.named.data else None, given_by=current_user.id)
        if row is None:
            return render_template("coverage/feedback.html", form=None, subject=subject, given=True)
        db.session.commit()
        flash(_("Thank you. Your answers are only ever shown added up with at least four other people's."),
              "success")
        return redirect(done_url)
    return render_template("coverage/feedback.html", form=form, subject=subject, given=False)


@bp.route("/feedback/session/<int:session_id>", methods=["GET", "POST"])
@login_required
def session_feedback(session_id: int):
    """The feedback form after a session, for anyone who checked in to it (whatever their role)."""
    session = db.get_or_404(TrainingSession, session_id)
    attended = db.session.scalar(select(Attendance.id).where(Attendance.session_id == session.id,
                                                             Attendance.user_id == current_user.id).limit(1))
    if attended is None:
        abort(403, _("The feedback form is for the people who attended this session."))
    return _feedback_page(community_id=session.community_id, course_slug=session.course_slug,
                          session_id=session.id, subject=session.title, done_url=url_for("sessions.mine"))


@bp.route("/feedback/course/<slug>", methods=["GET", "POST"])
@login_required
def course_feedback(slug: str):
    """The feedback form after a self-paced course, for someone who holds its certificate."""
    course = get_course(slug)
    if course is None:
        abort(404)
    held = db.session.scalar(select(Certificate.id).where(Certificate.user_id == current_user.id,
                                                          Certificate.course_slug == slug).limit(1))
    if held is None:
        abort(403, _("The feedback form is for the people who completed this course."))
    return _feedback_page(community_id=current_user.community_id, course_slug=slug, session_id=None,
                          subject=course.title, done_url=url_for("courses.course", slug=slug))


def _managed():
    managed = [c for c in access.visible_communities(current_user) if can_manage_community(current_user, c.id)]
    community = access.load_community(current_user, request.values.get("community"), managed)
    if community is None:
        abort(404, _("You coordinate no community yet."))
    if not can_manage_community(current_user, community.id):
        abort(403, _("Only this community's coordinators and admins answer its checklist."))
    return community


@bp.route("/coverage/checklist", methods=["GET", "POST"])
@role_required("coordinator", "admin")
def checklist_page():
    """The yes/no questions for a half-year, each with a note, an evidence link and its history."""
    community = _managed()
    period = access.read_period(request.values.get("period"))
    form = ChecklistForm()
    if form.validate_on_submit():
        if form.question.data not in checklist.QUESTIONS:
            abort(400, _("Unknown question."))
        checklist.answer(community.id, period, form.question.data, form.answer.data, note=form.note.data or "",
                         evidence_url=form.evidence_url.data, actor=current_user)
        db.session.commit()
        flash(_("Answer saved; the earlier one stays in the history."), "success")
        return redirect(url_for("evidence.checklist_page", community=community.slug, period=str(period)))
    return render_template("coverage/checklist.html", community=community, period=period, form=form,
                           questions=checklist.QUESTIONS, history=checklist.history(community.id, period))


def _report(slug: str | None, period_text: str | None):
    """Build the report of the community asked for (404 unknown, 403 not the user's) and half-year."""
    community = access.load_community(current_user, slug, access.visible_communities(current_user))
    if community is None:
        abort(404, _("No community to report on."))
    period = access.read_period(period_text)
    return report.build(community, period, curriculum().sectors.values(), access.course_sectors(),
                        Words(get_translations()))


@bp.get("/coverage/report")
@role_required(*access.VIEWERS)
def report_page():
    """The bi-annual report; with `with_community` or `with_period`, a second one beside it."""
    main = _report(request.args.get("community"), request.args.get("period"))
    other = None
    if request.args.get("with_community") or request.args.get("with_period"):
        other = _report(request.args.get("with_community") or main.community["slug"],
                        request.args.get("with_period") or str(main.period))
    return render_template("coverage/report.html", r=main, other=other, method=_(report.METHOD),
                           communities=access.visible_communities(current_user),
                           periods=access.period_choices(main.period), kinds=report.KIND_ORDER)


@bp.get("/coverage/report.pdf")
@role_required(*access.VIEWERS)
def report_pdf_download():
    """The report as a printable PDF."""
    from academy.coverage import report_pdf  # fpdf2 loads with the first PDF (about 35 MB a worker otherwise)

    found = _report(request.args.get("community"), request.args.get("period"))
    name = f"report-{found.community['slug']}-{found.period}.pdf"
    return Response(report_pdf.render(found), mimetype="application/pdf",
                    headers={"Content-Disposition": f'attachment; filename="{name}"'})


@bp.get("/coverage/report.csv")
@role_required(*access.VIEWERS)
def report_csv():
    """The report's answers and figures as CSV."""
    found = _report(request.args.get("community"), request.args.get("period"))
    name = f"report-{found.community['slug']}-{found.period}.csv"
    return Response(report_export.to_csv(found), mimetype="text/csv",
                    headers={"Content-Disposition": f'attachment; filename="{name}"'})


@bp.get("/api/v1/coverage/report")
def report_api():
    """The report as JSON for scripts (token or session), counts of 1 to 4 as "fewer than 5"."""
    if not current_user.is_authenticated:
        return jsonify(error="Sign in, or send a personal API token as 'Authorization: Bearer <token>'."), 401
    if current_user.role not in access.VIEWERS:
        return jsonify(error="The report is for coordinators, auditors and admins."), 403
    if not (request.args.get("community") or "").strip():
        return jsonify(error="Say which community: ?community=<slug>&period=2026H2."), 400
    response = jsonify(report_export.to_json(_report(request.args["community"], request.args.get("period"))))
    response.headers["Cache-Control"] = "no-store"
    return response
