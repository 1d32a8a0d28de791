"""`academy reminders run` with the clock moved: each reminder once, none missed across a restart."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import select

from academy.accounts import service as accounts
from academy.certificates import service as certificates
from academy.courses.catalog import get_course
from academy.database import utcnow
from academy.extensions import db
from academy.mail import outbox, prefs, reminders
from academy.mail.models import MailMessage
from academy.organisations.models import Organisation
from tests.mail_fixtures import inbox, mail_config_fixture, smtp_server, text_part  # noqa: F401


@pytest.fixture(name="app_config")
def app_config_fixture(mail_config):
    return mail_config


@pytest.fixture(name="holder")
def holder_fixture(app):
    """A certificate (basics, 24 months) issued to a Spanish-speaking person; the issuance mail is cleared."""
    certificates.init_keys(app)
    community = accounts.get_or_create_community("riverside", "Riverside Coalition")
    user = accounts.create_user(email="holder@example.org", name="Holder One", password=None,
                                community_id=community.id, sector="law-enforcement", subrole="police")
    user.locale = "es"
    certificate = certificates.issue_certificate(user, get_course("basics"), via="self-paced")
    db.session.execute(MailMessage.__table__.delete())
    db.session.commit()
    return certificate


def run(at) -> str:
    report = reminders.run_all(at)
    db.session.commit()
    return str(report)


def queued(kind: str = "expiry-reminder") -> list[MailMessage]:
    return list(db.session.scalars(select(MailMessage).where(MailMessage.kind == kind).order_by(MailMessage.id)))


def test_each_stage_once_day_by_day(app, holder, inbox):
    expires = holder.expires_at
    day = expires - timedelta(days=70)
    subjects = []
    while day < expires + timedelta(days=40):
        run(day)
        run(day + timedelta(hours=1))  # a second run the same day (cron twice, or two hosts): nothing new
        subjects = [m.subject for m in queued()]
        day += timedelta(days=1)
    messages = queued()
    assert len(messages) == 3, subjects
    assert [m.locale for m in messages] == ["es"] * 3
    assert [m.render["days"] for m in messages] == [60, 14, 0]  # rendered by the sender, in Spanish
    assert outbox.send_due().sent == 3
    db.session.expire_all()
    assert "60" in messages[0].subject and "14" in messages[1].subject  # language-neutral: the day counts


def test_nothing_missed_across_a_restart(app, holder):
    expires = holder.expires_at
    run(expires - timedelta(days=61))
    assert queued() == []
    # the server was down from 61 days before until 10 days before: the run after the restart sends the latest
    # stage due (14 days), once, instead of three mails at once or none.
    run(expires - timedelta(days=10))
    run(expires - timedelta(days=9))
    [message] = queued()
    assert message.render == {"notice": "expiry", "certificate_id": holder.id, "days": 14}
    run(expires + timedelta(days=3))  # down again over the expiry date
    assert len(queued()) == 2
    run(expires + timedelta(days=60))  # long after the grace period: nothing more
    assert len(queued()) == 2


def test_expiry_reminder_arrives_with_renew_and_verify_links(app, holder, inbox):
    run(holder.expires_at - timedelta(days=59))
    assert outbox.send_due().sent == 1
    [message] = inbox.wait(1)
    body = text_part(message)
    assert message["Content-Language"] == "es"
    assert "https://academy.test/courses/basics" in body and "/verify/" in body
    assert "https://academy.test/mail/unsubscribe/" in body and message["List-Unsubscribe"]


def test_renewed_revoked_or_opted_out_get_no_reminder(app, holder, make_user):
    prefs.set_choice(holder.user_id, "expiry-reminder", False)
    db.session.commit()
    run(holder.expires_at - timedelta(days=30))
    assert queued() == []
    prefs.set_choice(holder.user_id, "expiry-reminder", True)
    db.session.commit()
    run(holder.expires_at - timedelta(days=20))
    assert queued() == []  # the 60-day stage was dealt with (skipped) while opted out; next is the 14-day one
    renewed = certificates.issue_certificate(holder.user, get_course("basics"), via="self-paced",
                                             now=holder.expires_at - timedelta(days=10))
    db.session.commit()
    assert renewed.expires_at > holder.expires_at
    run(holder.expires_at - timedelta(days=5))
    assert queued() == []  # the old one is superseded: no reminder for it


def test_session_reminder_the_day_before_once(app, holder):
    from academy.sessions import registration
    from academy.sessions.models import TrainingSession

    start = utcnow() + timedelta(days=3)
    session = TrainingSession(course_slug="basics", title="Refresher evening", place="Hall",
                              starts_at=start, ends_at=start + timedelta(hours=2))
    db.session.add(session)
    db.session.commit()
    registration.register(session, holder.user)
    db.session.commit()
    run(start - timedelta(days=2))
    assert queued("session-reminder") == []
    run(start - timedelta(hours=23))
    run(start - timedelta(hours=2))
    assert len(queued("session-reminder")) == 1


def test_monthly_digest_names_consenting_members_and_counts_others(app, holder, make_user):
    community = holder.community
    organisation = Organisation(community_id=community.id, name="Riverside PD")
    db.session.add(organisation)
    db.session.flush()
    holder.user.organisation_id = organisation.id
    sharing = accounts.create_user(email="sharer@example.org", name="Sam Sharer", password=None,
                                   community_id=community.id, sector="law-enforcement", subrole="police")
    sharing.organisation_id, sharing.shares_with_organisation = organisation.id, True
    db.session.flush()
    certificates.issue_certificate(sharing, get_course("basics"), via="self-paced")
    lead = make_user("trainee", email="lead@example.org", community=community)
    organisation.leads.append(db.session.merge(lead))
    coordinator = make_user("coordinator", email="coord@example.org", community=community,
                            coordinates=[community])
    db.session.commit()
    moment = holder.expires_at - timedelta(days=50)
    run(moment)
    run(moment + timedelta(days=2))  # the same month: once
    digests = {m.to_addr: m for m in queued("digest")}
    assert set(digests) == {"lead@example.org", coordinator.email}
    body = digests["lead@example.org"].body_text
    assert "Sam Sharer" in body and "Holder One" not in body
    assert "1 more, held by members who have not agreed" in body
    run(moment + timedelta(days=31))  # next month (31 days always reach it): a new digest for each
    assert len(queued("digest")) == 4


def test_cli_reminders_run_is_idempotent(app, runner, holder):
    import academy.mail.reminders as module

    original = module.utcnow
    module.utcnow = lambda: holder.expires_at - timedelta(days=13)
    try:
        first = runner.invoke(args=["reminders", "run"])
        second = runner.invoke(args=["reminders", "run"])
    finally:
        module.utcnow = original
    assert first.exit_code == 0 and "1 expiry reminders" in first.output, first.output
    assert "nothing due" in second.output


def test_monthly_digest_lists_local_services_due_for_a_check(app, holder, make_user):
    from academy.resources.models import LocalResource

    community = holder.community
    coordinator = make_user("coordinator", email="coord@example.org", community=community, coordinates=[community])
    moment = holder.issued_at + timedelta(days=200)  # no certificate expires within 60 days
    old = LocalResource(community_id=community.id, name="Old Clinic", category="medical",
                        verified_on=(moment - timedelta(days=400)).date())
    fresh = LocalResource(community_id=community.id, name="New Shelter", category="shelter",
                          verified_on=(moment - timedelta(days=30)).date())
    db.session.add_all([old, fresh])
    db.session.commit()
    run(moment)
    [digest] = queued("digest")
    assert digest.to_addr == coordinator.email
    assert digest.subject == "Local services to check again in Riverside Coalition"
    body = digest.body_text
    assert "Local services of Riverside Coalition not checked for 12 months or more: 1." in body
    assert f"- Old Clinic (last checked {old.verified_on:%B} {old.verified_on.day}, {old.verified_on.year})" in body
    assert f"https://academy.test/resources/local/{old.id}" in body and "New Shelter" not in body
    assert "https://academy.test/resources/local?community=riverside" in body
    assert "Certificates of" not in body  # none expiring: that part is left out
    old.verified_on = moment.date()  # checked again: next month's digest has nothing to say
    db.session.commit()
    run(moment + timedelta(days=31))
    assert len(queued("digest")) == 1
