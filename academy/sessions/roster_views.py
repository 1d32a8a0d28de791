"""The roster page: attendees, marking and unmarking by hand, walk-ins, exports and paper sheets."""

from __future__ import annotations

from flask import Response, abort, current_app, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from academy.accounts.models import User
from academy.accounts.permissions import role_required
from academy.courses.catalog import get_course
from academy.database import utcnow
from academy.extensions import db
from academy.ids import parse_id
from academy.sessions import closing, progress, registration, roster, service
from academy.sessions.blueprint import MANAGERS, bp, load_managed, zone
from academy.sessions.forms import MarkForm, PaperForm, ReasonForm, WalkInForm
from academy.sessions.models import Attendance


def _render(session, status: int = 200, **forms):
    """Render the roster with blank forms, or the ones given (holding errors)."""
    q, find = request.args.get("q", ""), request.args.get("find", "")
    attendees = roster.attendees(session, q)
    course = get_course(session.course_slug)
    count = service.attendee_count(session)
    registrations = registration.active(session.id)
    page = render_template(
        "sessions/roster.html", session=session, course=course, attendees=attendees, q=q, find=find,
        registrations=registrations, attended_ids={a.user_id for a in session.attendances},
        progress=progress.self_paced(course, [a.user_id for a in attendees] + [r.user_id for r in registrations]),
        people=roster.find_people(session, find) if find else [], count=count, now=utcnow(),
        over=max(0, count - session.capacity) if session.capacity else 0, masked_email=roster.masked_email,
        certified=roster.certified_user_ids(session) if session.status == "closed" else set(),
        quiz_required=closing.quiz_required(session, course), frozen=service.frozen_error(session),
        walk_in_form=forms.get("walk_in_form") or WalkInForm(formdata=None),
        mark_form=forms.get("mark_form") or MarkForm(formdata=None),
        reason_form=forms.get("reason_form"), reason_for=forms.get("reason_for"))
    return page, status


@bp.get("/sessions/<int:session_id>", endpoint="roster")
@role_required(*MANAGERS)
def roster_page(session_id: int):
    """The session's page: details, actions and the attendees."""
    return _render(load_managed(session_id))


@bp.post("/sessions/<int:session_id>/mark")
@role_required(*MANAGERS)
def mark(session_id: int):
    """Mark an account holder present by hand."""
    session = load_managed(session_id)
    form = MarkForm()
    user_id = parse_id(form.user_id.data)  # ASCII digits that fit a column ("²".isdigit() is True)
    user = db.session.get(User, user_id) if user_id is not None else None
    if not form.validate_on_submit() or not roster.may_mark(session, user, form.email.data):
        form.reason.errors.append(_("Choose someone from the search results."))
        return _render(session, 400, mark_form=form)
    try:
        result = service.check_in(session, user, method="manual", marked_by=current_user,
                                  reason=form.reason.data or None)
    except service.SessionError as exc:
        form.reason.errors.append(str(exc))
        return _render(session, 409, mark_form=form)
    db.session.commit()
    flash(_("%(name)s is marked present.", name=user.name) if result.created
          else _("%(name)s was already checked in.", name=user.name), "success" if result.created else "info")
    return redirect(url_for("sessions.roster", session_id=session.id))


@bp.post("/sessions/<int:session_id>/walk-in")
@role_required(*MANAGERS)
def walk_in(session_id: int):
    """Add a walk-in without an account, by name."""
    session = load_managed(session_id)
    form = WalkInForm()
    if not form.validate_on_submit():
        return _render(session, 400, walk_in_form=form)
    try:
        added = service.add_walk_in(session, form.name.data, current_user, form.reason.data or None)
    except service.SessionError as exc:
        form.name.errors.append(str(exc))
        return _render(session, 409, walk_in_form=form)
    if added is None:
        form.name.errors.append(_("Someone of that name is already on the roster."))
        return _render(session, 409, walk_in_form=form)
    db.session.commit()
    flash(_("%(name)s is added as a walk-in.", name=added.name), "success")
    return redirect(url_for("sessions.roster", session_id=session.id))


