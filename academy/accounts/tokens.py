"""Personal API tokens: created (and shown once) on the profile page, stored as SHA-256 only, revocable.

Scripts send them as `Authorization: Bearer <token>`; the request loader below reads them on /api/ routes
only, so a token never signs anyone in to the web pages.
"""

from __future__ import annotations

import hashlib
import logging
import secrets
from collections.abc import Sequence
from datetime import datetime, timedelta

from flask import Blueprint, abort, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from flask_wtf import FlaskForm
from sqlalchemy import select
from wtforms import StringField, SubmitField
from wtforms.validators import DataRequired, Length

from academy.accounts.models import ApiToken, User
from academy.accounts.permissions import role_required
from academy.database import utcnow
from academy.extensions import db, login_manager

log = logging.getLogger(__name__)

PREFIX = "acd_"
HOLDERS = ("coordinator", "auditor", "admin")
TOUCH_EVERY = timedelta(minutes=1)  # last_used_at is written at most once a minute per token

bp = Blueprint("tokens", __name__, template_folder="templates")


# --- rules --------------------------------------------------------------------------------------------------


def digest(token: str) -> str:
    """Return the SHA-256 of a token, as stored."""
    return hashlib.sha256(token.encode()).hexdigest()


def create_token(user: User, name: str, now: datetime | None = None) -> tuple[ApiToken, str]:
    """Create a token for a user; return the record and the token itself, which is never stored."""
    token = PREFIX + secrets.token_urlsafe(32)
    record = ApiToken(user_id=user.id, name=name.strip()[:100], token_hash=digest(token), created_at=now or utcnow())
    db.session.add(record)
    db.session.flush()
    log.info("api token %s created by user %s", record.id, user.id)
    return record, token


def tokens_of(user: User) -> Sequence[ApiToken]:
    """Return a user's tokens, live ones first, newest first."""
    query = select(ApiToken).where(ApiToken.user_id == user.id)
    return db.session.scalars(
        query.order_by(ApiToken.revoked_at.is_not(None), ApiToken.created_at.desc(), ApiToken.id.desc())
    ).all()


def revoke_token(record: ApiToken, now: datetime | None = None) -> None:
    """Revoke a token; it is refused from then on."""
    if record.revoked_at is None:
        record.revoked_at = now or utcnow()
        db.session.flush()
        log.info("api token %s revoked by user %s", record.id, record.user_id)


def user_for_token(token: str, now: datetime | None = None) -> User | None:
    """Return the live account a live token belongs to, noting when it was used; None otherwise."""
    if not token.startswith(PREFIX) or len(token) > 200:
        return None
    # Looked up by its SHA-256: timing reveals nothing of a stored hash, the token having 256 random bits.
    record = db.session.scalar(select(ApiToken).where(ApiToken.token_hash == digest(token)))
    if record is None or record.revoked_at is not None:
        return None
    user = record.user
    if user is None or not user.is_active or user.role not in HOLDERS:
        return None
    now = now or utcnow()
    if record.last_used_at is None or now - record.last_used_at >= TOUCH_EVERY:
        record.last_used_at = now
        db.session.commit()  # request plumbing: the API views only read, so nothing else would commit it
    return user


def load_from_request(request) -> User | None:
    """Flask-Login request loader: a Bearer token, on /api/ routes only."""
    if not request.path.startswith("/api/"):
        return None
    scheme, _, value = request.headers.get("Authorization", "").partition(" ")
    if scheme.lower() != "bearer" or not value.strip():
        return None
    return user_for_token(value.strip())


@bp.record_once
def _install_loader(state) -> None:
    login_manager.request_loader(load_from_request)


@bp.app_context_processor
def _profile_helpers() -> dict:
    return {"api_tokens_of": tokens_of, "api_token_holders": HOLDERS}


# --- pages --------------------------------------------------------------------------------------------------


class TokenForm(FlaskForm):
    name = StringField(
        _l("Token name"),
        validators=[DataRequired(message=_l("Name the token, e.g. the script using it.")), Length(max=100)],
        description=_l("What the token is for, e.g. 'Quarterly report script'."),
    )
    submit = SubmitField(_l("Create token"))


@bp.route("/account/tokens/new", methods=["GET", "POST"])
@role_required(*HOLDERS)
def new_token():
    """Create a personal API token and show it, once."""
    form = TokenForm()
    if form.validate_on_submit():
        record, token = create_token(current_user, form.name.data)
        db.session.commit()
        response = render_template("accounts/token_created.html", record=record, token=token)
        return response, 200, {"Cache-Control": "no-store"}
    return render_template("accounts/token_new.html", form=form)


@bp.post("/account/tokens/<int:token_id>/revoke")
@role_required(*HOLDERS)
def revoke(token_id: int):
    """Revoke one of the signed-in user's tokens."""
    record = db.get_or_404(ApiToken, token_id)
    if record.user_id != current_user.id:
        abort(404)
    revoke_token(record)
    db.session.commit()
    flash(_("The token “%(name)s” is revoked: scripts using it are refused from now on.", name=record.name), "success")
    return redirect(url_for("accounts.profile") + "#tokens-h")
