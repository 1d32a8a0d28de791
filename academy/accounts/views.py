"""Sign in, sign out, register, reset a password, edit the profile."""

from __future__ import annotations

from flask import Blueprint, abort, current_app, flash, redirect, render_template, request, session, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required
from sqlalchemy import select

from academy.accounts import forms, service, signin
from academy.accounts.mail import send_mail
from academy.accounts.models import Community, User
from academy.courses.catalog import curriculum
from academy.extensions import db, limiter
from academy.redirects import is_safe_next

bp = Blueprint("accounts", __name__, template_folder="templates")


def _communities():
    return db.session.scalars(select(Community).order_by(Community.name)).all()


def _account_key() -> str:
    """Sign-in limits per account: the address typed, as the lookup reads it, whatever browser or network."""
    return "account:" + request.form.get("email", "").strip().lower()[:254]


def _refused(response) -> bool:
    """A sign-in counts against the account only when it fails (a success redirects)."""
    return response.status_code != 302


@bp.route("/login", methods=["GET", "POST"])
# Strict per account: a guesser gets a handful of passwords a minute, from any number of addresses.
@limiter.limit(lambda: current_app.config["ACADEMY_SIGNIN_ACCOUNT_LIMIT"], key_func=_account_key, methods=["POST"],
               deduct_when=_refused)
# Loose per address: a room of 200 behind one Wi-Fi address signs in within a few minutes.
@limiter.limit(lambda: current_app.config["ACADEMY_SIGNIN_ADDRESS_LIMIT"], methods=["POST"])
def login():
    if current_user.is_authenticated:
        return redirect(url_for("main.home"))
    form = forms.LoginForm()
    if form.validate_on_submit():
        user = service.authenticate(form.email.data, form.password.data)
        if user is None:
            form.password.errors.append(_("The email or password is not right."))
        else:
            signin.sign_in(user, remember=form.remember.data)
            db.session.commit()
            current_app.logger.info("user %s signed in", user.id)
            target = request.args.get("next")
            return redirect(target if is_safe_next(target) else url_for("main.home"))
    return render_template("accounts/login.html", form=form)


@bp.post("/logout")
@login_required
def logout():
    signin.sign_out(db.session.get(User, current_user.id))  # the user itself: the proxy goes anonymous
    db.session.commit()
    flash(_("You are signed out."), "info")
    return redirect(url_for("main.home"))


@bp.route("/register", methods=["GET", "POST"])
@limiter.limit("10 per hour", methods=["POST"])
def register():
    if current_user.is_authenticated:
        return redirect(url_for("main.home"))
    form = forms.RegisterForm()
    form.set_choices(curriculum().sectors, _communities())
    if form.validate_on_submit():
        sector, subrole = forms.split_sector(form.sector.data)
        try:
            user = service.create_user(
                email=form.email.data, name=form.name.data, password=form.password.data, sector=sector,
                subrole=subrole, organisation=form.organisation.data,
                community_id=int(form.community.data) if form.community.data else None)
        except service.AccountError:  # the only one a trainee's sign-up can meet: the email is taken
            form.email.errors.append(_("An account with this email already exists."))
        else:
            user.locale = session.get("locale")  # keep the language chosen before signing up
            signin.sign_in(user)
            db.session.commit()
            flash(_("Welcome, %(name)s. Your account is ready.", name=user.name), "success")
            target = request.args.get("next")
            return redirect(target if is_safe_next(target) else url_for("courses.catalogue"))
    return render_template("accounts/register.html", form=form)


@bp.route("/reset", methods=["GET", "POST"])
@limiter.limit("5 per hour", methods=["POST"])
def reset_request():
    form = forms.ResetRequestForm()
    if form.validate_on_submit():
        user = service.find_by_email(form.email.data)
        if user is not None and user.is_active:
            token = service.make_reset_token(user, current_app.config["SECRET_KEY"])
            link = current_app.config["ACADEMY_PUBLIC_URL"] + url_for("accounts.reset_password", token=token)
            send_mail(user.email, _("Set your academy password"),
                      _("Hello %(name)s,\n\nUse this link within an hour to set your password:\n%(link)s\n\n"
                        "If you did not ask for it, ignore this message.\n", name=user.name, link=link),
                      user_id=user.id)
        flash(_("If an account uses that address, a link to set a password is on its way."), "info")
        return redirect(url_for("accounts.login"))
    return render_template("accounts/reset_request.html", form=form)


@bp.route("/reset/<token>", methods=["GET", "POST"])
@limiter.limit("10 per hour", methods=["POST"])
def reset_password(token: str):
    user = service.user_from_reset_token(token, current_app.config["SECRET_KEY"],
                                         current_app.config["PASSWORD_RESET_MAX_AGE"])
    if user is None:
        flash(_("That link has expired or was already used. Ask for a new one."), "error")
        return redirect(url_for("accounts.reset_request"))
    form = forms.ResetPasswordForm()
    if form.validate_on_submit():
        user.set_password(form.password.data)
        signin.end_all(user)  # a copied cookie of any earlier sign-in opens nothing now
        db.session.commit()
        current_app.logger.info("user %s set a new password", user.id)
        flash(_("Your password is set. Sign in with it now."), "success")
        return redirect(url_for("accounts.login"))
    return render_template("accounts/reset_password.html", form=form)


@bp.route("/account", methods=["GET", "POST"])
@login_required
def profile():
    form = forms.ProfileForm(obj=current_user)
    form.set_choices(curriculum().sectors, _communities())
    if request.method == "GET":
        form.sector.data = f"{current_user.sector or ''}/{current_user.subrole or ''}"
        form.community.data = str(current_user.community_id or "")
        form.locale.data = current_user.locale or "en"
    if form.validate_on_submit():
        current_user.name = form.name.data.strip()
        current_user.sector, current_user.subrole = forms.split_sector(form.sector.data)
        current_user.organisation = (form.organisation.data or "").strip() or None
        current_user.community_id = int(form.community.data) if form.community.data else None
        current_user.locale = form.locale.data
        db.session.commit()
        flash(_("Your profile is saved."), "success")
        return redirect(url_for("accounts.profile"))
    return render_template("accounts/profile.html", form=form)


@bp.post("/account/sign-out-everywhere")
@login_required
def sign_out_everywhere():
    """End every sign-in of this account, on every device (a lost phone, a shared computer), this one too."""
    if not forms.EmptyForm().validate_on_submit():
        abort(400)
    user = db.session.get(User, current_user.id)  # the user itself: the proxy goes anonymous
    ended = signin.end_all(user)
    signin.sign_out(user)
    db.session.commit()
    current_app.logger.info("user %s signed out everywhere (%s sign-ins ended)", user.id, ended)
    flash(_("You are signed out on every device. Sign in again here when you need to."), "info")
    return redirect(url_for("accounts.login"))
