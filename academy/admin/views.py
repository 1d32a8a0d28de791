"""The admin console: find people, change their role and communities, deactivate, merge, import; communities.

Admins only. Each view loads, authorizes (the blueprint's guard), validates, calls a service of accounts/,
commits once and redirects.
"""

from __future__ import annotations

import secrets
from functools import wraps
from pathlib import Path

from flask import Blueprint, abort, current_app, flash, redirect, render_template, request, send_file, url_for
from flask_babel import gettext as _
from flask_babel import ngettext
from flask_login import current_user, login_required
from sqlalchemy import select
from wtforms.fields.choices import SelectChoice

from academy import csvfile, timezones
from academy.accounts import communities as community_service
from academy.accounts import importing, invitations, people
from academy.accounts.forms import EmptyForm
from academy.accounts.models import AccountMerge, Community, User
from academy.accounts.permissions import can_administer
from academy.admin import forms
from academy.courses.catalog import curriculum
from academy.extensions import db
from academy.numbers import number
from academy.organisations.models import Organisation

bp = Blueprint("admin", __name__, template_folder="templates", url_prefix="/admin")
PER_PAGE = 50
IMPORTS = "imports"


def admins_only(view):
    """Require sign-in, then the admin role (403 for everyone else signed in)."""

    @wraps(view)
    @login_required
    def wrapped(*args, **kwargs):
        if not can_administer(current_user):
            abort(403)
        return view(*args, **kwargs)

    return wrapped


@bp.after_request
def _private(response):
    response.headers["Cache-Control"] = "no-store"
    return response


def _person(user_id: int) -> User:
    user = db.get_or_404(User, user_id)
    if user.deleted_at is not None:
        abort(404)
    return user


def _int_arg(name: str) -> int | None:
    value = request.args.get(name, "")
    return int(value) if value.isdigit() and len(value) < 10 else None


@bp.get("/")
@admins_only
def people_list():
    """Search people by name, email, organisation or community."""
    text = request.args.get("q", "")[:100]
    query = people.search_query(text, organisation_id=_int_arg("organisation"), community_id=_int_arg("community"),
                                role=request.args.get("role"))
    page = db.paginate(query, page=_int_arg("page") or 1, per_page=PER_PAGE, error_out=False)
    return render_template("admin/people.html", page=page, q=text, role=request.args.get("role", ""),
                           community=_int_arg("community"), organisation=_int_arg("organisation"),
                           communities=community_service.all_communities(),
                           organisations=db.session.scalars(select(Organisation).order_by(Organisation.name)).all())


def _person_page(user: User, status: int = 200, **form_overrides):
    role_form = form_overrides.get("role_form") or forms.RoleForm(role=user.role, formdata=None)
    communities_form = form_overrides.get("communities_form") or forms.CommunitiesForm(formdata=None)
    communities_form.communities.choices = [SelectChoice(c.id, c.name) for c in community_service.all_communities()]
    if "communities_form" not in form_overrides:
        communities_form.communities.data = [c.id for c in user.coordinated_communities]
    return render_template("admin/person.html", person=user, role_form=role_form,
                           communities_form=communities_form,
                           merge_form=form_overrides.get("merge_form") or forms.MergeForm(formdata=None),
                           button=EmptyForm(), merges=people.merges_of(user)), status


@bp.get("/people/<int:user_id>")
@admins_only
def person(user_id: int):
    return _person_page(_person(user_id))


def _done(user: User, message: str):
    db.session.commit()
    flash(message, "success")
    return redirect(url_for(".person", user_id=user.id))


def _refused(user: User, exc: Exception):
    db.session.rollback()
    flash(str(exc), "error")
    return redirect(url_for(".person", user_id=user.id))


@bp.post("/people/<int:user_id>/role")
@admins_only
def change_role(user_id: int):
    user, form = _person(user_id), forms.RoleForm()
    if not form.validate_on_submit():
        return _person_page(user, 400, role_form=form)
    try:
        changed = people.change_role(user, form.role.data, actor=current_user)
    except people.PeopleError as exc:
        return _refused(user, exc)
    return _done(user, _("The role is changed; they sign in again to see their new pages.") if changed
                 else _("That was already their role."))


@bp.post("/people/<int:user_id>/communities")
@admins_only
def set_communities(user_id: int):
    user, form = _person(user_id), forms.CommunitiesForm()
    form.communities.choices = [SelectChoice(c.id, c.name) for c in community_service.all_communities()]
    if not form.validate_on_submit():
        return _person_page(user, 400, communities_form=form)
    chosen = [db.session.get(Community, i) for i in form.communities.data or []]
    try:
        people.set_communities(user, chosen, actor=current_user)
    except people.PeopleError as exc:
        return _refused(user, exc)
    return _done(user, _("Their communities are saved."))


@bp.post("/people/<int:user_id>/deactivate")
@admins_only
def deactivate(user_id: int):
    user = _person(user_id)
    if not EmptyForm().validate_on_submit():
        abort(400)
    try:
        people.deactivate(user, actor=current_user)
    except people.PeopleError as exc:
        return _refused(user, exc)
    return _done(user, _("The account is deactivated: it is signed out everywhere and cannot sign in."))


@bp.post("/people/<int:user_id>/reactivate")
@admins_only
def reactivate(user_id: int):
    user = _person(user_id)
    if not EmptyForm().validate_on_submit():
        abort(400)
    people.reactivate(user, actor=current_user)
    return _done(user, _("The account is active again."))


@bp.post("/people/<int:user_id>/password-link")
@admins_only
def password_link(user_id: int):
    user = _person(user_id)
    if not EmptyForm().validate_on_submit():
        abort(400)
    try:
        people.note_password_link(user, actor=current_user)
    except people.PeopleError as exc:
        return _refused(user, exc)
    invitations.send_password_link(user)
    return _done(user, _("A link to set a password is on its way to them."))


