"""Demo coverage: people, certificates, sessions and targets in the demo communities, so the dashboard,
its chart, trend and projections mean something at once. Idempotent: a community that has them is left alone.
"""

from __future__ import annotations

import math
import random
from datetime import datetime, timedelta

from sqlalchemy import func, select

from academy.accounts.models import User
from academy.certificates import codes, statuslist
from academy.certificates.models import Certificate
from academy.certificates.service import add_months, audit
from academy.courses.catalog import curriculum
from academy.coverage import periods, service
from academy.coverage.periods import Period
from academy.database import utcnow
from academy.extensions import db
from academy.sessions.models import Attendance, TrainingSession

DOMAIN = "people.demo.academy"  # demo trainees' addresses: they have no password and cannot sign in
HISTORY = 6  # half-years of training before and including the current one

# Per community: how many people, and the (sector, sub-role) mix they are drawn from, with weights.
PLANS = {
    "riverside": (
        170,
        [
            ("law-enforcement", "police", 14),
            ("law-enforcement", "prosecutor", 3),
            ("law-enforcement", "judge", 1),
            ("health", "first-responder", 9),
            ("health", "healthcare", 8),
            ("schools", "teacher", 10),
            ("schools", "counsellor", 3),
            ("business", "hospitality", 7),
            ("business", "transport", 3),
            ("faith-ngo", "ngo-staff", 5),
            ("faith-ngo", "faith-leader", 3),
            ("consumers", None, 4),
            ("media", "journalist", 2),
        ],
    ),
    "fraser-valley": (
        110,
        [
            ("law-enforcement", "police", 10),
            ("law-enforcement", "prosecutor", 2),
            ("health", "first-responder", 8),
            ("health", "healthcare", 4),
            ("schools", "teacher", 8),
            ("schools", "school-staff", 3),
            ("business", "supply-chain", 5),
            ("faith-ngo", "volunteer", 6),
            ("consumers", None, 3),
            ("legislators", "policy-staff", 1),
        ],
    ),
}
FIRST_NAMES = (
    "Alex",
    "Sam",
    "Jordan",
    "Maria",
    "Wei",
    "Amara",
    "Diego",
    "Fatima",
    "Noah",
    "Lena",
    "Kofi",
    "Priya",
    "Tom",
    "Aiko",
    "Omar",
    "Grace",
    "Mateo",
    "Ines",
    "Ravi",
    "Hana",
)
LAST_NAMES = (
    "Nguyen",
    "Garcia",
    "Smith",
    "Okafor",
    "Chen",
    "Martin",
    "Singh",
    "Kowalski",
    "Haddad",
    "Brown",
    "Silva",
    "Johansson",
    "Mensah",
    "Rossi",
    "Tanaka",
    "Lopez",
)


class _Register:
    """Fresh certificate codes and status-list indexes for the demo rows."""

    def __init__(self) -> None:
        self.used = set(db.session.scalars(select(Certificate.status_index)))

    def index(self) -> int:
        found = statuslist.random_free_index(self.used)
        self.used.add(found)
        return found


def _moment(rng: random.Random, period: Period, now: datetime) -> datetime:
    """A random moment within a period, not after now."""
    end = min(period.end, now)
    span = max((end - period.start).total_seconds(), 1)
    return period.start + timedelta(seconds=rng.uniform(0, span * 0.999))


def _certificate(
    user: User, course, register: _Register, issued: datetime, via: str, sector: str, subrole: str | None
) -> Certificate:
    expires = add_months(issued, course.validity_months) if course.validity_months else None
    return Certificate(
        code=codes.canonical(codes.new_code()),
        user_id=user.id,
        holder_name=user.name,
        course_slug=course.slug,
        course_title=course.title,
        sector=sector,
        subrole=subrole,
        community_id=user.community_id,
        version=course.version,
        hours=course.hours,
        earned_via=via,
        issued_at=issued,
        expires_at=expires,
        status_index=register.index(),
    )


def _people(community, plan: tuple, rng: random.Random) -> list[User]:
    count, mix = plan
    sectors = curriculum().sectors
    mix = [entry for entry in mix if entry[0] in sectors and curriculum().courses_in(entry[0])]
    people = []
    for n in range(count):
        sector, subrole, _ = rng.choices(mix, weights=[w for *_, w in mix])[0]
        name = f"{rng.choice(FIRST_NAMES)} {rng.choice(LAST_NAMES)}"
        people.append(
            User(
                email=f"p-{community.slug}-{n:03d}@{DOMAIN}",
                name=name,
                role="trainee",
                sector=sector,
                subrole=subrole,
                community_id=community.id,
            )
        )
    db.session.add_all(people)
    db.session.flush()
    return people


