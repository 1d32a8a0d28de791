"""Organisations: create them, grant leads, invite members, and what a lead may see of members who consent.

A member who has not agreed to share (`User.shares_with_organisation`, off by default) is counted, never named:
every page, CSV and API answer about an organisation goes through `members_report`, which leaves them out.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from sqlalchemy import func, select

from academy.accounts.models import Community, User
from academy.accounts.people import PeopleError, record
from academy.accounts.service import find_by_email, normalise_email
from academy.certificates.models import Certificate, valid_at
from academy.courses.models import CourseCompletion
from academy.csvfile import to_csv
from academy.database import utcnow
from academy.extensions import db
from academy.organisations.models import Organisation, OrganisationInvitation

EXPIRING_WITHIN = timedelta(days=60)
EMAIL = re.compile(r"[^@\s,;<>\"']+@[^@\s,;<>\"']+\.[^@\s,;<>\"'.]+")
SMALLEST_SHOWN = 5  # counts under this never leave the coalition in a breakdown


@dataclass
class MemberLine:
    name: str
    completed: list[str]  # course titles
    certificates: list[tuple[str, str, datetime | None]]  # (course title, valid/expiring/lapsed/revoked, expires_at)


@dataclass
class Report:
    organisation: Organisation
    shared: list[MemberLine]
    withheld: int  # members who did not agree to share: counted, never named

    @property
    def members(self) -> int:
        return len(self.shared) + self.withheld


@dataclass
class Invited:
    created: list[User] = field(default_factory=list)
    asked: list[str] = field(default_factory=list)  # existing accounts asked to join: members once they accept
    elsewhere: list[str] = field(default_factory=list)  # existing accounts in another organisation: untouched
    bad: list[str] = field(default_factory=list)


def managed_communities(user: User) -> list[Community]:
    """The communities whose organisations and credential rules the user manages, by name: a coordinator's own,
    every community for an admin."""
    if user.role == "coordinator":
        return sorted(user.coordinated_communities, key=lambda c: c.name)
    return list(db.session.scalars(select(Community).order_by(Community.name)))


def create_organisation(community: Community, name: str, sector: str | None, *, actor: User) -> Organisation:
    name = (name or "").strip()
    if not name:
        raise PeopleError("Give the organisation a name.")
    if db.session.scalar(select(Organisation).where(Organisation.community_id == community.id,
                                                    func.lower(Organisation.name) == name.lower())):
        raise PeopleError("This community already has an organisation of that name.")
    organisation = Organisation(community_id=community.id, name=name, sector=sector or None)
    db.session.add(organisation)
    db.session.flush()
    record(actor, "organisation.created", "organisation", organisation.id, community=community.slug)
    return organisation


def grant_lead(organisation: Organisation, user: User | None, *, actor: User) -> None:
    if user is None or user.organisation_id != organisation.id or user.deleted_at is not None:
        raise PeopleError("Only a member of the organisation can lead it.")
    if user not in organisation.leads:
        organisation.leads.append(user)
        record(actor, "organisation.lead_granted", "organisation", organisation.id, user=user.id)
    db.session.flush()


def remove_lead(organisation: Organisation, user: User, *, actor: User) -> None:
    if user in organisation.leads:
        organisation.leads.remove(user)
        record(actor, "organisation.lead_removed", "organisation", organisation.id, user=user.id)
    db.session.flush()


def set_sharing(user: User, shares: bool) -> None:
    """A member agrees to share (or withdraws): their lead sees their courses and certificates, or nothing."""
    if user.shares_with_organisation != shares:
        user.shares_with_organisation = shares
        record(user, "organisation.sharing_" + ("given" if shares else "withdrawn"), "user", user.id)
    db.session.flush()


def join(user: User, organisation: Organisation | None) -> None:
    """A person chooses the organisation they train through (or none); a change asks for consent again."""
    if user.organisation_id != (organisation.id if organisation else None):
        user.organisation_id = organisation.id if organisation else None
        user.shares_with_organisation = False
        for led in db.session.scalars(select(Organisation).where(Organisation.leads.contains(user))):
            led.leads.remove(user)
    db.session.flush()


def _state(certificate: Certificate, now: datetime) -> str:
    status = certificate.status(now)
    if status == "valid" and certificate.expires_at and certificate.expires_at - now <= EXPIRING_WITHIN:
        return "expiring"
    return {"valid": "valid", "expired": "lapsed", "revoked": "revoked"}.get(status, status)


def members_report(organisation: Organisation, now: datetime | None = None) -> Report:
    """What a lead may see: consenting, active members with their completions and certificates; the rest counted."""
    from academy.courses.catalog import curriculum

    now = now or utcnow()
    members = list(db.session.scalars(select(User).where(
        User.organisation_id == organisation.id, User.deleted_at.is_(None), User.deactivated_at.is_(None))
        .order_by(User.name, User.id)))
    sharing = [m for m in members if m.shares_with_organisation]
    ids = [m.id for m in sharing]
    completions: dict[int, list[str]] = {i: [] for i in ids}
    certificates: dict[int, list] = {i: [] for i in ids}
    courses = curriculum().courses
    if ids:
        for row in db.session.scalars(select(CourseCompletion).where(CourseCompletion.user_id.in_(ids))
                                      .order_by(CourseCompletion.id)):
            title = courses[row.course_slug].title if row.course_slug in courses else row.course_slug
            if title not in completions[row.user_id]:
                completions[row.user_id].append(title)
        for cert in db.session.scalars(select(Certificate).where(Certificate.user_id.in_(ids))
                                       .order_by(Certificate.issued_at)):
            state = _state(cert, now)
            if state != "superseded":
                certificates[cert.user_id].append((cert.course_title, state, cert.expires_at))
    shared = [MemberLine(m.name, completions[m.id], certificates[m.id]) for m in sharing]
    return Report(organisation, shared, len(members) - len(sharing))


def report_csv(report: Report) -> str:
    """The lead's CSV, written through the shared writer so no member's name runs as a formula."""
    rows: list[list[object]] = [["member", "completed courses", "certificate", "state", "expires"]]
    for line in report.shared:
        for title, state, expires in line.certificates or [("", "", None)]:
            rows.append([line.name, "; ".join(line.completed), title, state,
                         expires.date().isoformat() if expires else ""])
    rows.append([])
    rows.append([f"members who did not agree to share: {report.withheld}"])
    return to_csv(rows)


def parse_invitees(text: str) -> list[tuple[str, str]]:
    """(email, name) pairs from a pasted list ('Name <email>', 'email, name', one a line) or a CSV with columns."""
    found: list[tuple[str, str]] = []
    for line in (text or "").splitlines():
        match = EMAIL.search(line)
        if not match:
            if line.strip() and "email" not in line.lower():
                found.append((line.strip()[:80], ""))
            continue
        rest = (line[:match.start()] + line[match.end():]).replace("<", " ").replace(">", " ")
        name = " ".join(part.strip() for part in re.split(r"[,;\t]", rest) if part.strip()).strip(" \"'")
        found.append((normalise_email(match.group(0)), name))
    return found


def invite_members(organisation: Organisation, text: str, *, actor: User,
                   invite: Callable[[User], None] | None = None,
                   ask: Callable[[User], None] | None = None) -> Invited:
    """Invite people: new emails get an account (`invite` mails it a link to set its password, which accepts),
    existing people without an organisation are asked (`ask` tells them); nobody is a member before accepting."""
    outcome, seen = Invited(), set()
    for email, name in parse_invitees(text):
        if "@" not in email:
            outcome.bad.append(email)
            continue
        if email in seen:
            continue
        seen.add(email)
        user = find_by_email(email)
        if user is None:
            user = User(email=email, name=name or email.split("@")[0], role="trainee",
                        community_id=organisation.community_id, sector=organisation.sector)
            db.session.add(user)
            outcome.created.append(user)
        elif pending_invitation(user, organisation) is not None:
            continue  # asked already: not mailed twice
        elif user.organisation_id is None and user.deleted_at is None:
            outcome.asked.append(user)
        elif user.organisation_id != organisation.id:
            outcome.elsewhere.append(email)
    db.session.flush()
    for user in outcome.created + outcome.asked:
        db.session.add(OrganisationInvitation(organisation_id=organisation.id, user_id=user.id,
                                              invited_by_id=actor.id))
    db.session.flush()
    for user in outcome.created:
        if invite is not None:
            invite(user)
    for user in outcome.asked:
        if ask is not None:
            ask(user)
    outcome.asked = [user.email for user in outcome.asked]
    record(actor, "organisation.members_invited", "organisation", organisation.id, created=len(outcome.created),
           asked=len(outcome.asked))
    return outcome


def pending_invitation(user: User, organisation: Organisation) -> OrganisationInvitation | None:
    return db.session.scalar(select(OrganisationInvitation).where(
        OrganisationInvitation.user_id == user.id, OrganisationInvitation.organisation_id == organisation.id))


def pending_invitations(user: User) -> list[OrganisationInvitation]:
    """The invitations a person has not answered yet (shown on their account page)."""
    return list(db.session.scalars(select(OrganisationInvitation).where(OrganisationInvitation.user_id == user.id)
                                   .order_by(OrganisationInvitation.created_at, OrganisationInvitation.id)))


def answer_invitation(invitation: OrganisationInvitation, user: User, *, accept: bool) -> None:
    """The invited person accepts (they join, sharing off until they turn it on) or declines; either way the
    invitation is gone."""
    organisation = invitation.organisation
    db.session.delete(invitation)
    if accept:
        join(user, organisation)
    record(user, "organisation.invitation_" + ("accepted" if accept else "declined"), "organisation",
           organisation.id, user=user.id)
    db.session.flush()


def organisations_for(user: User) -> list[Organisation]:
    """The organisations a person may open: all for an admin, their communities' for a coordinator, led ones."""
    query = select(Organisation).order_by(Organisation.name)
    if user.role == "admin":
        return list(db.session.scalars(query))
    community_ids = {c.id for c in user.coordinated_communities} if user.role == "coordinator" else set()
    led = select(Organisation.id).where(Organisation.leads.contains(user))
    return list(db.session.scalars(query.where(
        Organisation.community_id.in_(community_ids) | Organisation.id.in_(led))))


