"""A person's rights over their own data: download it as JSON, or delete the account.

Deleting keeps the user row (blanked) so ids stay valid: coverage keeps counting the person's training
by sector and community, and their certificates stay verifiable with the holder shown as a deleted
account, unless the person asks for them to be revoked too.
"""

from __future__ import annotations

import json
import logging
from datetime import datetime

from flask import Blueprint, Response, flash, redirect, render_template, url_for
from flask_babel import lazy_gettext as _l
from flask_login import current_user, login_required
from flask_wtf import FlaskForm
from sqlalchemy import func, select
from wtforms import BooleanField, PasswordField, SubmitField
from wtforms.validators import DataRequired, Length

from academy.accounts import signin
from academy.accounts.models import ApiToken, User
from academy.certificates import codes
from academy.certificates import service as certificates
from academy.certificates.models import AuditEvent, Certificate
from academy.courses.models import CourseCompletion, Enrolment, LessonProgress
from academy.database import utcnow
from academy.extensions import db, limiter
from academy.quizzes.models import QuizAttempt
from academy.sessions.models import Attendance

log = logging.getLogger(__name__)
bp = Blueprint("privacy", __name__, template_folder="templates")

DELETED_NAME = "Deleted account"
REVOKE_REASON = "The holder deleted their account and asked for their certificates to be revoked."


class PrivacyError(ValueError):
    """The account cannot be deleted as asked; the message is fit to show."""


class DeleteAccountForm(FlaskForm):
    password = PasswordField(_l("Your password"), validators=[DataRequired(), Length(max=200)],
                             description=_l("To make sure it is you."))
    revoke = BooleanField(_l("Also revoke my certificates"))
    submit = SubmitField(_l("Delete my account"))


# --- export -------------------------------------------------------------------------------------------------


def _iso(moment: datetime | None) -> str | None:
    return moment.isoformat() if moment is not None else None


def _rows(model, user: User) -> list:
    return list(db.session.scalars(select(model).where(model.user_id == user.id).order_by(model.id)))


def _profile(user: User) -> dict:
    community = user.community
    return {"id": user.id, "name": user.name, "email": user.email, "role": user.role, "sector": user.sector,
            "subrole": user.subrole, "organisation": user.organisation, "locale": user.locale,
            "community": {"slug": community.slug, "name": community.name} if community else None,
            "coordinates": sorted(c.slug for c in user.coordinated_communities),
            "created_at": _iso(user.created_at), "password_changed_at": _iso(user.password_changed_at)}


def _learning(user: User) -> dict:
    return {
        "enrolments": [{"course": e.course_slug, "version": e.version, "enrolled_at": _iso(e.enrolled_at),
                        "last_lesson": e.last_lesson_slug, "last_seen_at": _iso(e.last_seen_at)}
                       for e in _rows(Enrolment, user)],
        "progress": [{"course": p.course_slug, "lesson": p.lesson_slug, "version": p.version,
                      "completed_at": _iso(p.completed_at)} for p in _rows(LessonProgress, user)],
        "completions": [{"course": c.course_slug, "version": c.version, "via": c.via,
                         "completed_at": _iso(c.completed_at)} for c in _rows(CourseCompletion, user)],
        "quiz_attempts": [{"course": a.course_slug, "version": a.version, "started_at": _iso(a.started_at),
                           "submitted_at": _iso(a.submitted_at), "score": a.score, "passed": a.passed,
                           "answers": a.answers} for a in _rows(QuizAttempt, user)],
    }


def _certificates(user: User) -> list[dict]:
    return [{"code": codes.group(c.code), "status": c.status(), "course": c.course_slug,
             "title": c.course_title, "version": c.version, "sector": c.sector, "hours": c.hours,
             "earned_via": c.earned_via, "name_on_certificate": c.holder_name,
             "name_in_credential": c.include_name, "issued_at": _iso(c.issued_at),
             "expires_at": _iso(c.expires_at), "revoked_at": _iso(c.revoked_at)}
            for c in _rows(Certificate, user)]


def _attendances(user: User) -> list[dict]:
    return [{"session": a.session_id, "title": a.session.title, "course": a.session.course_slug,
             "starts_at": _iso(a.session.starts_at), "place": a.session.place, "method": a.method,
             "checked_in_at": _iso(a.checked_in_at)} for a in _rows(Attendance, user)]


