"""Account forms. Choices for sector and community are filled by the view from live data."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import BooleanField, EmailField, PasswordField, SelectField, StringField, SubmitField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, Email, EqualTo, Length, Optional

from academy.curriculum.model import Sector
from academy.i18n import current_locale

INVALID_EMAIL = _l("Enter a valid email address.")
PASSWORD_RULES = [DataRequired(), Length(min=10, max=200, message=_l("Use at least 10 characters."))]


class EmptyForm(FlaskForm):
    """A form with only the CSRF token, for POST-only buttons."""

    submit = SubmitField(_l("Submit"))


class LoginForm(FlaskForm):
    email = EmailField(_l("Email"), validators=[DataRequired(), Length(max=254)])
    password = PasswordField(_l("Password"), validators=[DataRequired(), Length(max=200)])
    remember = BooleanField(_l("Keep me signed in on this device"))
    submit = SubmitField(_l("Sign in"))


def sector_choices(sectors: dict[str, Sector]) -> list:
    """Choices for 'your sector and role' in the reader's language, grouped by sector; values are 'sector/subrole'."""
    choices = [SelectChoice("", _l("Choose your sector and role"))]
    language = current_locale()
    for sector in (s.in_language(language) for s in sectors.values()):
        if sector.shared:
            continue
        if sector.subroles:
            choices += [SelectChoice(f"{sector.id}/{r.id}", r.label, optgroup=sector.label) for r in sector.subroles]
        else:
            choices.append(SelectChoice(f"{sector.id}/", sector.label))
    return choices


def split_sector(value: str) -> tuple[str | None, str | None]:
    sector, _, subrole = (value or "").partition("/")
    return sector or None, subrole or None


class ProfileFields(FlaskForm):
    name = StringField(_l("Full name"), validators=[DataRequired(), Length(max=200)],
                       description=_l("As it should appear on your certificates."))
    sector = SelectField(_l("Your sector and role"),
                         validators=[DataRequired(message=_l("Choose your sector."))],
                         description=_l("Courses for your sector are shown first."))
    organisation = StringField(_l("Organisation"), validators=[Optional(), Length(max=200)])
    community = SelectField(_l("Community"), coerce=str, validators=[Optional()],
                            description=_l("The coalition you train with, if any."))

    def set_choices(self, sectors: dict[str, Sector], communities) -> None:
        self.sector.choices = sector_choices(sectors)
        self.community.choices = [SelectChoice("", _l("Not listed / none"))] + [
            SelectChoice(str(c.id), c.name) for c in communities]


class RegisterForm(ProfileFields):
    employer = SelectField(_l("The organisation you train through"), coerce=str, validators=[Optional()],
                           description=_l("If your employer is listed. It sees only that you are a member unless "
                                          "you tick the box below."))
    share = BooleanField(_l("Let my organisation's lead see which courses I completed and whether my "
                            "certificates are valid"))
    email = EmailField(_l("Email"), validators=[DataRequired(), Email(message=INVALID_EMAIL),
                                                Length(max=254)])
    password = PasswordField(_l("Password"), validators=PASSWORD_RULES)
    confirm = PasswordField(_l("Repeat password"), validators=[DataRequired(), EqualTo("password",
                                                            message=_l("The passwords do not match."))])
    submit = SubmitField(_l("Create account"))


class ProfileForm(ProfileFields):
    locale = SelectField(_l("Language"), choices=[SelectChoice("en", "English", render_kw={"lang": "en"}),
                                                  SelectChoice("es", "Español", render_kw={"lang": "es"}),
                                                  SelectChoice("fr", "Français", render_kw={"lang": "fr"})])
    submit = SubmitField(_l("Save"))


class ResetRequestForm(FlaskForm):
    email = EmailField(_l("Email"), validators=[DataRequired(), Email(message=INVALID_EMAIL),
                                                Length(max=254)])
    submit = SubmitField(_l("Send the link"))


class ResetPasswordForm(FlaskForm):
    password = PasswordField(_l("New password"), validators=PASSWORD_RULES)
    confirm = PasswordField(_l("Repeat password"), validators=[DataRequired(), EqualTo("password",
                                                            message=_l("The passwords do not match."))])
    submit = SubmitField(_l("Set password"))