def active_member(organisation_ids: list[int]):
    """SQL condition: a person who is a member of one of the organisations, not deleted or deactivated."""
    return User.organisation_id.in_(organisation_ids) & User.deleted_at.is_(None) & User.deactivated_at.is_(None)


def member_counts(organisation_ids: list[int], now: datetime,
                  course_slug: str | None = None) -> tuple[dict[int, int], dict[int, int]]:
    """Per organisation id: active members, and those of them holding a valid certificate (of the course, if one
    is given). Two grouped queries, however many organisations."""
    if not organisation_ids:
        return {}, {}
    members = dict(db.session.execute(
        select(User.organisation_id, func.count(User.id)).where(active_member(organisation_ids))
        .group_by(User.organisation_id)).all())
    held = select(User.organisation_id, func.count(func.distinct(Certificate.user_id))).join(
        User, User.id == Certificate.user_id).where(active_member(organisation_ids), valid_at(now))
    if course_slug is not None:
        held = held.where(Certificate.course_slug == course_slug)
    holders = dict(db.session.execute(held.group_by(User.organisation_id)).all())
    return members, holders


def breakdown(community_ids: set[int] | None, sector: str | None = None) -> list[tuple]:
    """Per organisation: (community, organisation, people holding a valid certificate, members); any count under
    SMALLEST_SHOWN is given as None (shown as "fewer than 5")."""
    now = utcnow()
    query = select(Organisation, Community).join(Community, Community.id == Organisation.community_id)
    if community_ids is not None:
        query = query.where(Organisation.community_id.in_(community_ids))
    if sector:
        query = query.where(Organisation.sector == sector)
    found = db.session.execute(query.order_by(Community.name, Organisation.name)).all()
    members, holders = member_counts([organisation.id for organisation, _ in found], now)
    rows = []
    for organisation, community in found:
        trained, people = holders.get(organisation.id, 0), members.get(organisation.id, 0)
        rows.append((community.name, organisation.name, trained if trained >= SMALLEST_SHOWN else None,
                     people if people >= SMALLEST_SHOWN else None))
    return rows
