"""Mail a person a link to set their password: an admin's "send a password link", an import's invitation."""

from __future__ import annotations

from flask import current_app
from flask_babel import gettext as _

from academy.accounts import service
from academy.accounts.mail import send_mail
from academy.accounts.models import User


def password_link(user: User) -> str:
    token = service.make_reset_token(user, current_app.config["SECRET_KEY"])
    return current_app.config["ACADEMY_PUBLIC_URL"].rstrip("/") + f"/reset/{token}"


def send_password_link(user: User) -> None:
    """Mail `user` a link to set their password (it works once and for an hour)."""
    send_mail(user.email, _("Set your academy password"),
              _("Hello %(name)s,\n\nUse this link within an hour to set your password:\n%(link)s\n\n"
                "If you did not ask for it, ignore this message.\n", name=user.name, link=password_link(user)),
              user_id=user.id)


def send_invitation(user: User, *, inviter: str = "", organisation: str = "") -> None:
    """Mail a new account its invitation, with a link to set a password."""
    where = _(" with %(organisation)s", organisation=organisation) if organisation else ""
    send_mail(user.email, _("You are invited to the academy"),
              _("Hello %(name)s,\n\n%(inviter)s invited you to train in the academy%(where)s.\n"
                "Set your password with this link (it works for an hour; ask for a new one on the sign-in page "
                "any time):\n%(link)s\n", name=user.name, inviter=inviter or _("Your coalition"), where=where,
                link=password_link(user)),
              user_id=user.id)
