"""Mail preferences (signed in) and the unsubscribe link (works signed out)."""

from __future__ import annotations

from flask import Blueprint, abort, current_app, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required
from flask_wtf import FlaskForm
from wtforms import BooleanField

from academy.accounts.forms import EmptyForm
from academy.accounts.models import User
from academy.extensions import db
from academy.mail import prefs

bp = Blueprint("mail", __name__, template_folder="templates")


def preferences_form(choices: dict[str, bool]) -> FlaskForm:
    """A form with one checkbox per optional kind of mail."""

    class PreferencesForm(FlaskForm):
        pass

    for kind, label in prefs.OPTIONAL.items():
        setattr(PreferencesForm, kind.replace("-", "_"), BooleanField(label, default=choices[kind]))
    return PreferencesForm()


@bp.route("/account/mail", methods=["GET", "POST"])
@login_required
def preferences():
    """Turn optional mail (reminders, digests) on or off; security mail always goes out."""
    form = preferences_form(prefs.choices(current_user.id))
    if form.validate_on_submit():
        for kind in prefs.OPTIONAL:
            prefs.set_choice(current_user.id, kind, bool(form[kind.replace("-", "_")].data))
        db.session.commit()
        flash(_("Your email preferences are saved."), "success")
        return redirect(url_for("mail.preferences"))
    return render_template("mail/preferences.html", form=form,
                           fields=[form[kind.replace("-", "_")] for kind in prefs.OPTIONAL])


@bp.route("/mail/unsubscribe/<token>", methods=["GET", "POST"])
def unsubscribe(token: str):
    """Stop one kind of optional mail from the link in it, signed in or not (POST also serves one-click)."""
    found = prefs.read_unsubscribe_token(current_app.config["SECRET_KEY"], token)
    user = db.session.get(User, found[0]) if found else None
    if user is None or user.deleted_at is not None:
        abort(404)
    kind = found[1]
    form = EmptyForm()
    done = form.validate_on_submit()  # a CSRF token too: the page's button, signed in or not
    if done:
        prefs.set_choice(user.id, kind, False)
        db.session.commit()
        done = True
    return render_template("mail/unsubscribe.html", form=form, label=prefs.OPTIONAL[kind], done=done)
