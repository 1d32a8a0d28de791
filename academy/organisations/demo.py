"""Demo data for the trained-organisation credential: in Riverside, a rule for law enforcement, a police
department that meets it and holds the credential, and a sheriff's office that does not meet it yet.

The members are people the coverage demo already trained (academy/coverage/demo.py), so the coverage figures do
not change. Idempotent: once Riverside has its law-enforcement rule, nothing more is added.
"""

from __future__ import annotations

from sqlalchemy import select

from academy.accounts.models import User
from academy.certificates.models import Certificate, valid_at
from academy.database import utcnow
from academy.extensions import db
from academy.organisations import awards
from academy.organisations.models import Organisation

COMMUNITY, SECTOR, COURSE = "riverside", "law-enforcement", "law-enforcement"
MEETS = "Riverside Police Department"
BELOW = "Riverside County Sheriff's Office"


def _people(community_id: int) -> tuple[list[User], list[User]]:
    """The community's demo people of the sector in no organisation: (holding a current certificate, not)."""
    now = utcnow()
    people = list(db.session.scalars(select(User).where(
        User.community_id == community_id, User.sector == SECTOR, User.organisation_id.is_(None),
        User.email.like(f"p-{COMMUNITY}-%"), User.deleted_at.is_(None), User.deactivated_at.is_(None))
        .order_by(User.id)))
    holding = set(db.session.scalars(select(Certificate.user_id).where(
        Certificate.user_id.in_([p.id for p in people]), Certificate.course_slug == COURSE,
        valid_at(now))))
    return [p for p in people if p.id in holding], [p for p in people if p.id not in holding]


def _organisation(community_id: int, name: str, members: list[User]) -> Organisation:
    organisation = Organisation(community_id=community_id, name=name, sector=SECTOR)
    db.session.add(organisation)
    db.session.flush()
    for person in members:
        person.organisation_id = organisation.id
    db.session.flush()
    return organisation


def populate(ctx: dict) -> list[str]:
    community, coordinator = ctx["communities"].get(COMMUNITY), ctx["users"].get("coordinator")
    if community is None or coordinator is None:
        return []
    rule = awards.rule_for(community.id, SECTOR)
    if rule is None:
        holding, not_holding = _people(community.id)
        if len(holding) < 9 or len(not_holding) < 2:
            return []  # the coverage demo did not train enough people here
        meets = _organisation(community.id, MEETS, holding[:6])  # 6 of 6 hold a current certificate
        _organisation(community.id, BELOW, holding[6:9] + not_holding[:2])  # 3 of 5: 60%, under the 80% asked
        rule = awards.save_rule(community, SECTOR, course_slug=COURSE, threshold_percent=80, min_members=5,
                                active=True, actor=coordinator)
        awards.award(rule, meets, actor=coordinator)
    return ["", "Trained organisations (as the coordinator):", f"  /organisations/credential-rules/{rule.id}"]
