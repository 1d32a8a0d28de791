"""The "trained organisation" credential: a rule per community and sector, its evaluation, awards and re-checks.

Every active member of an organisation counts, whether or not they agreed to share their progress; what leaves
the evaluation is whether the rule holds, and counts only when they are at least SMALLEST_SHOWN. An award's
credential lapses (its suspension bit) while the rule does not hold and is reinstated when it holds again;
`academy reminders run` re-checks every award. Services add and flush; the view or CLI command commits.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import datetime, timedelta

from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from academy.accounts.models import Community, User
from academy.accounts.people import record
from academy.certificates import codes
from academy.certificates.service import CertificateError, insert_in_free_slot
from academy.database import utcnow
from academy.extensions import db
from academy.organisations.models import CredentialRule, Organisation, OrganisationAward
from academy.organisations.service import SMALLEST_SHOWN, member_counts

log = logging.getLogger(__name__)

VALIDITY = timedelta(days=90)  # a credential's validUntil: short, renewed by the re-checks while the rule holds
RENEW_WITHIN = timedelta(days=60)  # a re-check issues it again once fewer days than this are left


class AwardError(ValueError):
    """A rule about the organisation credential was broken; the message is fit to show (in the reader's language)."""

    def __init__(self, message, field: str | None = None) -> None:
        super().__init__(message)
        self.field = field  # the form field the message belongs beside, if any

    def __str__(self) -> str:
        return str(self.args[0]) if self.args else ""


@dataclass(frozen=True)
class Evaluation:
    """Whether an organisation meets a rule. The counts are for the coordinator, shown only from SMALLEST_SHOWN."""

    organisation: Organisation
    members: int
    holders: int
    holds: bool

    @property
    def members_shown(self) -> int | None:
        return self.members if self.members >= SMALLEST_SHOWN else None

    @property
    def holders_shown(self) -> int | None:
        return self.holders if self.holders >= SMALLEST_SHOWN else None

    @property
    def percent_shown(self) -> int | None:
        """The share holding a certificate, only when both counts may be shown (it would reveal them)."""
        if self.members_shown is None or self.holders_shown is None:
            return None
        return self.holders * 100 // self.members


# --- rules --------------------------------------------------------------------------------------------------


def check_course(sector: str, course_slug: str) -> None:
    """Refuse a course that is unknown or belongs to another sector (the shared foundation is allowed)."""
    from academy.courses.catalog import curriculum

    cur = curriculum()
    course = cur.courses.get(course_slug)
    if course is None:
        raise AwardError(_l("Choose a course of the curriculum."), "course")
    home = cur.sectors.get(course.sector)
    if course.sector != sector and not (home and home.shared):
        raise AwardError(_l("Choose a course of this sector or the shared foundation."), "course")


def save_rule(community: Community, sector: str, *, course_slug: str, threshold_percent: int, min_members: int,
              active: bool, actor: User, rule: CredentialRule | None = None) -> CredentialRule:
    """Create the community's rule for a sector, or change the given one."""
    if not 1 <= int(threshold_percent) <= 100:
        raise AwardError(_l("Give a percentage from 1 to 100."), "threshold")
    if int(min_members) < SMALLEST_SHOWN:
        raise AwardError(_l("At least %(n)s: smaller organisations are never certified.", n=SMALLEST_SHOWN),
                         "min_members")
    check_course(sector, course_slug)
    if rule is None:
        if rule_for(community.id, sector) is not None:
            raise AwardError(_l("This community already has a rule for this sector: change that one."), "sector")
        rule = CredentialRule(community_id=community.id, sector=sector)
        db.session.add(rule)
        action = "organisation_rule.created"
    else:
        action = "organisation_rule.changed"
    rule.course_slug, rule.threshold_percent = course_slug, int(threshold_percent)
    rule.min_members, rule.active = int(min_members), bool(active)
    db.session.flush()
    record(actor, action, "organisation_rule", rule.id, community=community.slug, sector=sector,
           course=course_slug, threshold_percent=rule.threshold_percent, min_members=rule.min_members,
           active=rule.active)
    return rule


def rule_for(community_id: int, sector: str) -> CredentialRule | None:
    return db.session.scalar(select(CredentialRule).where(CredentialRule.community_id == community_id,
                                                          CredentialRule.sector == sector))


def rules_in(community_ids: set[int] | None) -> list[CredentialRule]:
    """The rules of these communities (None: every community), by community and sector."""
    query = select(CredentialRule).join(Community).order_by(Community.name, CredentialRule.sector)
    if community_ids is not None:
        query = query.where(CredentialRule.community_id.in_(community_ids))
    return list(db.session.scalars(query))


# --- evaluation ---------------------------------------------------------------------------------------------


def holds(rule: CredentialRule, members: int, holders: int) -> bool:
    """Tell whether counts meet a rule: enough members, and the share of holders at or above the threshold."""
    return rule.active and members >= max(rule.min_members, SMALLEST_SHOWN) and \
        holders * 100 >= rule.threshold_percent * members


def organisations_under(rule: CredentialRule) -> list[Organisation]:
    return list(db.session.scalars(select(Organisation).where(
        Organisation.community_id == rule.community_id, Organisation.sector == rule.sector)
        .order_by(Organisation.name)))


def evaluate(rule: CredentialRule, organisations: list[Organisation] | None = None,
             now: datetime | None = None) -> list[Evaluation]:
    """Evaluate the rule for the organisations of its community and sector (or the ones given)."""
    organisations = organisations_under(rule) if organisations is None else organisations
    members, holders = member_counts([o.id for o in organisations], now or utcnow(), rule.course_slug)
    return [Evaluation(o, members.get(o.id, 0), holders.get(o.id, 0),
                       holds(rule, members.get(o.id, 0), holders.get(o.id, 0))) for o in organisations]


# --- awards -------------------------------------------------------------------------------------------------


def find(text: str | None) -> OrganisationAward | None:
    """Find an award by a typed code, forgiving case, separators and look-alikes like certificate codes."""
    key = codes.canonical(text or "")
    if key is None:
        return None
    return db.session.scalar(select(OrganisationAward).where(OrganisationAward.code == key))


def current_award(organisation: Organisation) -> OrganisationAward | None:
    """The organisation's award that is not revoked (at most one), if any."""
    return db.session.scalar(select(OrganisationAward).where(
        OrganisationAward.organisation_id == organisation.id, OrganisationAward.revoked_at.is_(None))
        .order_by(OrganisationAward.issued_at.desc()).limit(1))


def awards_under(rule: CredentialRule) -> list[OrganisationAward]:
    return list(db.session.scalars(select(OrganisationAward).where(OrganisationAward.rule_id == rule.id)
                                   .order_by(OrganisationAward.issued_at.desc())))


def course_title(slug: str) -> str:
    """Return a course's title in the curriculum, or its slug if the curriculum no longer has it."""
    from academy.courses.catalog import curriculum

    course = curriculum().courses.get(slug)
    return course.title if course else slug


def _snapshot(award: OrganisationAward, rule: CredentialRule, now: datetime) -> None:
    """(Re)issue the credential under the rule as it is now: new dates, the rule's course and threshold."""
    award.rule_id, award.sector = rule.id, rule.sector
    award.course_slug, award.course_title = rule.course_slug, course_title(rule.course_slug)
    award.threshold_percent = rule.threshold_percent
    award.credential_issued_at, award.valid_until = now, now + VALIDITY


def award(rule: CredentialRule, organisation: Organisation, *, actor: User,
          now: datetime | None = None) -> OrganisationAward:
    """Award the credential to an organisation that meets the rule and holds none."""
    now = now or utcnow()
    if organisation.community_id != rule.community_id or organisation.sector != rule.sector:
        raise AwardError(_l("This organisation is not in the rule's community and sector."))
    # Two coordinators (or a double click) awarding at once: on PostgreSQL the second waits here, then sees the first.
    db.session.execute(select(Organisation.id).where(Organisation.id == organisation.id).with_for_update())
    if current_award(organisation) is not None:
        raise AwardError(_l("This organisation already holds the credential."))
    if not evaluate(rule, [organisation], now)[0].holds:
        raise AwardError(_l("This organisation does not meet the rule."))
    new = OrganisationAward(organisation_id=organisation.id, issued_at=now, issued_by_id=actor.id,
                            status_changed_at=now)
    _snapshot(new, rule, now)
    try:
        insert_in_free_slot(new)
    except CertificateError:
        # Another coordinator's award of the same organisation got in first: the one-current-award index refused.
        if current_award(organisation) is not None:
            raise AwardError(_l("This organisation already holds the credential.")) from None
        raise
    db.session.flush()
    record(actor, "organisation_award.issued", "organisation_award", codes.group(new.code),
           organisation=organisation.id, rule=rule.id)
    log.info("organisation award %s issued to organisation %s by %s", new.id, organisation.id, actor.id)
    return new


def revoke(award_: OrganisationAward, *, actor: User, reason: str, now: datetime | None = None) -> None:
    """Revoke an award for good, with a private reason; its revocation bit is set."""
    reason = (reason or "").strip()
    if not reason:
        raise AwardError(_l("Give a reason for the revocation."))
    if award_.revoked_at is not None:
        raise AwardError(_l("This credential is already revoked."))
    now = now or utcnow()
    award_.revoked_at, award_.revoked_by_id, award_.revoke_reason = now, actor.id, reason[:500]
    award_.status_changed_at = now
    db.session.flush()
    record(actor, "organisation_award.revoked", "organisation_award", codes.group(award_.code),
           organisation=award_.organisation_id)
    log.info("organisation award %s revoked by %s", award_.id, actor.id)


def recheck(award_: OrganisationAward, now: datetime, actor: User | None = None) -> str | None:
    """Re-evaluate one award: lapse it, reinstate it or issue it again; return what happened, if anything."""
    rule = award_.rule
    ok = rule is not None and evaluate(rule, [award_.organisation], now)[0].holds
    code = codes.group(award_.code)
    if not ok:
        if award_.lapsed_at is not None:
            return None
        award_.lapsed_at = award_.status_changed_at = now
        record(actor, "organisation_award.lapsed", "organisation_award", code, organisation=award_.organisation_id)
        return "lapsed"
    outcome = None
    if award_.lapsed_at is not None:
        award_.lapsed_at, award_.status_changed_at = None, now
        _snapshot(award_, rule, now)
        outcome = "reinstated"
    elif award_.valid_until - now <= RENEW_WITHIN or award_.threshold_percent != rule.threshold_percent \
            or award_.course_slug != rule.course_slug:
        _snapshot(award_, rule, now)
        outcome = "renewed"
    if outcome:
        record(actor, f"organisation_award.{outcome}", "organisation_award", code,
               organisation=award_.organisation_id, valid_until=award_.valid_until.isoformat())
    return outcome


def recheck_all(now: datetime | None = None, actor: User | None = None) -> dict[str, int]:
    """Re-check every award that is not revoked; return how many lapsed, were reinstated and renewed."""
    now = now or utcnow()
    counts: dict[str, int] = {}
    for item in db.session.scalars(select(OrganisationAward).where(OrganisationAward.revoked_at.is_(None))
                                   .order_by(OrganisationAward.id)):
        outcome = recheck(item, now, actor)
        if outcome:
            counts[outcome] = counts.get(outcome, 0) + 1
    db.session.flush()
    return counts
