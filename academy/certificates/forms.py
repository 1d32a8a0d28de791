"""Certificate forms: look up a code, check a name, revoke, choose what the credential says, audit codes."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from flask_wtf.file import FileField
from wtforms import BooleanField, HiddenField, StringField, SubmitField, TextAreaField
from wtforms.validators import DataRequired, Length, Optional


class VerifyForm(FlaskForm):
    """The public look-up box (a GET form: nothing changes, so no CSRF token)."""

    class Meta:
        csrf = False

    code = StringField(
        _l("Certificate code"),
        validators=[DataRequired(message=_l("Type the code printed on the certificate.")), Length(max=128)],
        description=_l("For example 7KQ2-M9XD-4T1B-8HNC-V. Dashes, spaces and lower case are fine."),
    )
    submit = SubmitField(_l("Check"))


class NameCheckForm(FlaskForm):
    name = StringField(
        _l("Name printed on the certificate"),
        validators=[DataRequired(message=_l("Type the name.")), Length(max=200)],
        description=_l("We only answer whether it matches; the name itself is never shown here."),
    )
    submit = SubmitField(_l("Check the name"))


class RevokeForm(FlaskForm):
    reason = TextAreaField(
        _l("Reason (private)"),
        validators=[DataRequired(message=_l("Give a reason.")), Length(max=500)],
        description=_l("Kept in the register for coordinators, admins and auditors; never "
        "shown on the public page."),
    )
    submit = SubmitField(_l("Revoke this certificate"))


class IncludeNameForm(FlaskForm):
    include_name = BooleanField(_l("Include my name in the signed credential"))
    submit = SubmitField(_l("Save my choice"))


class AuditCheckForm(FlaskForm):
    codes = TextAreaField(
        _l("Codes to check"),
        validators=[Optional(), Length(max=100_000)],
        description=_l("One code per line, or separated by commas."),
    )
    upload = FileField(
        _l("Or upload a CSV file of codes"),
        description=_l("Up to 1 MB and 1,000 codes; every cell that looks like a code is checked."),
    )
    submit = SubmitField(_l("Check the codes"))


class AuditDownloadForm(FlaskForm):
    codes = HiddenField()
    submit = SubmitField(_l("Download the results as CSV"))
