"""Compose each kind of message in its recipient's language and queue it in the outbox.

Every function here takes explicit arguments, adds one outbox row (or none, for a person who turned that kind off
or has no address) and flushes; the caller commits. Templates live in templates/mail/<name>.txt and .html.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import datetime
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from babel.dates import format_date, format_time
from flask import current_app
from flask_babel import force_locale

from academy.mail import outbox, prefs
from academy.mail.models import MailMessage


def language_of(user) -> str:
    """The language a person reads mail in: their account's, else the academy's default."""
    languages = current_app.config["LANGUAGES"]
    return user.locale if getattr(user, "locale", None) in languages else current_app.config["BABEL_DEFAULT_LOCALE"]


def link(endpoint: str, **values) -> str:
    """An absolute link into the academy that works from the command line too (no request needed)."""
    adapter = current_app.url_map.bind("academy")
    return current_app.config["ACADEMY_PUBLIC_URL"] + adapter.build(endpoint, values)


def community_name(user, community=None) -> str:
    community = community or getattr(user, "community", None)
    return community.name if community is not None else current_app.config["ACADEMY_NAME"]


def zone_of(community) -> ZoneInfo:
    """The community's time zone (UTC when none or unknown)."""
    try:
        return ZoneInfo(getattr(community, "timezone", None) or "UTC")
    except (ZoneInfoNotFoundError, ValueError):
        return ZoneInfo("UTC")


def when(moment: datetime, community, locale: str) -> str:
    """A moment in the community's time zone, in the reader's language, the zone named."""
    zone = zone_of(community)
    local = moment.astimezone(zone)
    return f"{format_date(local, 'full', locale=locale)}, {format_time(local, 'short', locale=locale)} ({zone.key})"


def day(moment: datetime | None, locale: str) -> str:
    return format_date(moment, "long", locale=locale) if moment else ""


@dataclass(frozen=True)
class Rendered:
    subject: str
    text: str
    html: str
    headers: dict


def deliverable(user, kind: str, optout_checked: bool = False) -> bool:
    """Whether this person can be sent this kind of mail now."""
    if user is None or not user.email or user.deleted_at is not None:
        return False
    return optout_checked or not prefs.is_optional(kind) or not prefs.opted_out(user.id, kind)


def render(user, kind: str, template: str, subject: Callable[[], str], *, community=None, **context) -> Rendered:
    """Render subject, plain text and HTML in the person's language, with the unsubscribe link if optional."""
    locale = language_of(user)
    values = dict(context, user=user, locale=locale, community_name=community_name(user, community),
                  academy_name=current_app.config["ACADEMY_NAME"], preferences_url=link("mail.preferences"),
                  unsubscribe_url=None, when=lambda moment, c=community: when(moment, c, locale),
                  day=lambda moment: day(moment, locale))
    headers = {}
    if prefs.is_optional(kind):
        token = prefs.unsubscribe_token(current_app.config["SECRET_KEY"], user.id, kind)
        values["unsubscribe_url"] = link("mail.unsubscribe", token=token)
        # The link opens a page with one button (a form with a CSRF token, so no one-click POST header).
        headers = {"List-Unsubscribe": f"<{values['unsubscribe_url']}>"}
    env = current_app.jinja_env
    with force_locale(locale):
        title = subject()
        text = env.get_template(f"mail/{template}.txt").render(subject=title, **values)
        html = env.get_template(f"mail/{template}.html").render(subject=title, **values)
    return Rendered(title, text, html, headers)


def compose(user, kind: str, template: str, subject: Callable[[], str], *, community=None,
            attachments: Iterable[dict] = (), flush: bool = True, optout_checked: bool = False,
            **context) -> MailMessage | None:
    """Render a message for a person in their language and queue it; None when it must not be sent.

    optout_checked: the caller (a reminder run) already left out everyone who turned this kind off.
    """
    if not deliverable(user, kind, optout_checked):
        return None
    rendered = render(user, kind, template, subject, community=community, **context)
    return outbox.queue(user.email, rendered.subject, rendered.text, html=rendered.html, user_id=user.id,
                        kind=kind, locale=language_of(user), attachments=attachments, headers=rendered.headers,
                        flush=flush)


def render_deferred(message: MailMessage) -> Rendered | None:
    """Render a message a reminder run queued as a spec; None when it must no longer go out."""
    from academy.mail import notices

    return notices.render_spec(message.render)
