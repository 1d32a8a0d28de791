"""Organisations: coordinators and admins create them and grant leads; a lead sees members who agreed to share."""

from __future__ import annotations

from flask import Blueprint, Response, abort, current_app, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required
from wtforms.fields.choices import SelectChoice

from academy.accounts import service as accounts
from academy.accounts import signin
from academy.accounts.forms import ResetPasswordForm
from academy.accounts.mail import send_mail
from academy.accounts.models import Community, User
from academy.accounts.people import PeopleError
from academy.accounts.permissions import (
    can_lead_organisation,
    can_manage_community,
    can_manage_organisation,
    role_required,
)
from academy.accounts.service import find_by_email
from academy.courses.catalog import curriculum
from academy.extensions import db
from academy.organisations import award_views, awards, forms, service
from academy.organisations.models import Organisation

bp = Blueprint("organisations", __name__, template_folder="templates")


@bp.after_request
def _private(response):
    """Pages about members stay out of every cache; a view may choose otherwise (the public credential check)."""
    response.headers.setdefault("Cache-Control", "no-store")
    return response


@bp.app_context_processor
def _helpers() -> dict:
    return {"led_organisations": lambda user: [o for o in service.organisations_for(user)
                                               if any(lead.id == user.id for lead in o.leads)],
            "organisation_invitations": service.pending_invitations}


def _led(organisation_id: int) -> Organisation:
    organisation = db.get_or_404(Organisation, organisation_id)
    if not can_lead_organisation(current_user, organisation):
        abort(403)
    return organisation


def _managed(organisation_id: int) -> Organisation:
    organisation = db.get_or_404(Organisation, organisation_id)
    if not can_manage_organisation(current_user, organisation):
        abort(403)
    return organisation


def _new_form() -> forms.OrganisationForm:
    form = forms.OrganisationForm()
    form.community.choices = [SelectChoice(c.id, c.name) for c in service.managed_communities(current_user)]
    form.sector.choices = [SelectChoice("", _("No particular sector"))] + [
        SelectChoice(s.id, s.label) for s in curriculum().sectors.values() if not s.shared]
    return form


@bp.route("/organisations", methods=["GET", "POST"])
@role_required("coordinator", "admin")
def index():
    """The organisations of the coordinator's communities (all, for an admin), and a form to add one."""
    form = _new_form()
    if form.validate_on_submit():
        community = db.session.get(Community, form.community.data)
        if community is None or not can_manage_community(current_user, community.id):
            abort(403)
        try:
            organisation = service.create_organisation(community, form.name.data, form.sector.data,
                                                       actor=current_user)
        except PeopleError as exc:
            form.name.errors.append(str(exc))
        else:
            db.session.commit()
            flash(_("%(name)s is created.", name=organisation.name), "success")
            return redirect(url_for(".show", organisation_id=organisation.id))
    return render_template("organisations/index.html", form=form,
                           organisations=service.organisations_for(current_user)), 400 if form.errors else 200


@bp.get("/organisations/<int:organisation_id>")
@login_required
def show(organisation_id: int):
    """The lead's view: consenting members' courses and certificates; the others only counted."""
    organisation = _led(organisation_id)
    lead_form = None
    if can_manage_organisation(current_user, organisation):
        lead_form = forms.LeadForm(formdata=None)
    return render_template("organisations/show.html", report=service.members_report(organisation),
                           organisation=organisation, lead_form=lead_form, invite_form=forms.InviteForm(formdata=None),
                           award=awards.current_award(organisation))


@bp.get("/organisations/<int:organisation_id>/members.csv")
@login_required
def export_csv(organisation_id: int):
    organisation = _led(organisation_id)
    body = service.report_csv(service.members_report(organisation))
    return Response(body, mimetype="text/csv", headers={
        "Content-Disposition": f'attachment; filename="organisation-{organisation.id}-members.csv"'})


@bp.post("/organisations/<int:organisation_id>/invite")
@login_required
def invite(organisation_id: int):
    organisation = _led(organisation_id)
    form = forms.InviteForm()
    if not form.validate_on_submit():
        flash(" ".join(e for errors in form.errors.values() for e in errors), "error")
        return redirect(url_for(".show", organisation_id=organisation.id))
    from academy.accounts.importing import decode

    text = (form.emails.data or "") + "\n" + (decode(form.file.data.read()) if form.file.data else "")
    outcome = service.invite_members(
        organisation, text, actor=current_user,
        invite=lambda user: _mail_welcome(user, organisation), ask=lambda user: _mail_ask(user, organisation))
    db.session.commit()
    flash(_("%(created)s invited, %(asked)s already had an account and were asked to join, %(elsewhere)s belong "
            "to another organisation, %(bad)s lines without an email.", created=len(outcome.created),
            asked=len(outcome.asked), elsewhere=len(outcome.elsewhere), bad=len(outcome.bad)), "success")
    return redirect(url_for(".show", organisation_id=organisation.id))


