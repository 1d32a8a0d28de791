"""The attendee's side: scanning the QR code or typing the short code, checking in, and "My sessions".

A scan is verified first, then exchanged for a ten-minute ticket bound to this browser (see checkin.py), so
signing in or registering never loses the check-in.
"""

from __future__ import annotations

from flask import abort, current_app, flash, redirect, render_template, request, url_for
from flask import session as cookie
from flask_babel import gettext as _
from flask_login import current_user, login_required

from academy.accounts import service as accounts
from academy.accounts.forms import EmptyForm, split_sector
from academy.accounts.mail import send_mail
from academy.courses.catalog import curriculum, get_course
from academy.database import utcnow
from academy.extensions import db, limiter
from academy.mail import notices
from academy.sessions import attendees, checkin, closing, codes, registration, service
from academy.sessions.blueprint import bp
from academy.sessions.forms import CheckinRegisterForm, CodeForm
from academy.sessions.models import Attendance, TrainingSession
from academy.sessions.service import N_

BINDING_KEY = "checkin_binding"
TICKET_KEY = "checkin_ticket"


def _binding() -> str:
    """This browser's check-in binding, created on first use."""
    if BINDING_KEY not in cookie:
        cookie[BINDING_KEY] = checkin.new_binding()
    return cookie[BINDING_KEY]


def _issue(session: TrainingSession, method: str):
    """Exchange a verified code for a ticket and go to the confirm page."""
    ticket = checkin.make_ticket(current_app.config["SECRET_KEY"], session.id, method, _binding())
    cookie[TICKET_KEY] = ticket
    return redirect(url_for("sessions.confirm", ticket=ticket))


def _read(ticket: str) -> checkin.Ticket | None:
    found = checkin.read_ticket(current_app.config["SECRET_KEY"], ticket)
    if found is None or found.binding != cookie.get(BINDING_KEY):
        return None
    return found


def _refused(message: str, session: TrainingSession | None = None, status: int = 409):
    """Explain, in the reader's language, why they are not checked in."""
    return render_template("sessions/checkin_refused.html", message=_(message), session=session), status


def _ticket_key() -> str:
    """Per ticket: one person's verified scan, in the address itself (a dropped cookie changes nothing)."""
    return "ticket:" + (request.view_args or {}).get("ticket", "")[:512]


def _session_key() -> str:
    """Per training session: every ticket for it together, whichever network the room is on."""
    found = checkin.read_ticket(current_app.config["SECRET_KEY"], (request.view_args or {}).get("ticket", ""))
    return f"session:{found.session_id}" if found else "session:none"


def _failed(response) -> bool:
    """Only wrong codes count against an address: a room checking in behind one Wi-Fi is never held up."""
    return response.status_code not in (302, 303)


def _short_code_limit() -> str:
    return current_app.config.get("ACADEMY_CHECKIN_CODE_RATE_LIMIT", "300 per minute")


def _not_a_short_code() -> bool:
    """QR tokens (144 bits) cannot be guessed; a six-character code in the address could be: limit it."""
    return not codes.looks_like_short((request.view_args or {}).get("token", ""))


@bp.get("/checkin/<int:session_id>/<token>")
@limiter.limit(_short_code_limit, exempt_when=_not_a_short_code, deduct_when=_failed)
def scan(session_id: int, token: str):
    """What the QR code opens: verify the code before anything else, then hand out a ticket."""
    session = db.session.get(TrainingSession, session_id)
    now = utcnow()
    if session is not None and session.status in ("closed", "cancelled") or (
            session is not None and now > session.ends_at):
        # An old QR of a finished session: say the session is over, not that the code changed.
        return _refused(service.window_error(session, now), session)
    typed = codes.looks_like_short(token)
    grace = service.TYPED_GRACE if typed else codes.GRACE
    if session is None or not codes.verify(session.secret, session.id, token, now.timestamp(), grace=grace):
        return _refused(N_("This code has changed since it was scanned. Scan the code on the screen again, "
                           "or type the six-character code shown under it."), status=400)
    error = service.window_error(session, now)
    if error:
        return _refused(error, session)
    return _issue(session, "code" if typed else "qr")


