"""Organisation forms; choices are filled by the view."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from flask_wtf.file import FileAllowed, FileField
from wtforms import BooleanField, EmailField, IntegerField, SelectField, StringField, SubmitField, TextAreaField
from wtforms.validators import DataRequired, Email, InputRequired, Length, NumberRange, Optional


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


class InvitationAnswerForm(FlaskForm):
    """Accept or decline an invitation to join an organisation (the button pressed says which)."""


class SharingForm(FlaskForm):
    share = BooleanField(_l("Let my organisation's lead see which courses I completed and whether my "
                            "certificates are valid"))
    submit = SubmitField(_l("Save my choice"))


class RuleSettingsForm(FlaskForm):
    """What a rule asks; community and sector are chosen when it is created (RuleForm)."""

    course = SelectField(_l("Course whose certificate counts"),
                         validators=[DataRequired(message=_l("Choose a course."))])
    threshold = IntegerField(_l("Share of members who must hold a current certificate (%)"),
                             validators=[InputRequired(message=_l("Give a percentage from 1 to 100.")),
                                         NumberRange(min=1, max=100,
                                                     message=_l("Give a percentage from 1 to 100."))],
                             description=_l("For example 80: at least four members in five."))
    min_members = IntegerField(_l("Fewest members an organisation must have"), default=5,
                               validators=[InputRequired(message=_l("Give a number of members.")),
                                           NumberRange(min=5, max=1_000_000, message=_l(
                                               "At least 5: smaller organisations are never certified, so no "
                                               "one can work out who holds a certificate."))],
                               description=_l("Every active member counts, whether or not they share their "
                                              "progress. Never fewer than 5."))
    active = BooleanField(_l("Active: organisations can be awarded, and awards are re-checked against it"),
                          default=True)
    submit = SubmitField(_l("Save the rule"))


class RuleForm(RuleSettingsForm):
    community = SelectField(_l("Community"), coerce=int)
    sector = SelectField(_l("Sector"), validators=[DataRequired(message=_l("Choose a sector."))])


class RevokeAwardForm(FlaskForm):
    reason = TextAreaField(_l("Reason (private)"),
                           validators=[DataRequired(message=_l("Give a reason.")), Length(max=500)],
                           description=_l("Kept for coordinators, admins and auditors; never shown on the public "
                                          "page."))
    submit = SubmitField(_l("Revoke the credential"))
