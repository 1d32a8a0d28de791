"""Session forms. Choices (courses, communities, trainers, sectors) are filled by the view from live data."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from flask_wtf.file import FileField
from wtforms import (
    BooleanField,
    DateTimeLocalField,
    EmailField,
    HiddenField,
    IntegerField,
    SelectField,
    SelectMultipleField,
    StringField,
    SubmitField,
    TextAreaField,
)
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, Email, Length, NumberRange, Optional, ValidationError

from academy.accounts.forms import sector_choices
from academy.curriculum.model import Sector
from academy.sessions.kinds import KINDS, TRAINING

DATETIME_FORMAT = "%Y-%m-%dT%H:%M"


class SessionForm(FlaskForm):
    kind = SelectField(_l("Kind of event"), choices=[SelectChoice(k, v) for k, v in KINDS.items()], default=TRAINING,
                       description=_l("Only a training counts towards a course and issues certificates."))
    course = SelectField(_l("Course"), validators=[DataRequired(message=_l("Choose the course taught."))])
    title = StringField(_l("Session name"), validators=[Optional(), Length(max=200)],
                        description=_l("Shown on the check-in screen. Leave empty to use the course title."))
    starts_at = DateTimeLocalField(_l("Starts"), format=DATETIME_FORMAT,
                                   validators=[DataRequired(message=_l("Enter the date and time it starts."))])
    ends_at = DateTimeLocalField(_l("Ends"), format=DATETIME_FORMAT,
                                 validators=[DataRequired(message=_l("Enter the date and time it ends."))])
    place = StringField(_l("Place"), validators=[DataRequired(), Length(max=300)],
                        description=_l("The room and address, as attendees should find it."))
    community = SelectField(_l("Community"), coerce=str, validators=[Optional()])
    capacity = IntegerField(_l("Capacity"), validators=[Optional(), NumberRange(min=1, max=10000)],
                            description=_l("Seats in the room. Check-ins above it are accepted and flagged."))
    trainers = SelectMultipleField(_l("Trainers"), coerce=int, validators=[Optional()],
                                   description=_l("Everyone chosen can show the check-in code and fix the "
                                               "roster."))
    require_quiz = BooleanField(_l("Attendees must also pass the course quiz afterwards"))
    submit = SubmitField(_l("Save session"))

    def set_choices(self, courses, communities, trainers) -> None:
        self.course.choices = [("", _l("Choose a course"))] + [(c.slug, c.title) for c in courses]
        self.community.choices = [("", _l("No community"))] + [(str(c.id), f"{c.name} ({c.timezone.replace('_', ' ')})")
                                                                for c in communities]
        self.trainers.choices = [(u.id, u.name) for u in trainers]

    def validate_ends_at(self, field) -> None:
        if field.data and self.starts_at.data and field.data <= self.starts_at.data:
            raise ValidationError("The session must end after it starts.")


class CheckinRegisterForm(FlaskForm):
    """The short phone-sized form for someone checking in without an account."""

    name = StringField(_l("Full name"),
                       validators=[DataRequired(message=_l("Enter your name.")), Length(max=200)],
                       description=_l("As it should appear on your certificate."))
    email = EmailField(_l("Email"),
                       validators=[DataRequired(), Email(message=_l("Enter a valid email address.")),
                                   Length(max=254)],
                       description=_l("We send a link to set a password; it is never shown to others."))
    sector = SelectField(_l("Your sector and role"),
                         validators=[DataRequired(message=_l("Choose your sector."))])
    organisation = StringField(_l("Organisation"), validators=[Optional(), Length(max=200)])
    submit = SubmitField(_l("Check me in"))

    def set_choices(self, sectors: dict[str, Sector]) -> None:
        self.sector.choices = sector_choices(sectors)


class CodeForm(FlaskForm):
    code = StringField(_l("Code on the screen"),
                       validators=[DataRequired(message=_l("Type the code on the screen.")), Length(max=20)],
                       description=_l("Six letters and digits, shown under the QR code. It changes every 15 "
                                      "seconds."))
    submit = SubmitField(_l("Continue"))


class MarkForm(FlaskForm):
    user_id = HiddenField(validators=[DataRequired()])
    email = HiddenField(validators=[Optional(), Length(max=254)])  # set when the person was found by email
    reason = StringField(_l("Reason"), validators=[Optional(), Length(max=300)])
    submit = SubmitField(_l("Mark present"))


class WalkInForm(FlaskForm):
    name = StringField(_l("Walk-in's full name"), validators=[DataRequired(message=_l("Enter the person's name.")),
                                                          Length(max=200)],
                       description=_l("Someone without an account. Walk-ins are counted but get no certificate."))
    reason = StringField(_l("Reason"), validators=[Optional(), Length(max=300)])
    submit = SubmitField(_l("Add walk-in"))


class ReasonForm(FlaskForm):
    reason = StringField(_l("Reason"), validators=[DataRequired(message=_l("Say why.")), Length(max=300)])
    submit = SubmitField(_l("Remove"))


class PaperForm(FlaskForm):
    names = TextAreaField(_l("Names from the sheet"), validators=[Optional()],
                          description=_l("One person per line: the name, then the email if they wrote one."))
    file = FileField(_l("Or upload a CSV"),
                     description=_l("A column headed “name” and, optionally, one headed “email”."))
    submit = SubmitField(_l("Add to the roster"))