@bp.route("/checkin", methods=["GET", "POST"])
@limiter.limit(lambda: current_app.config["ACADEMY_CHECKIN_GUESS_LIMIT"], methods=["POST"], deduct_when=_failed)
def typed():
    """The typed fallback: the short code alone finds its session (codes are per session)."""
    form = CodeForm()
    _binding()  # from the first visit: the ticket it hands out is bound to this browser
    if form.validate_on_submit():
        now = utcnow()
        session = service.find_by_short_code(form.code.data, now)
        error = service.window_error(session, now) if session else None
        if session is None:
            form.code.errors.append(_("That code is not right, or it has changed. "
                                      "Type the code on the screen now."))
        elif error:
            form.code.errors.append(_(error))
        else:
            return _issue(session, "code")
    pending = _read(cookie.get(TICKET_KEY, ""))
    pending_session = db.session.get(TrainingSession, pending.session_id) if pending else None
    return render_template("sessions/checkin_code.html", form=form, pending=pending_session,
                           pending_ticket=cookie.get(TICKET_KEY) if pending else None)


USED = N_("This check-in was already used: each scan checks in one person. Scan the code on the screen again.")


@bp.route("/checkin/t/<ticket>", methods=["GET", "POST"])
@limiter.limit(lambda: current_app.config["ACADEMY_CHECKIN_TICKET_LIMIT"], key_func=_ticket_key, methods=["POST"])
@limiter.limit(lambda: current_app.config["ACADEMY_CHECKIN_SESSION_LIMIT"], key_func=_session_key, methods=["POST"])
def confirm(ticket: str):
    """One tap for the signed in; a short registration form for the rest. A ticket checks in one person."""
    found = _read(ticket)
    if found is None:
        return _refused(N_("This check-in has expired (they last ten minutes). Scan the code on the screen "
                           "again."), status=400)
    session = db.get_or_404(TrainingSession, found.session_id)
    error = service.window_error(session, utcnow())
    if error:
        return _refused(error, session)
    if service.ticket_used(found.nonce):
        return _used(session)
    if current_user.is_authenticated:
        return _confirm_signed_in(session, found, ticket)
    return _register(session, found, ticket)


def _used(session: TrainingSession):
    """The ticket was used: by this person (say so), or by someone else (refuse)."""
    db.session.rollback()
    if current_user.is_authenticated and attendees.has_attended(session, current_user):
        flash(_("You are already checked in."), "info")
        return redirect(url_for("sessions.checked_in", session_id=session.id))
    return _refused(USED, session)


def _confirm_signed_in(session: TrainingSession, found: checkin.Ticket, ticket: str):
    form = EmptyForm()
    if form.validate_on_submit():
        if not service.use_ticket(session, found.nonce, current_user.id):
            return _used(session)
        return _check_in(session, current_user, found.method)
    return render_template("sessions/checkin_confirm.html", session=session, form=form, ticket=ticket,
                           remaining=checkin.seconds_remaining(found, utcnow()))


def _register(session: TrainingSession, found: checkin.Ticket, ticket: str):
    """Register at the door. A new address and a known one get the same page and a mail (no account revealed)."""
    form = CheckinRegisterForm()
    form.set_choices(curriculum().sectors)
    if form.validate_on_submit():
        if not service.use_ticket(session, found.nonce):
            return _used(session)
        sector, subrole = split_sector(form.sector.data)
        now = utcnow()
        try:
            outcome = attendees.register_at_door(session, name=form.name.data, email=form.email.data,
                                                 sector=sector, subrole=subrole, method=found.method,
                                                 organisation=form.organisation.data, now=now)
        except service.SessionError as exc:
            db.session.rollback()  # also drops the ticket's use and an account created for this check-in
            return _refused(str(exc), session)
        db.session.commit()
        cookie.pop(TICKET_KEY, None)
        if outcome.new_account:
            _send_welcome(outcome.user, session)
        else:
            _send_confirmation(outcome.user, session, found.method, now)
        course = get_course(session.course_slug)
        return render_template("sessions/checkin_registered.html", session=session, name=form.name.data,
                               course=course, quiz_required=closing.quiz_required(session, course))
    login_url = url_for("accounts.login", next=url_for("sessions.confirm", ticket=ticket))
    return render_template("sessions/checkin_register.html", session=session, form=form, login_url=login_url,
                           remaining=checkin.seconds_remaining(found, utcnow()))


