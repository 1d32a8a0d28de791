"""The form for a community's own service entry."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import DateField, SelectField, StringField, SubmitField, TextAreaField, URLField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import URL, DataRequired, Length, Optional

from academy.database import utcnow
from academy.resources.service import CATEGORIES


class LocalResourceForm(FlaskForm):
    name = StringField(_l("Name of the service"), validators=[DataRequired(message=_l("Give the service's name.")),
                                                              Length(max=200)])
    category = SelectField(_l("Category"), choices=[SelectChoice(k, v) for k, v in CATEGORIES.items()])
    languages = StringField(_l("Languages"), validators=[Optional(), Length(max=200)],
                            description=_l("Separated by commas: English, Spanish"))
    hours = StringField(_l("Hours"), validators=[Optional(), Length(max=200)])
    how_to_refer = TextAreaField(_l("How to refer someone"), validators=[Optional(), Length(max=500)])
    phone = StringField(_l("Phone"), validators=[Optional(), Length(max=40)])
    url = URLField(_l("Website"), validators=[Optional(), URL(message=_l("Give a full address, https://...")),
                                              Length(max=500)])
    verified_on = DateField(
        _l("Last checked on"),
        default=lambda: utcnow().date(),
        validators=[DataRequired(message=_l("Give the date you last checked this entry."))],
    )
    submit = SubmitField(_l("Save entry"))
