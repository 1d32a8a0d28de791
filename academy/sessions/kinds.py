"""What a session is: the kinds of event a coalition holds. Every kind uses the same QR attendance; only a
training counts towards a course and issues certificates."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l

TRAINING = "training"
MEETING = "stakeholder-meeting"
KINDS = {
    TRAINING: _l("Training"),
    "outreach": _l("Awareness or outreach event"),
    "workshop": _l("Workshop"),
    "listening-group": _l("Listening group"),
    MEETING: _l("Stakeholder meeting"),
    "campaign": _l("Campaign"),
}
