"""One function per kind of message: what it says and what it carries. Each queues at most one message."""

from __future__ import annotations

from flask_babel import gettext as _

from academy.certificates import codes, qr
from academy.mail.messages import compose, deliverable, link, render


def _verify_url(certificate) -> str:
    from flask import current_app

    return qr.verify_url(current_app.config["ACADEMY_PUBLIC_URL"], certificate.code)


def certificate_issued(certificate):
    """Tell the holder their certificate is issued: its verify link, the PDF attached."""
    return compose(certificate.user, "certificate-issued", "certificate_issued",
                   lambda: _("Your certificate for %(course)s", course=certificate.course_title),
                   community=certificate.community,
                   attachments=[{"type": "certificate-pdf", "code": certificate.code}],
                   course_title=certificate.course_title, expires_at=certificate.expires_at,
                   verify_url=_verify_url(certificate))


def certificate_revoked(certificate):
    """Tell the holder a certificate was withdrawn (never the private reason)."""
    return compose(certificate.user, "certificate-revoked", "certificate_revoked",
                   lambda: _("Your certificate for %(course)s was withdrawn", course=certificate.course_title),
                   community=certificate.community, course_title=certificate.course_title,
                   code=codes.group(certificate.code), verify_url=_verify_url(certificate))


def _expiry_parts(certificate, days: int):
    from academy.mail import renewal

    def subject() -> str:
        if days > 0:
            return _("Your certificate for %(course)s expires in %(days)s days", course=certificate.course_title,
                     days=days)
        return _("Your certificate for %(course)s has expired", course=certificate.course_title)

    context = {"course_title": certificate.course_title, "expires_at": certificate.expires_at, "days": days,
               "renew_url": renewal.renew_url(certificate), "refresher": renewal.has_refresher(certificate.course_slug),
               "verify_url": _verify_url(certificate)}
    return subject, context


def expiry_reminder(certificate, days: int, *, flush: bool = True):
    """Remind the holder that a certificate expires in `days` days (0: it has expired).

    A reminder run queues {"notice": "expiry", ...} rows instead (see render_spec): `academy mail send` renders them.
    """
    subject, context = _expiry_parts(certificate, days)
    return compose(certificate.user, "expiry-reminder", "expiry_reminder", subject, community=certificate.community,
                   flush=flush, **context)


def render_spec(spec: dict):
    """Render a deferred message now; None when its subject is gone or its reader no longer wants it."""
    from academy.certificates.models import Certificate
    from academy.extensions import db

    if spec.get("notice") != "expiry":
        raise ValueError(f"unknown deferred message {spec!r}")
    certificate = db.session.get(Certificate, spec["certificate_id"])
    if certificate is None or certificate.revoked_at is not None or not deliverable(certificate.user,
                                                                                      "expiry-reminder"):
        return None
    subject, context = _expiry_parts(certificate, spec["days"])
    return render(certificate.user, "expiry-reminder", "expiry_reminder", subject, community=certificate.community,
                  **context)


def set_password(user, session, reset_url: str):
    """Give a walk-in who was just given an account the link to set a password (security mail)."""
    return compose(user, "set-password", "set_password",
                   lambda: _("You are checked in: set your academy password"), community=session.community,
                   session_title=session.title, reset_url=reset_url)


SESSION_SUBJECTS = {
    "confirmed": lambda s: _("Registered: %(title)s", title=s.title),
    "waiting": lambda s: _("Waiting list: %(title)s", title=s.title),
    "promoted": lambda s: _("A place opened: %(title)s", title=s.title),
    "changed": lambda s: _("Changed: %(title)s", title=s.title),
    "withdrawn": lambda s: _("Registration cancelled: %(title)s", title=s.title),
    "session-cancelled": lambda s: _("Cancelled: %(title)s", title=s.title),
    "reminder": lambda s: _("Tomorrow: %(title)s", title=s.title),
}


def session_mail(user, session, event: str, *, ics: str | None = None, position: int | None = None,
                 flush: bool = True):
    """Tell a person about their registration for a session (kind session-registration, or session-reminder)."""
    kind = {"reminder": "session-reminder", "session-cancelled": "session-cancelled"}.get(event,
                                                                                       "session-registration")
    attachments = [{"type": "ics", "filename": "session.ics", "content": ics}] if ics else []
    return compose(user, kind, "session", lambda: SESSION_SUBJECTS[event](session), community=session.community,
                   attachments=attachments, session=session, event=event, ics=bool(ics), position=position,
                   mine_url=link("sessions.mine"), flush=flush)


def digest(user, *, group_name: str, named: list[dict], unnamed: int, community=None, overdue: list[dict] = (),
           flush: bool = True):
    """The monthly digest of certificates expiring in the next 60 days, for a lead or a coordinator; for a
    coordinator, also the community's local service entries not checked for 12 months (name, date, edit link)."""
    total = len(named) + unnamed

    def subject() -> str:
        if total or not overdue:
            return _("Certificates expiring in %(group)s", group=group_name)
        return _("Local services to check again in %(group)s", group=group_name)

    manage_url = link("resources.manage", community=community.slug) if overdue and community is not None else None
    return compose(user, "digest", "digest", subject, community=community, group_name=group_name, named=named,
                   unnamed=unnamed, total=total, overdue=list(overdue), manage_url=manage_url, flush=flush)


def feedback_invitation(user, session, *, flush: bool = True):
    """Invite an attendee of a closed session to its feedback form (optional mail, in their language)."""
    return compose(user, "feedback-invitation", "feedback_invitation",
                   lambda: _("Your feedback on %(title)s", title=session.title), community=session.community,
                   session=session, feedback_url=link("evidence.session_feedback", session_id=session.id),
                   flush=flush)


def feedback_invitations(session) -> int:
    """Invite every attendee with an account of a session just closed, once each; return how many were queued.

    A walk-in without an account, a deleted account, or someone who turned this mail off gets none.
    """
    from academy.coverage import feedback

    queued, seen = 0, set()
    for attendance in session.attendances:
        user = attendance.user
        if user is None or user.id in seen:
            continue
        seen.add(user.id)
        if feedback.given(user.id, course_slug=session.course_slug, session_id=session.id):
            continue
        if feedback_invitation(user, session, flush=False) is not None:
            queued += 1
    return queued
