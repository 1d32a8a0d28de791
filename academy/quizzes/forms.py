"""Quiz forms: the answers are read from the attempt's own layout, the form only carries the CSRF token."""

from __future__ import annotations

from flask_wtf import FlaskForm
from werkzeug.datastructures import MultiDict

FIELD_PREFIX = "q-"


class AttemptForm(FlaskForm):
    """The CSRF token of a quiz submission; answers arrive as `q-<question id>` fields."""


def field_name(question_id: str) -> str:
    return FIELD_PREFIX + question_id


def read_answers(formdata: MultiDict) -> dict[str, list[str]]:
    """Return {question_id: [option_id, ...]} from every `q-...` field; grading rejects unknown ones."""
    answers: dict[str, list[str]] = {}
    for key in formdata:
        if key.startswith(FIELD_PREFIX):
            chosen = [value for value in formdata.getlist(key) if value != ""]
            answers[key[len(FIELD_PREFIX):]] = chosen
    return answers


def wants_to_submit_unanswered(formdata: MultiDict) -> bool:
    return formdata.get("confirm_unanswered") == "1"