@bp.post("/sessions/<int:session_id>/attendance/<int:attendance_id>/remove")
@role_required(*MANAGERS)
def unmark(session_id: int, attendance_id: int):
    """Remove someone from the roster; the reason goes to the audit log."""
    session = load_managed(session_id)
    attendance = db.get_or_404(Attendance, attendance_id)
    if attendance.session_id != session.id:
        abort(404)
    form = ReasonForm()
    if form.validate_on_submit():
        try:
            name = attendance.name
            service.remove_attendance(attendance, current_user, form.reason.data)
        except service.SessionError as exc:
            form.reason.errors.append(str(exc))
        else:
            db.session.commit()
            flash(_("%(name)s is removed from the roster.", name=name), "success")
            return redirect(url_for("sessions.roster", session_id=session.id))
    return _render(session, 400, reason_form=form, reason_for=attendance.id)


@bp.route("/sessions/<int:session_id>/paper", methods=["GET", "POST"])
@role_required(*MANAGERS)
def paper(session_id: int):
    """Type a paper sign-in sheet back in: names one per line, or a CSV upload."""
    session = load_managed(session_id)
    form = PaperForm()
    if form.validate_on_submit() and not service.frozen_error(session):
        lines = _paper_lines(form)
        if lines:
            result = roster.import_paper(session, lines, current_user)
            db.session.commit()
            flash(_("%(added)s added from the paper sheet (%(matched)s matched an account by email); "
                    "%(already)s already on the roster.", added=len(result.added), matched=result.matched,
                    already=len(result.already)), "success")
            if result.already:
                flash(_("Skipped as already on the roster: %(names)s. If one of them is someone else of the "
                        "same name, add them by hand.", names=", ".join(result.already)), "info")
            return redirect(url_for("sessions.roster", session_id=session.id))
    status = 400 if form.is_submitted() else 200
    return render_template("sessions/paper.html", session=session, form=form,
                           frozen=service.frozen_error(session), limit=roster.MAX_PAPER_LINES), status


def _paper_lines(form: PaperForm) -> list[roster.PaperLine] | None:
    """Read the typed names or the uploaded CSV; put any problem next to its field."""
    upload = form.file.data
    has_file = upload is not None and bool(getattr(upload, "filename", ""))
    field = form.file if has_file else form.names
    try:
        if has_file:
            lines = roster.parse_csv(upload.read(roster.MAX_PAPER_BYTES + 1))
        else:
            lines = roster.parse_text(form.names.data or "")
    except roster.PaperError as exc:
        field.errors.append(str(exc))
        return None
    if not lines:
        field.errors.append(_("Type at least one name, or choose a CSV file."))
        return None
    return lines


@bp.get("/sessions/<int:session_id>/roster.csv")
@role_required(*MANAGERS)
def roster_csv(session_id: int):
    session = load_managed(session_id)
    filename = f"session-{session.id}-roster.csv"
    return Response(roster.roster_csv(session), mimetype="text/csv",
                    headers={"Content-Disposition": f'attachment; filename="{filename}"'})


@bp.get("/sessions/<int:session_id>/sign-in-sheet.pdf")
@role_required(*MANAGERS)
def sign_in_sheet(session_id: int):
    """A printable sign-in sheet, the fallback when the network is down."""
    from academy.sessions import pdf  # fpdf2 loads with the first PDF (about 35 MB a worker otherwise)

    session = load_managed(session_id)
    course = get_course(session.course_slug)
    data = pdf.sign_in_sheet(session, course_title=course.title if course else session.course_slug, tz=zone(session),
                             public_url=current_app.config["ACADEMY_PUBLIC_URL"])
    return Response(data, mimetype="application/pdf",
                    headers={"Content-Disposition": f'inline; filename="session-{session.id}-sign-in.pdf"'})
