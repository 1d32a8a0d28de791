"""Sign in, sign out, register, reset a password, edit the profile."""

from __future__ import annotations

from flask import Blueprint, abort, current_app, flash, redirect, render_template, request, session, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required
from sqlalchemy import select
from werkzeug.security import generate_password_hash
from wtforms.fields.choices import SelectChoice

from academy.accounts import forms, registration, service, signin
from academy.accounts.mail import send_mail
from academy.accounts.models import Community, User
from academy.certificates.service import outdated_names
from academy.courses.catalog import curriculum
from academy.extensions import db, limiter
from academy.organisations.models import Organisation
from academy.redirects import is_safe_next

bp = Blueprint("accounts", __name__, template_folder="templates")


def employer_choices() -> list[SelectChoice]:
    """Organisations to choose at sign-up, grouped by community."""
    rows = db.session.execute(select(Organisation, Community).join(Community, Community.id == Organisation.community_id)
                              .order_by(Community.name, Organisation.name))
    return [SelectChoice("", _("None, or not listed"))] + [
        SelectChoice(str(o.id), o.name, optgroup=c.name) for o, c in rows]


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
    """Sign up: the same answer whether or not the address has an account; the mail finishes it."""
    if current_user.is_authenticated:
        return redirect(url_for("main.home"))
    form = forms.RegisterForm()
    form.set_choices(curriculum().sectors, _communities())
    form.employer.choices = employer_choices()
    if form.validate_on_submit():
        existing = service.find_by_email(form.email.data)
        if existing is None:
            sector, subrole = forms.split_sector(form.sector.data)
            target = request.args.get("next")
            token = registration.make_token(
                current_app.config["SECRET_KEY"], email=form.email.data, name=form.name.data,
                password=form.password.data, sector=sector, subrole=subrole, organisation=form.organisation.data,
                community_id=int(form.community.data) if form.community.data else None,
                locale=session.get("locale"), next_url=target if is_safe_next(target) else None,
                organisation_id=int(form.employer.data) if form.employer.data else None,
                shares=bool(form.share.data))
            link = _public(url_for("accounts.finish_registration", token=token))
            send_mail(service.normalise_email(form.email.data), *registration.welcome_mail(form.name.data, link))
        else:
            _mail_taken(existing)
        db.session.commit()  # the mail is queued in the database either way
        return render_template("accounts/register_sent.html")
    return render_template("accounts/register.html", form=form)


def _public(path: str) -> str:
    return current_app.config["ACADEMY_PUBLIC_URL"] + path


def _mail_taken(user) -> None:
    """Tell the owner of an address that someone tried to register with it (hashing as a new sign-up would)."""
    generate_password_hash("equal work for a taken address")
    link = _public(url_for("accounts.reset_password",
                           token=service.make_reset_token(user, current_app.config["SECRET_KEY"])))
    send_mail(user.email, *registration.taken_mail(user, link), user_id=user.id)


@bp.route("/register/<token>", methods=["GET", "POST"])
@limiter.limit("10 per hour", methods=["POST"])
def finish_registration(token: str):
    """Create the account from the mailed link (one button: mail scanners that open links create nothing)."""
    pending = registration.read_token(current_app.config["SECRET_KEY"], token)
    if pending is None:
        flash(_("That link has expired or is not right. Sign up again."), "error")
        return redirect(url_for("accounts.register"))
    form = forms.EmptyForm()
    if not form.validate_on_submit():
        return render_template("accounts/register_finish.html", form=form, name=pending.name)
    try:
        user = registration.create_from(pending)
    except service.AccountError:
        db.session.rollback()
        flash(_("This account is ready: sign in."), "info")
        return redirect(url_for("accounts.login"))
    signin.sign_in(user)
    db.session.commit()
    flash(_("Welcome, %(name)s. Your account is ready.", name=user.name), "success")
    return redirect(pending.next if is_safe_next(pending.next) else url_for("courses.catalogue"))


@bp.route("/reset", methods=["GET", "POST"])
@limiter.limit("5 per hour", methods=["POST"])
def reset_request():
    """Mail a link to set a password; an unknown address gets a mail too, so both take as long."""
    form = forms.ResetRequestForm()
    if form.validate_on_submit():
        user = service.find_by_email(form.email.data)
        if user is not None and user.is_active:
            token = service.make_reset_token(user, current_app.config["SECRET_KEY"])
            link = _public(url_for("accounts.reset_password", token=token))
            send_mail(user.email, _("Set your academy password"),
                      _("Hello %(name)s,\n\nUse this link within an hour to set your password:\n%(link)s\n\n"
                        "If you did not ask for it, ignore this message.\n", name=user.name, link=link),
                      user_id=user.id, kind="set-password", locale=user.locale)
        else:
            service.make_reset_token(User(id=0, email=""), current_app.config["SECRET_KEY"])
            send_mail(service.normalise_email(form.email.data), _("Someone asked to reset an academy password"),
                      _("Hello,\n\nSomeone asked for a link to set the academy password of this address, but no "
                        "account uses it. If it was you, you can create an account here:\n%(link)s\n\n"
                        "If it was not you, ignore this message.\n", link=_public(url_for("accounts.register"))),
                      kind="set-password")
        db.session.commit()  # the mail is queued in the database (academy mail send delivers it)
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
        renamed = form.name.data.strip() != current_user.name
        current_user.name = form.name.data.strip()
        current_user.sector, current_user.subrole = forms.split_sector(form.sector.data)
        current_user.organisation = (form.organisation.data or "").strip() or None
        current_user.community_id = int(form.community.data) if form.community.data else None
        current_user.locale = form.locale.data
        db.session.commit()
        flash(_("Your profile is saved."), "success")
        if renamed and outdated_names(current_user):  # offer certificates under the new name
            return redirect(url_for("certificates.reissue"))
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
