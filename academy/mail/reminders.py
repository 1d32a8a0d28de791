"""`academy reminders run`: find what is due and queue it, once.

Every reminder has a key in reminder_sent (kind, subject, stage). A run inserts the key and queues the message
in one transaction, and holds a lock for the whole run (an advisory lock on PostgreSQL, the write lock on
SQLite), so two runs never queue the same reminder and a run that stopped half way resumes where it was.
Stages are found by date, not by "is it exactly 60 days today": a run that was down for a week still sends what
became due meanwhile (the latest stage only: one mail, not three).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timedelta

from sqlalchemy import and_, case, exists, insert, literal, select, text

from academy.accounts.models import User
from academy.certificates.models import Certificate
from academy.database import utcnow
from academy.extensions import db
from academy.mail import notices, outbox, prefs
from academy.mail.messages import language_of
from academy.mail.models import ReminderSent

STAGES = (60, 14, 0)  # days before expiry; 0: on expiry
GRACE = timedelta(days=30)  # an expiry reminder is still worth sending this long after the date
DIGEST_DAYS = 60
LOCK_ID = 19_000_001  # the PostgreSQL advisory lock held by a reminders run


@dataclass
class RunReport:
    counts: dict[str, int] = field(default_factory=dict)

    def add(self, what: str, n: int = 1) -> None:
        self.counts[what] = self.counts.get(what, 0) + n

    def __str__(self) -> str:
        return ", ".join(f"{n} {what}" for what, n in sorted(self.counts.items())) or "nothing due"


def lock_run() -> None:
    """Hold the reminders lock until the transaction ends (two runs at once take turns)."""
    connection = db.session.connection()
    if connection.dialect.name == "postgresql":
        connection.execute(text("SELECT pg_advisory_xact_lock(:id)"), {"id": LOCK_ID})
    elif connection.dialect.name == "sqlite" and not connection.connection.dbapi_connection.in_transaction:
        connection.exec_driver_sql("BEGIN IMMEDIATE")


def mark(kind: str, subject_id: int, stage: int, now: datetime) -> None:
    db.session.add(ReminderSent(kind=kind, subject_id=subject_id, stage=stage, at=now))


def run_all(now: datetime | None = None) -> RunReport:
    """Queue every reminder due at `now`; the caller commits."""
    now = now or utcnow()
    lock_run()
    report = RunReport()
    expiry_reminders(now, report)
    session_reminders(now, report)
    monthly_digests(now, report)
    from academy.organisations import awards  # the trained organisation credential lapses and renews here

    for outcome, n in awards.recheck_all(now).items():
        report.add(f"organisation credentials {outcome}", n)
    db.session.flush()
    return report


def _stage_expression(now: datetime):
    whens = [(Certificate.expires_at <= now + timedelta(days=days), literal(days)) for days in sorted(STAGES)]
    return case(*whens, else_=literal(-1))


def due_expiry(now: datetime):
    """Certificates whose latest reached stage has no reminder yet: (id, user id, stage) rows."""
    stage = _stage_expression(now).label("stage")
    done = exists().where(ReminderSent.kind == "expiry", ReminderSent.subject_id == Certificate.id,
                          ReminderSent.stage == stage)
    return (select(Certificate.id, Certificate.user_id, stage)
            .where(Certificate.expires_at > now - GRACE, Certificate.expires_at <= now + timedelta(days=max(STAGES)),
                   Certificate.revoked_at.is_(None), Certificate.superseded_by_id.is_(None),
                   Certificate.user_id.is_not(None), ~done)
            .order_by(Certificate.expires_at, Certificate.id))


def expiry_reminders(now: datetime, report: RunReport) -> None:
    """Queue one reminder per certificate reaching a stage, as rows the sender renders (thousands at once on the
    first run after deployment, so they are written in two bulk INSERTs rather than rendered here)."""
    off = prefs.opted_out_ids("expiry-reminder")
    rows = db.session.execute(due_expiry(now)).all()
    if not rows:
        return
    people = {u.id: u for u in db.session.execute(
        select(User.id, User.email, User.locale, User.deleted_at).where(User.id.in_({r.user_id for r in rows})))}
    sent, mail = [], []
    for certificate_id, user_id, stage in rows:
        sent.append({"kind": "expiry", "subject_id": certificate_id, "stage": stage, "at": now})
        person = people.get(user_id)
        if user_id in off or person is None or person.deleted_at is not None or not person.email:
            report.add("expiry reminders skipped")
            continue
        spec = {"notice": "expiry", "certificate_id": certificate_id, "days": stage}
        mail.append(outbox.row(person.email, kind="expiry-reminder", user_id=user_id, locale=language_of(person),
                               render=spec, now=now))
        report.add("expiry reminders")
    db.session.execute(insert(ReminderSent.__table__), sent)
    if mail:
        db.session.execute(insert(outbox.TABLE), mail)


def session_reminders(now: datetime, report: RunReport) -> None:
    """The day before: registered people of scheduled sessions starting within 24 hours."""
    from academy.sessions.models import Registration, TrainingSession

    done = exists().where(ReminderSent.kind == "session", ReminderSent.subject_id == Registration.id)
    rows = db.session.execute(
        select(Registration, TrainingSession).join(TrainingSession, Registration.session_id == TrainingSession.id)
        .where(Registration.status == "registered", TrainingSession.status == "scheduled",
               TrainingSession.starts_at > now, TrainingSession.starts_at <= now + timedelta(days=1), ~done)
        .order_by(TrainingSession.starts_at, Registration.id)).all()
    for registration, session in rows:
        mark("session", registration.id, 0, now)
        if notices.session_mail(registration.user, session, "reminder", flush=False) is None:
            report.add("session reminders skipped")
        else:
            report.add("session reminders")


def _expiring(now: datetime, condition) -> list[tuple[Certificate, User]]:
    return list(db.session.execute(
        select(Certificate, User).join(User, Certificate.user_id == User.id)
        .where(condition, Certificate.expires_at > now,
               Certificate.expires_at <= now + timedelta(days=DIGEST_DAYS), Certificate.revoked_at.is_(None),
               Certificate.superseded_by_id.is_(None), User.deleted_at.is_(None))
        .order_by(Certificate.expires_at)))


def digest_rows(pairs: list[tuple[Certificate, User]]) -> tuple[list[dict], int]:
    """Members who agreed to share are named; the others are only counted."""
    named = [{"name": user.name, "course": cert.course_title, "expires_at": cert.expires_at}
             for cert, user in pairs if user.shares_with_organisation]
    return named, len(pairs) - len(named)


def monthly_digests(now: datetime, report: RunReport) -> None:
    """Once a month: each organisation's leads, and each community's coordinators."""
    from academy.accounts.models import Community
    from academy.organisations.models import Organisation

    month = now.year * 100 + now.month
    sent = set(db.session.execute(select(ReminderSent.kind, ReminderSent.subject_id)
                                  .where(ReminderSent.kind.in_(("digest-org", "digest-community")),
                                         ReminderSent.stage == month)))
    for organisation in db.session.scalars(select(Organisation).where(Organisation.leads.any())):
        if ("digest-org", organisation.id) in sent:
            continue
        mark("digest-org", organisation.id, month, now)
        named, unnamed = digest_rows(_expiring(now, User.organisation_id == organisation.id))
        if named or unnamed:
            for lead in organisation.leads:
                if notices.digest(lead, group_name=organisation.name, named=named, unnamed=unnamed,
                                  community=organisation.community, flush=False):
                    report.add("digests")
    for community in db.session.scalars(select(Community).where(Community.coordinators.any())):
        if ("digest-community", community.id) in sent:
            continue
        mark("digest-community", community.id, month, now)
        named, unnamed = digest_rows(_expiring(now, and_(Certificate.community_id == community.id)))
        overdue = overdue_resources(community.id, now)
        if named or unnamed or overdue:
            for coordinator in community.coordinators:
                if notices.digest(coordinator, group_name=community.name, named=named, unnamed=unnamed,
                                  community=community, overdue=overdue, flush=False):
                    report.add("digests")


def overdue_resources(community_id: int, now: datetime) -> list[dict]:
    """The community's local service entries last checked 12 months ago or more, oldest check first, as the
    digest lists them (the manage page shows the same ones)."""
    from academy.mail.messages import link
    from academy.resources import service as resources

    today = now.date()
    due = sorted((e for e in resources.entries(community_id) if resources.recheck_due(e, today)),
                 key=lambda e: (e.verified_on, e.name))
    return [{"name": e.name, "verified_on": e.verified_on, "url": link("resources.edit", entry_id=e.id)}
            for e in due]