def _public(path: str) -> str:
    return current_app.config["ACADEMY_PUBLIC_URL"].rstrip("/") + path


def _mail_welcome(user: User, organisation: Organisation) -> None:
    """A new account's invitation: setting the password through this link accepts it."""
    token = accounts.make_reset_token(user, current_app.config["SECRET_KEY"])
    link = _public(url_for(".welcome", organisation_id=organisation.id, token=token))
    send_mail(user.email, _("You are invited to the academy"),
              _("Hello %(name)s,\n\n%(inviter)s invited you to train in the academy with %(organisation)s.\n"
                "Set your password with this link to accept (it works for an hour; after that, ask for a new "
                "password on the sign-in page and accept on your account page):\n%(link)s\n",
                name=user.name, inviter=current_user.name, organisation=organisation.name, link=link),
              user_id=user.id)


def _mail_ask(user: User, organisation: Organisation) -> None:
    """An existing account is asked; it joins only if it accepts on its account page."""
    send_mail(user.email, _("%(organisation)s invites you to join it in the academy", organisation=organisation.name),
              _("Hello %(name)s,\n\n%(inviter)s invited you to join %(organisation)s in the academy. You are not a "
                "member unless you accept. Accept or decline on your account page:\n%(link)s\n",
                name=user.name, inviter=current_user.name, organisation=organisation.name,
                link=_public(url_for("accounts.profile"))),
              user_id=user.id)


@bp.route("/organisations/<int:organisation_id>/welcome/<token>", methods=["GET", "POST"])
def welcome(organisation_id: int, token: str):
    """A person whose account an invitation created sets their password here, and so accepts the invitation."""
    organisation = db.get_or_404(Organisation, organisation_id)
    user = accounts.user_from_reset_token(token, current_app.config["SECRET_KEY"],
                                          current_app.config["PASSWORD_RESET_MAX_AGE"])
    invitation = service.pending_invitation(user, organisation) if user is not None else None
    if invitation is None:
        flash(_("That link has expired or was already used. Ask for a new one."), "error")
        return redirect(url_for("accounts.reset_request"))
    form = ResetPasswordForm()
    if form.validate_on_submit():
        user.set_password(form.password.data)
        signin.end_all(user)
        service.answer_invitation(invitation, user, accept=True)
        db.session.commit()
        flash(_("Your password is set and you are a member of %(organisation)s. Sign in with it now.",
                organisation=organisation.name), "success")
        return redirect(url_for("accounts.login"))
    return render_template("organisations/welcome.html", form=form, organisation=organisation)


@bp.post("/account/invitations/<int:organisation_id>")
@login_required
def answer_invitation(organisation_id: int):
    """The invited person accepts or declines on their account page."""
    organisation = db.get_or_404(Organisation, organisation_id)
    invitation = service.pending_invitation(current_user, organisation)
    if not forms.InvitationAnswerForm().validate_on_submit():
        abort(400)
    if invitation is None:
        flash(_("That invitation was withdrawn or already answered."), "error")
    else:
        accept = request.form.get("answer") == "accept"
        service.answer_invitation(invitation, current_user, accept=accept)
        db.session.commit()
        flash(_("You are a member of %(organisation)s.", organisation=organisation.name) if accept else
              _("You declined to join %(organisation)s.", organisation=organisation.name), "success")
    return redirect(url_for("accounts.profile"))


@bp.post("/organisations/<int:organisation_id>/leads")
@login_required
def grant_lead(organisation_id: int):
    organisation = _managed(organisation_id)
    form = forms.LeadForm()
    if form.validate_on_submit():
        try:
            service.grant_lead(organisation, find_by_email(form.email.data), actor=current_user)
        except PeopleError as exc:
            flash(str(exc), "error")
        else:
            db.session.commit()
            flash(_("They now lead the organisation."), "success")
    else:
        flash(_("Enter the member's email address."), "error")
    return redirect(url_for(".show", organisation_id=organisation.id))


@bp.post("/organisations/<int:organisation_id>/leads/<int:user_id>/remove")
@login_required
def remove_lead(organisation_id: int, user_id: int):
    organisation = _managed(organisation_id)
    user = db.get_or_404(User, user_id)
    service.remove_lead(organisation, user, actor=current_user)
    db.session.commit()
    flash(_("They no longer lead the organisation."), "success")
    return redirect(url_for(".show", organisation_id=organisation.id))


@bp.post("/account/sharing")
@login_required
def sharing():
    """A member gives or withdraws consent to share their progress with their organisation."""
    form = forms.SharingForm()
    if form.validate_on_submit():
        service.set_sharing(current_user, bool(form.share.data) and current_user.organisation_id is not None)
        db.session.commit()
        flash(_("Your organisation's lead can now see your courses and certificates.")
              if current_user.shares_with_organisation else
              _("Your organisation's lead no longer sees your courses or certificates."), "success")
    return redirect(url_for("accounts.profile"))


award_views.register_routes(bp)
