"""The "trained organisation" credential's pages: coordinators' rules, preview, award and revoke; the public check.

Registered on the organisations blueprint (register_routes), like the certificates' audit pages.
"""

from __future__ import annotations

import json

from flask import Blueprint, abort, current_app, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_babel import pgettext
from flask_login import current_user, login_required
from wtforms.fields.choices import SelectChoice

from academy.accounts.forms import EmptyForm
from academy.accounts.models import Community
from academy.accounts.permissions import (
    can_manage_community,
    can_manage_organisation,
    community_ids,
    role_required,
)
from academy.certificates import codes
from academy.certificates.views import sector_label
from academy.courses.catalog import curriculum
from academy.extensions import db, limiter
from academy.organisations import awards, badge, forms, publish, service
from academy.organisations.models import CredentialRule, Organisation, OrganisationAward


def award_status_words() -> dict[str, str]:
    """The credential's status words, in the reader's language: their own context, so that they agree with
    "credential" (Spanish "Válida", not the certificates' "Válido")."""
    return {"valid": pgettext("organisation credential status", "Valid"),
            "lapsed": pgettext("organisation credential status", "Lapsed"),
            "expired": pgettext("organisation credential status", "Expired"),
            "revoked": pgettext("organisation credential status", "Revoked")}


AWARD_EXPLAINED = {
    "valid": _l("This organisation meets the rule: its credential is genuine and current."),
    "lapsed": _l("This organisation no longer meets the rule, so its credential is suspended. It is reinstated "
                 "when the rule holds again."),
    "expired": _l("This credential was not renewed in time and its validity period has ended."),
    "revoked": _l("This credential was withdrawn and is no longer valid."),
}


def rule_sentence(threshold_percent: int, course_title: str) -> str:
    """The rule in the reader's language."""
    return _("At least %(percent)s%% of members hold a current certificate of %(course)s.",
             percent=threshold_percent, course=course_title)


def _helpers() -> dict:
    return {"award_status_words": award_status_words(), "award_status_explained": AWARD_EXPLAINED,
            "award_rule_sentence": rule_sentence, "award_course_title": awards.course_title,
            "award_share_url": lambda a: badge.verify_url(current_app.config["ACADEMY_PUBLIC_URL"], a.code)}


def _verify_limit() -> str:
    return current_app.config.get("ACADEMY_VERIFY_RATE_LIMIT", "30 per minute")


def _managed_rule(rule_id: int) -> CredentialRule:
    rule = db.get_or_404(CredentialRule, rule_id)
    if not can_manage_community(current_user, rule.community_id):
        abort(403)
    return rule


def _course_choices() -> list[SelectChoice]:
    cur = curriculum()
    return [SelectChoice("", _("Choose a course"))] + [
        SelectChoice(c.slug, f"{c.title} ({sector_label(c.sector)})") for c in cur.courses.values()]


def _rule_form() -> forms.RuleForm:
    form = forms.RuleForm()
    form.community.choices = [SelectChoice(c.id, c.name) for c in service.managed_communities(current_user)]
    form.sector.choices = [SelectChoice("", _("Choose a sector"))] + [
        SelectChoice(s.id, sector_label(s.id)) for s in curriculum().sectors.values() if not s.shared]
    form.course.choices = _course_choices()
    return form


def _save(form, community: Community, sector: str, rule: CredentialRule | None = None) -> CredentialRule | None:
    """Save the rule from a valid form; put a refusal beside its field and return None."""
    try:
        return awards.save_rule(community, sector, course_slug=form.course.data, threshold_percent=form.threshold.data,
                                min_members=form.min_members.data, active=form.active.data, actor=current_user,
                                rule=rule)
    except awards.AwardError as exc:
        getattr(form, exc.field or "course").errors.append(str(exc))
        return None


def rules():
    """The rules of the coordinator's communities (every community, for an admin), and a form for a new one."""
    form = _rule_form()
    if form.validate_on_submit():
        community = db.session.get(Community, form.community.data)
        if community is None or not can_manage_community(current_user, community.id):
            abort(403)
        rule = _save(form, community, form.sector.data)
        if rule is not None:
            db.session.commit()
            flash(_("The rule is saved. Preview which organisations meet it."), "success")
            return redirect(url_for(".rule", rule_id=rule.id))
    listed = awards.rules_in(community_ids(current_user))
    return render_template("organisations/rules.html", form=form, rules=listed), 400 if form.errors else 200


