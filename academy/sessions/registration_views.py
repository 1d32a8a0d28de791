"""Upcoming sessions per community and course, and registering or cancelling one's place."""

from __future__ import annotations

from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required
from sqlalchemy import select

from academy.accounts.forms import EmptyForm
from academy.accounts.models import Community
from academy.courses.catalog import curriculum
from academy.database import utcnow
from academy.extensions import db
from academy.sessions import registration as service
from academy.sessions.blueprint import bp
from academy.sessions.models import TrainingSession
from academy.sessions.service import SessionError


@bp.get("/sessions/upcoming")
def upcoming():
    """Sessions open for registration, filtered by community and course."""
    communities = list(db.session.scalars(select(Community).order_by(Community.name)))
    slug = request.args.get("community")
    if slug is None and current_user.is_authenticated and current_user.community is not None:
        slug = current_user.community.slug
    community = next((c for c in communities if c.slug == slug), None)
    course = request.args.get("course") or None
    sessions = service.upcoming(community_id=community.id if community else None, course_slug=course, now=utcnow())
    mine = service.statuses_of(current_user.id, [s.id for s in sessions]) if current_user.is_authenticated else {}
    return render_template("sessions/upcoming.html", sessions=sessions, communities=communities,
                           community=community, course=course, courses=curriculum().courses, mine=mine,
                           taken=service.taken([s.id for s in sessions]), form=EmptyForm())


def _registrable(session_id: int) -> TrainingSession:
    session = db.get_or_404(TrainingSession, session_id)
    if not EmptyForm().validate_on_submit():
        abort(400)
    return session


@bp.post("/sessions/<int:session_id>/register")
@login_required
def register(session_id: int):
    """Take a place, or a place on the waiting list; the confirmation comes by mail with a calendar invite."""
    session = _registrable(session_id)
    try:
        registration = service.register(session, current_user)
    except SessionError as exc:
        db.session.rollback()
        flash(_(str(exc)), "error")
        return redirect(url_for("sessions.upcoming"))
    status = registration.status
    db.session.commit()
    if status == "waiting":
        flash(_("The session is full: you are on the waiting list. We will email you if a place opens."), "info")
    else:
        flash(_("You are registered. A confirmation with a calendar invitation is on its way."), "success")
    return redirect(url_for("sessions.mine"))


@bp.post("/sessions/<int:session_id>/unregister")
@login_required
def unregister(session_id: int):
    """Give up one's place (or place in the queue); the next person waiting gets it."""
    session = _registrable(session_id)
    registration = service.registration_of(session.id, current_user.id)
    if registration is None:
        return redirect(url_for("sessions.mine"))
    service.cancel(registration)
    db.session.commit()
    flash(_("Your registration is cancelled."), "success")
    return redirect(url_for("sessions.mine"))
