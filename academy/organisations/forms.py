"""Organisation forms; choices are filled by the view."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from flask_wtf.file import FileAllowed, FileField
from wtforms import BooleanField, EmailField, SelectField, StringField, SubmitField, TextAreaField
from wtforms.validators import DataRequired, Email, Length, Optional


class OrganisationForm(FlaskForm):
    name = StringField(_l("Name"), validators=[DataRequired(), Length(max=200)],
                       description=_l("For example “Riverside Police Department”."))
    community = SelectField(_l("Community"), coerce=int)
    sector = SelectField(_l("Sector"), validators=[Optional()])
    submit = SubmitField(_l("Create organisation"))


class LeadForm(FlaskForm):
    email = EmailField(_l("Email of the member who will lead"),
                       validators=[DataRequired(), Email(message=_l("Enter a valid email address.")),
                                   Length(max=254)],
                       description=_l("Members are not listed here: those who did not agree to share are never "
                                      "named."))
    submit = SubmitField(_l("Make a lead"))


class InviteForm(FlaskForm):
    emails = TextAreaField(_l("People to invite"), validators=[Optional(), Length(max=500_000)],
                           description=_l("One a line: an email, optionally with the name (“Ana Ruiz, "
                                          "ana@example.org”)."))
    file = FileField(_l("Or upload a CSV"), validators=[FileAllowed(["csv", "txt"], _l("Upload a .csv file."))],
                     description=_l("With email and name columns."))
    submit = SubmitField(_l("Send invitations"))


class SharingForm(FlaskForm):
    share = BooleanField(_l("Let my organisation's lead see which courses I completed and whether my "
                            "certificates are valid"))
    submit = SubmitField(_l("Save my choice"))
