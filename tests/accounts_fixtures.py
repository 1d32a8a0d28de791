"""Helpers for signing up: registration is finished from a mailed link (academy/accounts/registration.py)."""

from __future__ import annotations

import re
from email import message_from_bytes
from email.policy import default
from pathlib import Path


def last_mail(app):
    """The newest message in the development outbox."""
    newest = max(Path(app.instance_path, "outbox").glob("*.eml"))
    return message_from_bytes(newest.read_bytes(), policy=default)


def register(client, data: dict, next_url: str | None = None):
    """Fill in the sign-up form, open the mailed link and confirm; return the confirming POST's response."""
    url = f"/register?next={next_url}" if next_url else "/register"
    sent = client.post(url, data=data)
    assert sent.status_code == 200 and "Check your email" in sent.get_data(as_text=True), sent.data[:500]
    body = last_mail(client.application).get_content()
    link = re.search(r"https://academy\.test(/register/\S+)", body).group(1)
    return client.post(link)
