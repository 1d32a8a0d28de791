"""Admin console forms; choices (roles, communities, zones) are filled by the view."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from flask_wtf.file import FileAllowed, FileField, FileRequired
from wtforms import BooleanField, EmailField, HiddenField, SelectField, SelectMultipleField, StringField, SubmitField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, Email, Length, Optional

from academy.accounts.models import ROLES


class RoleForm(FlaskForm):
    role = SelectField(_l("Role"), choices=[SelectChoice(r, r.title()) for r in ROLES])
    submit = SubmitField(_l("Change role"))


class CommunitiesForm(FlaskForm):
    communities = SelectMultipleField(_l("Communities they work in"), coerce=int, validators=[Optional()])
    submit = SubmitField(_l("Save communities"))


class MergeForm(FlaskForm):
    email = EmailField(_l("Email of the other account"),
                       validators=[DataRequired(), Email(message=_l("Enter a valid email address.")),
                                   Length(max=254)],
                       description=_l("Its enrolments, attempts, attendance and certificates move to this "
                                      "account, and it is deactivated. The merge can be undone."))
    submit = SubmitField(_l("Merge into this account"))


class ImportForm(FlaskForm):
    file = FileField(_l("CSV file"), validators=[FileRequired(_l("Choose a CSV file.")),
                                                 FileAllowed(["csv", "txt"], _l("Upload a .csv file."))],
                     description=_l("Columns: name, email, role, community, organisation, sector, sub-role. "
                                    "Name and email are required."))
    submit = SubmitField(_l("Check the file"))


class ConfirmImportForm(FlaskForm):
    upload = HiddenField(validators=[DataRequired(), Length(max=64)])
    invite = BooleanField(_l("Email each new person an invitation to set their password"), default=True)
    submit = SubmitField(_l("Import the good rows"))


class CommunityForm(FlaskForm):
    name = StringField(_l("Name"), validators=[DataRequired(), Length(max=200)])
    slug = StringField(_l("Short name"), validators=[DataRequired(), Length(max=64)],
                       description=_l("Lower-case letters, digits and hyphens, used in links and imports."))
    timezone = SelectField(_l("Time zone"), validators=[DataRequired()],
                           description=_l("Sessions of this community are entered and shown in it."))
    jurisdiction = SelectField(_l("Country or province"),
                               description=_l("Picks the hotlines and services its members are shown."))
    logo = FileField(_l("Logo"), validators=[FileAllowed(["png", "jpg", "jpeg"], _l("Upload a PNG or JPEG."))],
                     description=_l("Printed on its certificates. PNG or JPEG, under 1 MB."))
    signatory_name = StringField(_l("Who signs its certificates"), validators=[Optional(), Length(max=200)])
    signatory_title = StringField(_l("Their title"), validators=[Optional(), Length(max=200)])
    submit = SubmitField(_l("Save community"))