@bp.post("/people/<int:user_id>/merge")
@admins_only
def merge(user_id: int):
    """Merge another account (found by its email) into this one."""
    user, form = _person(user_id), forms.MergeForm()
    if not form.validate_on_submit():
        return _person_page(user, 400, merge_form=form)
    other = people_by_email(form.email.data)
    if other is None:
        form.email.errors.append(_("No account uses this email."))
        return _person_page(user, 400, merge_form=form)
    try:
        people.merge(user, other, actor=current_user)
    except people.PeopleError as exc:
        form.email.errors.append(str(exc))
        return _person_page(user, 400, merge_form=form)
    return _done(user, _("The accounts are merged. The other one is deactivated; the merge can be undone below."))


def people_by_email(email: str) -> User | None:
    from academy.accounts.service import find_by_email

    return find_by_email(email)


@bp.post("/merges/<int:merge_id>/undo")
@admins_only
def undo_merge(merge_id: int):
    row = db.get_or_404(AccountMerge, merge_id)
    if not EmptyForm().validate_on_submit():
        abort(400)
    try:
        people.undo_merge(row, actor=current_user)
    except people.PeopleError as exc:
        return _refused(row.kept, exc)
    return _done(row.kept, _("The merge is undone; both accounts are as they were."))


# --- bulk import --------------------------------------------------------------------------------------------


def _upload_path(upload: str) -> Path:
    if not upload.isalnum():
        abort(400)
    return Path(current_app.instance_path) / IMPORTS / f"{upload}.csv"


@bp.route("/import", methods=["GET", "POST"])
@admins_only
def import_people():
    """Upload a CSV and see, row by row, what an import would do."""
    form = forms.ImportForm()
    if not form.validate_on_submit():
        return render_template("admin/import.html", form=form, preview=None), 400 if form.errors else 200
    try:
        text = csvfile.read_text(form.file.data.read())
    except csvfile.NotText:
        form.file.errors.append(_("That is not a CSV file. In your spreadsheet, save it as CSV and choose it "
                                  "again."))
        return render_template("admin/import.html", form=form, preview=None), 400
    preview = importing.read(text, sectors=curriculum().sectors)
    upload = secrets.token_hex(16)
    path = _upload_path(upload)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    return render_template("admin/import.html", form=form, preview=preview,
                           confirm=forms.ConfirmImportForm(upload=upload, invite=True, formdata=None))


@bp.post("/import/confirm")
@admins_only
def confirm_import():
    form = forms.ConfirmImportForm()
    if not form.validate_on_submit():
        abort(400)
    path = _upload_path(form.upload.data)
    if not path.is_file():
        flash(_("That upload is gone; choose the file again."), "error")
        return redirect(url_for(".import_people"))
    preview = importing.read(path.read_text(encoding="utf-8"), sectors=curriculum().sectors)
    outcome = importing.apply(preview, actor=current_user,
                              invite=invitations.send_invitation if form.invite.data else None)
    db.session.commit()
    path.unlink(missing_ok=True)
    skipped = len(preview.bad) + len(outcome.skipped)
    flash(_("%(created)s, %(updated)s, %(skipped)s.",
            created=ngettext("%(count)s person invited", "%(count)s people invited", outcome.created,
                             count=number(outcome.created)),
            updated=ngettext("%(count)s updated", "%(count)s updated", outcome.updated,
                             count=number(outcome.updated)),
            skipped=ngettext("%(count)s row left out", "%(count)s rows left out", skipped, count=number(skipped))),
          "success")
    return redirect(url_for(".people_list"))


# --- communities --------------------------------------------------------------------------------------------


def _community_form(community: Community | None) -> forms.CommunityForm:
    form = forms.CommunityForm(obj=community)
    form.timezone.choices = [SelectChoice(k, v) for k, v in timezones.choices()]
    form.jurisdiction.choices = [SelectChoice(k, v) for k, v in community_service.JURISDICTIONS.items()]
    return form


@bp.get("/communities")
@admins_only
def communities():
    return render_template("admin/communities.html", communities=community_service.all_communities())


@bp.route("/communities/new", methods=["GET", "POST"])
@admins_only
def new_community():
    return _edit_community(None)


@bp.route("/communities/<int:community_id>", methods=["GET", "POST"])
@admins_only
def edit_community(community_id: int):
    return _edit_community(db.get_or_404(Community, community_id))


def _edit_community(community: Community | None):
    form = _community_form(community)
    if form.validate_on_submit():
        try:
            logo = (community_service.store_logo(current_app.instance_path, form.logo.data.read())
                    if form.logo.data else None)
            saved = community_service.save_community(
                community, actor=current_user, slug=form.slug.data, name=form.name.data,
                timezone=form.timezone.data, jurisdiction=form.jurisdiction.data, logo_filename=logo,
                signatory_name=form.signatory_name.data, signatory_title=form.signatory_title.data)
        except people.PeopleError as exc:
            db.session.rollback()
            (form.logo if "logo" in str(exc).lower() else form.slug).errors.append(str(exc))
        else:
            db.session.commit()
            flash(_("%(name)s is saved.", name=saved.name), "success")
            return redirect(url_for(".communities"))
    return render_template("admin/community.html", form=form, community=community), 400 if form.errors else 200


logo_bp = Blueprint("community_logo", __name__)


@logo_bp.get("/communities/<int:community_id>/logo")
def logo(community_id: int):
    """A community's logo (public: it is printed on its certificates)."""
    community = db.get_or_404(Community, community_id)
    path = community_service.logo_path(current_app.instance_path, community)
    if path is None:
        abort(404)
    return send_file(path, max_age=3600)
