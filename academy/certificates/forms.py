"""Certificate forms: look up a code, check a name, revoke, choose what the credential says, audit codes."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from flask_wtf.file import FileField
from wtforms import BooleanField, HiddenField, StringField, SubmitField, TextAreaField
from wtforms.validators import DataRequired, Length, Optional


def required_text(label, message, max_length: int, description, field=StringField):
    """Make a text field that must be filled in (saying `message` when empty) and stay within `max_length`."""
    return field(label, validators=[DataRequired(message=message), Length(max=max_length)], description=description)


class VerifyForm(FlaskForm):
    """The public look-up box (a GET form: nothing changes, so no CSRF token)."""

    class Meta:
        csrf = False

    code = required_text(
        _l("Certificate code"), _l("Type the code printed on the certificate."), 128,
        _l("For example 7KQ2-M9XD-4T1B-8HNC-V. Dashes, spaces and lower case are fine."),
    )
    submit = SubmitField(_l("Check"))


class NameCheckForm(FlaskForm):
    name = required_text(
        _l("Name printed on the certificate"), _l("Type the name."), 200,
        _l("We only answer whether it matches; the name itself is never shown here."),
    )
    submit = SubmitField(_l("Check the name"))


class RevokeForm(FlaskForm):
    reason = required_text(
        _l("Reason (private)"), _l("Give a reason."), 500,
        _l("Kept in the register for coordinators, admins and auditors; never shown on the public page."),
        field=TextAreaField,
    )
    submit = SubmitField(_l("Revoke this certificate"))


class IncludeNameForm(FlaskForm):
    include_name = BooleanField(_l("Include my name in the signed credential"))
    submit = SubmitField(_l("Save my choice"))


class AuditCheckForm(FlaskForm):
    codes = TextAreaField(
        _l("Codes to check"),
        validators=[Optional(), Length(max=100_000)],
        description=_l("One code per line, or separated by commas. To check names too, put the name beside "
                       "each code: Priya Patel, F8C2-RS81-AWJZ-15FH-7."),
    )
    upload = FileField(
        _l("Or upload a CSV file of codes"),
        description=_l("Up to 1 MB and 1,000 codes; every cell that looks like a code is checked."),
    )
    submit = SubmitField(_l("Check the codes"))


class AuditDownloadForm(FlaskForm):
    codes = HiddenField()
    submit = SubmitField(_l("Download the results as CSV"))