def rule(rule_id: int):
    """Change a rule, preview which organisations meet it (counts from 5 only), award them, see their awards."""
    rule_ = _managed_rule(rule_id)
    form = forms.RuleSettingsForm(data={"course": rule_.course_slug, "threshold": rule_.threshold_percent,
                                        "min_members": rule_.min_members, "active": rule_.active})
    form.course.choices = _course_choices()
    if form.validate_on_submit() and _save(form, rule_.community, rule_.sector, rule_) is not None:
        db.session.commit()
        flash(_("The rule is saved."), "success")
        return redirect(url_for(".rule", rule_id=rule_.id))
    evaluations = awards.evaluate(rule_)
    held = {e.organisation.id: awards.current_award(e.organisation) for e in evaluations}
    return render_template("organisations/rule.html", rule=rule_, form=form, evaluations=evaluations, held=held,
                           history=awards.awards_under(rule_), award_form=EmptyForm(formdata=None),
                           course_title=awards.course_title(rule_.course_slug)), 400 if form.errors else 200


def award(rule_id: int, organisation_id: int):
    """Award the credential to an organisation that meets the rule (after the preview)."""
    rule_ = _managed_rule(rule_id)
    organisation = db.get_or_404(Organisation, organisation_id)
    if not can_manage_organisation(current_user, organisation):
        abort(403)
    if not EmptyForm().validate_on_submit():
        abort(400)
    try:
        new = awards.award(rule_, organisation, actor=current_user)
    except awards.AwardError as exc:
        flash(str(exc), "error")
        return redirect(url_for(".rule", rule_id=rule_.id))
    db.session.commit()
    flash(_("%(name)s now holds the trained organisation credential.", name=organisation.name), "success")
    return redirect(url_for(".award_verify", code=codes.group(new.code)))


def _found(code: str) -> OrganisationAward:
    found = awards.find(code)
    if found is None:
        abort(404)
    return found


def revoke_award(code: str):
    """Revoke an organisation's credential for good, with a private reason."""
    found = _found(code)
    if not can_manage_organisation(current_user, found.organisation):
        abort(403)
    form = forms.RevokeAwardForm()
    if found.revoked_at is None and form.validate_on_submit():
        awards.revoke(found, actor=current_user, reason=form.reason.data)
        db.session.commit()
        flash(_("The credential is revoked. Its public page and signed credential now say so."), "success")
        return redirect(url_for(".award_verify", code=codes.group(found.code)))
    return render_template("organisations/revoke_award.html", award=found, form=form), 400 if form.errors else 200


def award_verify(code: str):
    """Show anyone whether an organisation holds the credential: name, community, sector, rule, dates, status."""
    found = awards.find(code)
    if found is None:
        return render_template("organisations/award_not_found.html"), 404
    manageable = current_user.is_authenticated and can_manage_organisation(current_user, found.organisation)
    page = render_template("organisations/award_verify.html", award=found, status=found.status(),
                           organisation=found.organisation, manageable=manageable)
    return page, {"Cache-Control": "private, no-cache"}  # a browser may keep it, but asks each time


def award_download(code: str):
    """Download the signed credential as a file, to hand to a franchisor or a board."""
    found = _found(code)
    body = json.dumps(publish.credential(current_app, found), indent=2, ensure_ascii=False)
    filename = f"trained-organisation-{codes.group(found.code)}.json"
    return body, 200, {"Content-Type": "application/json", "Cache-Control": "private, no-cache",
                       "Content-Disposition": f'attachment; filename="{filename}"'}


def register_routes(bp: Blueprint) -> None:
    """Add the credential's pages to the organisations blueprint."""
    bp.app_context_processor(_helpers)
    public = limiter.limit(_verify_limit)
    for rule_, view, methods in (
        ("/organisations/credential-rules", role_required("coordinator", "admin")(rules), ["GET", "POST"]),
        ("/organisations/credential-rules/<int:rule_id>", login_required(rule), ["GET", "POST"]),
        ("/organisations/credential-rules/<int:rule_id>/award/<int:organisation_id>", login_required(award),
         ["POST"]),
        ("/organisations/awards/<code>/revoke", login_required(revoke_award), ["GET", "POST"]),
        ("/organisations/verify/<code>", public(award_verify), ["GET"]),
        ("/organisations/verify/<code>/credential.json", public(award_download), ["GET"]),
    ):
        bp.add_url_rule(rule_, endpoint=view.__name__, view_func=view, methods=methods)
