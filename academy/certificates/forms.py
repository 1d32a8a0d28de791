"""Certificate forms: look up a code, check a name, revoke, choose what the credential says, audit codes."""

from __future__ import annotations

from flask_wtf import FlaskForm
from flask_wtf.file import FileField
from wtforms import BooleanField, HiddenField, StringField, SubmitField, TextAreaField
from wtforms.validators import DataRequired, Length, Optional


class VerifyForm(FlaskForm):
    """The public look-up box (a GET form: nothing changes, so no CSRF token)."""

    class Meta:
        csrf = False

    code = StringField(
        "Certificate code",
        validators=[DataRequired(message="Type the code printed on the certificate."), Length(max=128)],
        description="For example 7KQ2-M9XD-4T1B-8HNC-V. Dashes, spaces and lower case are fine.",
    )
    submit = SubmitField("Check")


class NameCheckForm(FlaskForm):
    name = StringField(
        "Name printed on the certificate",
        validators=[DataRequired(message="Type the name."), Length(max=200)],
        description="We only answer whether it matches; the name itself is never shown here.",
    )
    submit = SubmitField("Check the name")


class RevokeForm(FlaskForm):
    reason = TextAreaField(
        "Reason (private)",
        validators=[DataRequired(message="Give a reason."), Length(max=500)],
        description="Kept in the register for coordinators, admins and auditors; never "
        "shown on the public page.",
    )
    submit = SubmitField("Revoke this certificate")


class IncludeNameForm(FlaskForm):
    include_name = BooleanField("Include my name in the signed credential")
    submit = SubmitField("Save my choice")


class AuditCheckForm(FlaskForm):
    codes = TextAreaField(
        "Codes to check",
        validators=[Optional(), Length(max=100_000)],
        description="One code per line, or separated by commas.",
    )
    upload = FileField(
        "Or upload a CSV file of codes",
        description="Up to 1 MB and 1,000 codes; every cell that looks like a code is checked.",
    )
    submit = SubmitField("Check the codes")


class AuditDownloadForm(FlaskForm):
    codes = HiddenField()
    submit = SubmitField("Download the results as CSV")
