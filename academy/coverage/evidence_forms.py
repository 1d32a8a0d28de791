"""Forms of the feedback form and the coordinator's checklist."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import BooleanField, RadioField, SelectField, StringField, SubmitField, TextAreaField, URLField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import URL, DataRequired, Length, Optional

SCALE = [SelectChoice(str(n), str(n)) for n in range(1, 6)]


def _scale(label) -> RadioField:
    return RadioField(label, choices=SCALE, coerce=int,
                      validators=[DataRequired(message=_l("Choose a number from 1 to 5."))])


class FeedbackForm(FlaskForm):
    relevance = _scale(_l("How relevant was it to your work? (1 not at all, 5 very)"))
    confidence_before = _scale(_l("Before it, how confident were you to recognise and respond to trafficking?"))
    confidence_after = _scale(_l("And now, after it?"))
    will_do = TextAreaField(_l("What will you do differently?"), validators=[Optional(), Length(max=500)])
    comment = TextAreaField(_l("Anything else?"), validators=[Optional(), Length(max=1000)])
    named = BooleanField(_l("Add my name to my answers (they are anonymous otherwise)"))
    submit = SubmitField(_l("Send feedback"))


class ChecklistForm(FlaskForm):
    question = StringField(validators=[DataRequired()])
    answer = SelectField(_l("Answer"), choices=[SelectChoice("yes", _l("Yes")), SelectChoice("no", _l("No"))])
    note = TextAreaField(_l("Short note"), validators=[Optional(), Length(max=500)])
    evidence_url = URLField(_l("Evidence (a link, optional)"),
                            validators=[Optional(), URL(message=_l("Give a full address, https://...")),
                                        Length(max=500)])
    submit = SubmitField(_l("Save answer"))
