"""In-person sessions for trainers: list, schedule, edit, cancel, close, and the projector display.

The roster lives in roster_views.py and the attendee's check-in in checkin_views.py, on the same blueprint.
"""

from __future__ import annotations

from flask import current_app, flash, jsonify, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import select

from academy import timezones
from academy.accounts.forms import EmptyForm
from academy.accounts.models import Community, User
from academy.accounts.permissions import role_required
from academy.courses.catalog import curriculum, get_course
from academy.database import utcnow
from academy.extensions import db
from academy.sessions import closing, display, registration, service
from academy.sessions.blueprint import MANAGERS, bp, load_managed, to_utc, zone  # noqa: F401 (used here, and by older imports)
from academy.sessions.forms import ReasonForm, SessionForm
from academy.sessions.models import TrainingSession


@bp.app_context_processor
def _home_helpers() -> dict:
    return {"sessions_next_for": service.next_sessions, "checked_in_text": display.checked_in_text}


def _communities() -> list[Community]:
    """The communities the user may schedule in: a trainer their own, a coordinator those they coordinate."""
    if current_user.role == "coordinator":
        return sorted(current_user.coordinated_communities, key=lambda c: c.name)
    if current_user.role == "trainer":
        return [current_user.community] if current_user.community is not None else []
    return list(db.session.scalars(select(Community).order_by(Community.name)))


def _trainer_choices() -> list[User]:
    return list(db.session.scalars(select(User).where(User.role.in_(MANAGERS), User.deleted_at.is_(None))
                                   .order_by(User.name)))


def _session_form(session: TrainingSession | None) -> SessionForm:
    form = SessionForm()
    form.set_choices(curriculum().courses.values(), _communities(), _trainer_choices())
    if current_user.role == "coordinator" or (current_user.role == "trainer" and current_user.community):
        form.community.choices = form.community.choices[1:]  # they schedule for their own communities
    if session is not None and not form.is_submitted():
        form.course.data, form.title.data, form.place.data = session.course_slug, session.title, session.place
        form.starts_at.data = timezones.to_local(session.starts_at, zone(session))
        form.ends_at.data = timezones.to_local(session.ends_at, zone(session))
        form.community.data = str(session.community_id or "")
        form.capacity.data, form.require_quiz.data = session.capacity, session.require_quiz
        form.kind.data = session.kind
        form.trainers.data = [t.id for t in session.trainers]
    elif session is None and not form.is_submitted() and current_user.role == "trainer":
        form.trainers.data = [current_user.id]
    return form


def _save(form: SessionForm, session: TrainingSession | None) -> TrainingSession | None:
    """Validate the rest of the form against the course, then save; None if an error was shown."""
    course = get_course(form.course.data)
    if form.require_quiz.data and course.quiz is None:
        form.require_quiz.errors.append(_("This course has no quiz."))
        return None
    chosen = [u for u in _trainer_choices() if u.id in (form.trainers.data or [])]
    community = db.session.get(Community, int(form.community.data)) if form.community.data else None
    before = _what_attendees_see(session)
    try:
        saved = service.save_session(
            session, current_user, course_slug=course.slug, title=form.title.data or course.title,
            starts_at=to_utc(form.starts_at.data, community), ends_at=to_utc(form.ends_at.data, community),
            place=form.place.data, community_id=community.id if community else None,
            capacity=form.capacity.data,
            require_quiz=closing.quiz_required_by(course, form.require_quiz.data),
            trainers=chosen, kind=form.kind.data)
    except service.SessionError as exc:
        form.ends_at.errors.append(str(exc))
        return None
    if before is not None and before != _what_attendees_see(saved):
        registration.session_changed(saved)  # registered people get the new details and a new invite
    return saved


def _what_attendees_see(session: TrainingSession | None) -> tuple | None:
    """The details registered people were told about (a change is mailed to them)."""
    if session is None:
        return None
    return (session.title, session.starts_at, session.ends_at, session.place, session.capacity)


# --- list, schedule, edit, cancel, close --------------------------------------------------------------------


@bp.get("/sessions")
@role_required(*MANAGERS)
def index():
    """List the sessions the user manages: upcoming and running first, then past ones."""
    upcoming, past = service.sessions_for_manager(current_user)
    return render_template("sessions/index.html", upcoming=upcoming, past=past, now=utcnow(),
                           counts=service.attendee_counts(upcoming + past))


def _to_roster(session: TrainingSession, message: str):
    """Commit the change, say so, and go back to the session's roster."""
    db.session.commit()
    flash(message, "success")
    return redirect(url_for("sessions.roster", session_id=session.id))


def _session_page(session: TrainingSession | None, saved_message: str):
    """Show the schedule/edit form for a new (None) or existing session; save a valid submission."""
    form = _session_form(session)
    if form.validate_on_submit():
        saved = _save(form, session)
        if saved is not None:
            return _to_roster(saved, saved_message)
    return render_template("sessions/edit.html", form=form, session=session)


@bp.route("/sessions/new", methods=["GET", "POST"])
@role_required(*MANAGERS)
def new():
    return _session_page(None, _("The session is scheduled."))


@bp.route("/sessions/<int:session_id>/edit", methods=["GET", "POST"])
@role_required(*MANAGERS)
def edit(session_id: int):
    session = load_managed(session_id)
    if session.is_frozen:
        flash(_("This session is closed or cancelled; it can no longer be edited."), "error")
        return redirect(url_for("sessions.roster", session_id=session.id))
    return _session_page(session, _("The session is saved."))


@bp.route("/sessions/<int:session_id>/cancel", methods=["GET", "POST"])
@role_required(*MANAGERS)
def cancel(session_id: int):
    session = load_managed(session_id)
    form = ReasonForm()
    if form.validate_on_submit():
        try:
            service.cancel_session(session, current_user, form.reason.data)
            registration.session_cancelled(session, current_user)
        except service.SessionError as exc:
            form.reason.errors.append(str(exc))
        else:
            return _to_roster(session, _("The session is cancelled."))
    return render_template("sessions/cancel.html", session=session, form=form)


@bp.route("/sessions/<int:session_id>/close", methods=["GET", "POST"])
@role_required(*MANAGERS)
def close(session_id: int):
    session = load_managed(session_id)
    form = EmptyForm()
    if form.validate_on_submit():
        try:
            summary = closing.close_session(session, current_user)
        except service.SessionError as exc:
            flash(str(exc), "error")
        else:
            return _to_roster(session, closing.describe(summary))
        return redirect(url_for("sessions.roster", session_id=session.id))
    course = get_course(session.course_slug)
    return render_template("sessions/close.html", session=session, form=form, course=course,
                           quiz_required=closing.quiz_required(session, course),
                           started=session.starts_at <= utcnow())


# --- the projector display ----------------------------------------------------------------------------------


@bp.get("/sessions/<int:session_id>/display")
@role_required(*MANAGERS)
def show_display(session_id: int):
    """The full-screen check-in page for a projector."""
    session = load_managed(session_id)
    data = display.state(session, current_app.config["ACADEMY_PUBLIC_URL"], utcnow())
    return render_template("sessions/display.html", session=session, data=data,
                           public_url=current_app.config["ACADEMY_PUBLIC_URL"])


@bp.get("/sessions/<int:session_id>/display.json")
@role_required(*MANAGERS)
def display_json(session_id: int):
    """The current code, QR image and count, polled by sessions.js."""
    session = load_managed(session_id)
    response = jsonify(display.state(session, current_app.config["ACADEMY_PUBLIC_URL"], utcnow()))
    response.headers["Cache-Control"] = "no-store"
    return response

