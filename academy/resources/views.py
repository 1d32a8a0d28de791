"""Coordinators keep their community's own service entries; visitors see them beside the national lines."""

from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import select

from academy.accounts.forms import EmptyForm
from academy.accounts.models import Community
from academy.accounts.permissions import can_manage_community, role_required
from academy.coverage import access
from academy.database import utcnow
from academy.extensions import db
from academy.resources import service
from academy.resources.forms import LocalResourceForm
from academy.resources.models import LocalResource

bp = Blueprint("resources", __name__, template_folder="templates")


@bp.app_context_processor
def _helpers() -> dict:
    def local_directory():
        """The visitor's community and its entries, for the resource page; (None, []) when unknown."""
        slug = request.args.get("community")
        community = None
        if slug:
            community = db.session.scalar(select(Community).where(Community.slug == slug))
        elif current_user.is_authenticated:
            community = current_user.community
        return (community, service.entries(community.id)) if community else (None, [])

    return {"local_directory": local_directory, "resource_categories": service.CATEGORIES}


def _community_or_403():
    managed = [c for c in access.visible_communities(current_user) if can_manage_community(current_user, c.id)]
    community = access.load_community(current_user, request.args.get("community"), access.own_first(current_user,
                                                                                                       managed))
    if community is None:
        abort(404, _("You coordinate no community yet."))
    if not can_manage_community(current_user, community.id):
        abort(403, _("Only this community's coordinators and admins keep its service entries."))
    return community


@bp.route("/resources/local", methods=["GET", "POST"])
@role_required("coordinator", "admin")
def manage():
    """List the community's own entries, with those due for a check first, and add one."""
    community = _community_or_403()
    form = LocalResourceForm()
    if form.validate_on_submit():
        service.save(None, community.id, form.data)
        db.session.commit()
        flash(_("Entry added."), "success")
        return redirect(url_for("resources.manage", community=community.slug))
    found = service.entries(community.id)
    today = utcnow().date()
    due = [e for e in found if service.recheck_due(e, today)]
    return render_template("resources/manage.html", community=community, entries=found, due=due, form=form,
                           delete_form=EmptyForm(), summary=service.summary(found))


def _entry_or_404(entry_id: int) -> LocalResource:
    entry = db.get_or_404(LocalResource, entry_id)
    if not can_manage_community(current_user, entry.community_id):
        abort(403, _("Only this community's coordinators and admins keep its service entries."))
    return entry


@bp.route("/resources/local/<int:entry_id>", methods=["GET", "POST"])
@role_required("coordinator", "admin")
def edit(entry_id: int):
    """Change an entry; saving it with today's date records that it was checked again."""
    entry = _entry_or_404(entry_id)
    form = LocalResourceForm(obj=entry)
    if form.validate_on_submit():
        service.save(entry, entry.community_id, form.data)
        db.session.commit()
        flash(_("Entry saved."), "success")
        community = db.session.get(Community, entry.community_id)
        return redirect(url_for("resources.manage", community=community.slug))
    return render_template("resources/edit.html", entry=entry, form=form)


@bp.post("/resources/local/<int:entry_id>/delete")
@role_required("coordinator", "admin")
def delete(entry_id: int):
    """Remove an entry (a service that closed)."""
    entry = _entry_or_404(entry_id)
    if not EmptyForm().validate_on_submit():
        abort(400)
    db.session.delete(entry)
    db.session.commit()
    flash(_("Entry removed."), "success")
    return redirect(url_for("resources.manage", community=db.session.get(Community, entry.community_id).slug))