def export_data(user: User, now: datetime | None = None) -> dict:
    """Return everything the academy holds about a person, as JSON-ready data."""
    tokens = [{"name": t.name, "created_at": _iso(t.created_at), "last_used_at": _iso(t.last_used_at),
               "revoked_at": _iso(t.revoked_at)} for t in _rows(ApiToken, user)]
    actions = db.session.scalars(select(AuditEvent).where(AuditEvent.actor_id == user.id)
                                 .order_by(AuditEvent.id))
    return {"exported_at": _iso(now or utcnow()), "profile": _profile(user), **_learning(user),
            "certificates": _certificates(user), "attendances": _attendances(user), "api_tokens": tokens,
            "actions": [{"at": _iso(e.at), "action": e.action, "subject": f"{e.subject_type} {e.subject_id}"}
                        for e in actions]}


# --- deletion -----------------------------------------------------------------------------------------------


def _last_admin(user: User) -> bool:
    if user.role != "admin":
        return False
    others = select(func.count(User.id)).where(User.role == "admin", User.deleted_at.is_(None),
                                               User.deactivated_at.is_(None), User.id != user.id)
    return not db.session.scalar(others)


def _drop_queued_mail(user: User) -> None:
    """Mail not yet sent to a deleted account goes nowhere (the address is being erased)."""
    from sqlalchemy import delete

    from academy.mail.models import MailMessage

    db.session.execute(delete(MailMessage).where(MailMessage.user_id == user.id,
                                                 MailMessage.status.in_(("queued", "sending"))))


def delete_account(user: User, *, revoke_certificates: bool, now: datetime | None = None) -> int:
    """Blank a person's name, email and password, keep the row for coverage; return certificates revoked."""
    if _last_admin(user):
        raise PrivacyError("You are the only admin: make someone else an admin on the People page first.")
    now = now or utcnow()
    revoked = 0
    for certificate in _rows(Certificate, user):
        if revoke_certificates and certificate.revoked_at is None:
            certificates.revoke_certificate(certificate, user, REVOKE_REASON, now)
            revoked += 1
        certificate.holder_name, certificate.include_name = "", False
    for token in _rows(ApiToken, user):
        token.revoked_at = token.revoked_at or now
    _drop_queued_mail(user)
    user.name, user.email, user.password_hash = DELETED_NAME, None, None
    user.organisation, user.locale, user.deleted_at = None, None, now
    user.coordinated_communities.clear()
    db.session.add(AuditEvent(at=now, actor_id=user.id, action="account.deleted", subject_type="user",
                              subject_id=str(user.id), detail={"certificates_revoked": revoked}))
    db.session.flush()
    log.info("user %s deleted their account (%d certificate(s) revoked)", user.id, revoked)
    return revoked


# --- views --------------------------------------------------------------------------------------------------


@bp.get("/account/data.json")
@login_required
def download():
    """Download everything the academy holds about you, as a JSON file."""
    body = json.dumps(export_data(current_user), indent=2, ensure_ascii=False)
    log.info("user %s downloaded their data", current_user.id)
    return Response(body, mimetype="application/json",
                    headers={"Content-Disposition": 'attachment; filename="academy-my-data.json"',
                             "Cache-Control": "no-store"})


@bp.route("/account/delete", methods=["GET", "POST"])
@login_required
@limiter.limit("10 per hour", methods=["POST"])
def delete():
    """Delete your account after confirming your password; optionally revoke your certificates."""
    form = DeleteAccountForm()
    if form.validate_on_submit():
        if not current_user.check_password(form.password.data):
            form.password.errors.append(_l("That password is not right."))
        else:
            try:
                user = db.session.get(User, current_user.id)  # the user itself: the proxy goes anonymous
                revoked = delete_account(user, revoke_certificates=form.revoke.data)
            except PrivacyError as exc:
                form.password.errors.append(str(exc))
            else:
                signin.end_all(user)
                signin.sign_out(user)
                db.session.commit()
                flash(_l("Your account is deleted.") if not revoked else
                      _l("Your account is deleted and your certificates are revoked."), "success")
                return redirect(url_for("main.home"))
    held = len(_rows(Certificate, current_user))
    return render_template("accounts/delete_account.html", form=form, certificates=held,
                           has_password=bool(current_user.password_hash),
                           last_admin=_last_admin(current_user)), 400 if form.errors else 200