def _check_in(session: TrainingSession, user, method: str, now=None):
    """Record the attendance and commit."""
    try:
        result = service.check_in(session, user, method=method, now=now)
    except service.SessionError as exc:
        db.session.rollback()
        return _refused(str(exc), session)
    session_id = session.id  # read before the commit expires it: no reload just to build the redirect
    db.session.commit()
    cookie.pop(TICKET_KEY, None)
    if result.created:
        flash(_("You are checked in."), "success")
    else:
        flash(_("You are already checked in."), "info")
    return redirect(url_for("sessions.checked_in", session_id=session_id))


def _mail(user, subject: str, body: str) -> None:
    """Queue a mail after the check-in's own commit, so that it can never undo it."""
    send_mail(user.email, subject, body, user_id=user.id, locale=user.locale)
    db.session.commit()


def _send_welcome(user, session: TrainingSession) -> None:
    """Queue the link to set a password (setting it ends every earlier sign-in: accounts/views.py)."""
    token = accounts.make_reset_token(user, current_app.config["SECRET_KEY"])
    link = current_app.config["ACADEMY_PUBLIC_URL"] + url_for("accounts.reset_password", token=token)
    notices.set_password(user, session, link)
    db.session.commit()


def _send_confirmation(user, session: TrainingSession, method: str, at) -> None:
    """Mail the owner of a known address a link to confirm the check-in by signing in."""
    token = attendees.make_confirmation(current_app.config["SECRET_KEY"], session, user, method, at)
    link = current_app.config["ACADEMY_PUBLIC_URL"] + url_for("sessions.confirm_attendance", token=token)
    _mail(user, *attendees.confirm_mail(user, session, link))


@bp.route("/checkin/confirm/<token>", methods=["GET", "POST"])
@login_required
def confirm_attendance(token: str):
    """The owner of an address used at the door confirms the check-in, signed in as themselves."""
    pending = attendees.read_confirmation(current_app.config["SECRET_KEY"], token)
    if pending is None:
        return _refused(N_("This confirmation link has expired or is not right. Ask the trainer to add you "
                           "by hand."), status=400)
    if pending.user_id != current_user.id:
        abort(403)
    session = db.get_or_404(TrainingSession, pending.session_id)
    form = EmptyForm()
    if form.validate_on_submit():
        return _check_in(session, current_user, pending.method, now=pending.at)
    return render_template("sessions/checkin_pending.html", session=session, form=form, at=pending.at)


@bp.get("/checkin/done/<int:session_id>")
@login_required
def checked_in(session_id: int):
    """After checking in: what it means for the course."""
    session = db.get_or_404(TrainingSession, session_id)
    attendance = db.session.scalar(db.select(Attendance).where(Attendance.session_id == session.id,
                                                               Attendance.user_id == current_user.id))
    if attendance is None:
        return redirect(url_for("sessions.mine"))
    course = get_course(session.course_slug)
    return render_template("sessions/checkin_done.html", session=session, attendance=attendance,
                           course=course, quiz_required=closing.quiz_required(session, course))


@bp.get("/my/sessions")
@login_required
def mine():
    """The attendee's upcoming and attended sessions."""
    upcoming, attended = attendees.sessions_of(current_user)
    return render_template("sessions/mine.html", upcoming=upcoming, attended=attended, form=EmptyForm(),
                           registrations=registration.registrations_of(current_user.id, utcnow()))