def _train(
    person: User, rng: random.Random, register: _Register, now: datetime, window: list[Period], renewals: list
) -> list:
    """Issue the person's certificates: the foundation, their sector's course, maybe revoked or renewed."""
    course = curriculum().courses_in(person.sector)[0]
    period = rng.choices(window, weights=range(1, len(window) + 1))[0]
    issued = _moment(rng, period, now)
    via = "in-person" if rng.random() < 0.45 else "self-paced"
    made = []
    shared = {s.id for s in curriculum().sectors.values() if s.shared}
    foundation = next((c for c in curriculum().courses.values() if c.sector in shared), None)
    if foundation is not None:
        made.append(
            _certificate(
                person,
                foundation,
                register,
                issued - timedelta(days=rng.randint(3, 40)),
                "self-paced",
                foundation.sector,
                None,
            )
        )
    first = _certificate(person, course, register, issued, via, person.sector, person.subrole)
    made.append(first)
    if rng.random() < 0.04:
        first.revoked_at = issued + timedelta(days=rng.randint(5, 60))
        first.revoke_reason = "Demo: issued in error."
    elif first.expires_at and first.expires_at - timedelta(days=45) < now and rng.random() < 0.5:
        again = min(first.expires_at - timedelta(days=rng.randint(1, 45)), now - timedelta(days=1))
        renewal = _certificate(person, course, register, again, "self-paced", person.sector, person.subrole)
        made.append(renewal)
        renewals.append((first, renewal))
    return made


def _sessions(community, certificates: list[Certificate], trainer: User | None, now: datetime) -> int:
    """Group in-person certificates into closed sessions (one per course and quarter), with attendance."""
    groups: dict[tuple, list[Certificate]] = {}
    for cert in certificates:
        if cert.earned_via == "in-person":
            groups.setdefault((cert.course_slug, cert.issued_at.year, (cert.issued_at.month - 1) // 3), []).append(cert)
    for (slug, _, _), members in groups.items():
        starts = min(min(c.issued_at for c in members) - timedelta(hours=3), now - timedelta(days=1))
        session = TrainingSession(
            course_slug=slug,
            title=f"{members[0].course_title} (demo)",
            starts_at=starts,
            ends_at=starts + timedelta(hours=3),
            place="Community hall",
            community_id=community.id,
            status="closed",
            closed_at=starts + timedelta(hours=3),
            created_by_id=getattr(trainer, "id", None),
        )
        seen = set()
        for cert in members:
            if cert.user_id not in seen:
                seen.add(cert.user_id)
                session.attendances.append(Attendance(user_id=cert.user_id, method="qr", checked_in_at=starts))
        db.session.add(session)
        db.session.flush()
        for cert in members:
            cert.session_id, cert.issued_at = session.id, session.ends_at
    return len(groups)


def _targets(community, now: datetime, rng: random.Random) -> None:
    """Targets for last, this and next half-year: some met, some not, a few per sub-role."""
    current = periods.containing(now)
    cur = curriculum()
    courses = {slug: c.sector for slug, c in cur.courses.items()}
    dash = service.dashboard(community.id, current, cur.sectors.values(), courses)
    for step, factor in ((-1, 0.8), (0, 1.0), (1, 1.25)):
        period = current.next(step)
        if service.targets_for(community.id, period):
            continue
        values: dict[tuple[str, str], int | None] = {}
        for row in dash.rows:
            ambition = rng.choice((0.8, 0.95, 1.3, 1.6, 2.0)) * factor  # some sectors already there, most not
            values[(row.sector, "")] = 5 * max(1, round(row.counts.trained * ambition / 5))
            for sub in row.subroles:
                if sub.subrole in ("police", "prosecutor", "judge", "first-responder"):
                    wanted = max(2, math.ceil(sub.counts.trained * 1.3 * factor))
                    values[(row.sector, sub.subrole)] = min(wanted, values[(row.sector, "")])
        service.save_targets(community.id, period, values)


def _has_people(community) -> bool:
    query = select(func.count(User.id)).where(User.email.like(f"p-{community.slug}-%@{DOMAIN}"))
    return bool(db.session.scalar(query))


def _log(certificates: list[Certificate], renewals: list, admin: User | None) -> None:
    """Write the audit lines the app itself writes for these certificates: issued, renewed, revoked."""
    renewed = {old.id: new for old, new in renewals}
    for cert in certificates:
        audit("certificate.issued", cert, cert.user, cert.issued_at, course=cert.course_slug,
              version=cert.version, via=cert.earned_via)
        if cert.id in renewed:
            audit("certificate.renewed", cert, cert.user, renewed[cert.id].issued_at,
                  superseded_by=codes.group(renewed[cert.id].code))
        if cert.revoked_at is not None:
            cert.revoked_by_id = admin.id if admin else None
            audit("certificate.revoked", cert, admin, cert.revoked_at)


def populate(ctx: dict) -> list[str]:
    """Fill the demo communities with trained people, sessions and targets; return lines to print."""
    now, register, lines = utcnow(), _Register(), ["", "Demo coverage:"]
    window = periods.window(periods.containing(now), HISTORY)
    for slug, community in ctx["communities"].items():
        plan = PLANS.get(slug)
        if plan is None:
            continue
        rng = random.Random(f"academy-coverage-{slug}")
        if not _has_people(community):
            people = _people(community, plan, rng)
            renewals: list[tuple[Certificate, Certificate]] = []
            certificates = [c for p in people for c in _train(p, rng, register, now, window, renewals)]
            db.session.add_all(certificates)
            db.session.flush()
            for old, new in renewals:
                old.superseded_by_id = new.id
            _log(certificates, renewals, ctx["users"].get("admin"))
            held = _sessions(community, certificates, ctx["users"].get("trainer"), now)
            db.session.flush()
            lines.append(
                f"  {community.name}: {len(people)} people, {len(certificates)} certificates, {held} sessions added"
            )
        _targets(community, now, rng)
        lines.append(f"  /coverage?community={slug}")
    return lines
