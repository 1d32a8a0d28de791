"""`academy backup` / `restore`: an SQLite round trip that compares every table, and PostgreSQL's hint."""

from __future__ import annotations

import sqlite3

import pytest
from sqlalchemy import select

from academy.extensions import db
from tests.conftest import make_app
from tests.hardening_fixtures import build_world


@pytest.fixture
def sqlite_app(tmp_path):
    """An app on its own SQLite file (whatever TEST_DATABASE_URL says), with a world of data in it."""
    from academy.accounts import service

    app = make_app(f"sqlite:///{tmp_path / 'live.sqlite3'}", tmp_path)
    with app.app_context():
        import academy.models  # noqa: F401

        db.create_all()

        def make_user(role, *, community=None, coordinates=(), sector="law-enforcement", subrole="police"):
            user = service.create_user(email=f"{role}@example.org", name=f"{role.title()} Person",
                                       password="correct horse battery", role=role, sector=sector,
                                       subrole=subrole, community_id=community.id if community else None)
            user.coordinated_communities.extend(coordinates)
            db.session.commit()
            return user

        def make_community(slug):
            community = service.get_or_create_community(slug)
            db.session.commit()
            return community

        world = build_world(app, make_user, make_community)
        _more_rows(world)
        yield app
        db.session.remove()
        db.engine.dispose()


def _more_rows(world) -> None:
    """Fill the tables the world leaves empty: course versions, progress, completions, targets."""
    from academy.courses import service as courses
    from academy.courses.catalog import get_course
    from academy.courses.models import CourseCompletion, CourseVersion
    from academy.coverage.models import Target

    trainee, basics = world.users["trainee"], get_course("basics")
    db.session.add(CourseVersion(slug="basics", version=basics.version, title=basics.title,
                                 sector=basics.sector))
    courses.mark_lesson_complete(trainee, basics, basics.lessons[0])
    db.session.add(CourseCompletion(user_id=trainee.id, course_slug="basics", version=basics.version))
    db.session.add(Target(community_id=world.ids["community"], sector="law-enforcement", subrole="police",
                          period="2026H2", headcount=40))
    from academy.accounts import signin

    signin.start(trainee)  # the world's organisation, lead and member come from build_world
    from academy.accounts.models import AccountMerge

    db.session.add(AccountMerge(kept_id=trainee.id, merged_id=world.users["trainer"].id,
                                actor_id=world.users["admin"].id, moved={"enrolment": []}))
    from academy.coverage import checklist, feedback, learning, periods
    from academy.coverage.models import AssessmentIndicator

    pre = learning.record(trainee, basics, learning.PRE, [(q, True) for q in basics.quiz.questions])
    pre.indicators.append(AssessmentIndicator(indicator="knows-hotline", asked=1, correct=1))
    feedback.submit(community_id=world.ids["community"], course_slug="basics", session_id=None, relevance=4,
                    confidence_before=2, confidence_after=4, will_do="", comment="", given_by=trainee.id)
    checklist.answer(world.ids["community"], periods.parse("2026H2"), "research-discovery", "yes", note="",
                     evidence_url=None, actor=world.users["coordinator"])
    from academy.sessions.models import CheckinTicketUse

    db.session.add(CheckinTicketUse(nonce="used-ticket", session_id=world.ids["session"], user_id=trainee.id))
    from academy.mail.models import MailOptOut, ReminderSent
    from academy.sessions.models import Registration

    db.session.add(MailOptOut(user_id=trainee.id, kind="digest"))
    db.session.add(ReminderSent(kind="expiry", subject_id=world.ids["certificate"], stage=60))
    db.session.add(Registration(session_id=world.ids["session"], user_id=trainee.id, status="registered"))
    from academy.organisations.models import OrganisationInvitation

    db.session.add(OrganisationInvitation(organisation_id=world.args["organisation_id"],
                                          user_id=world.users["auditor"].id, invited_by_id=trainee.id))
    db.session.commit()


def snapshot() -> dict[str, list]:
    db.session.expire_all()
    return {table.name: sorted(map(repr, db.session.execute(select(table)).all()))
            for table in db.metadata.sorted_tables}


def test_backup_and_restore_round_trip_every_table(sqlite_app, tmp_path):
    from academy.accounts.models import User
    from academy.certificates.models import Certificate

    runner = sqlite_app.test_cli_runner()
    before = snapshot()
    empty = sorted(name for name, rows in before.items() if not rows)
    assert not empty, f"fill these tables too, so the round trip checks them: {empty}"
    target = tmp_path / "backup.sqlite3"
    result = runner.invoke(args=["backup", str(target)])
    assert result.exit_code == 0, result.output
    assert "backed up" in result.output and "keys/" in result.output
    db.session.execute(Certificate.__table__.delete())
    db.session.add(User(email="after@example.org", name="After Backup"))
    db.session.commit()
    assert snapshot() != before
    result = runner.invoke(args=["restore", str(target), "--yes"])
    assert result.exit_code == 0, result.output
    assert snapshot() == before


def test_backup_refuses_to_overwrite_without_force(sqlite_app, tmp_path):
    runner = sqlite_app.test_cli_runner()
    target = tmp_path / "exists.sqlite3"
    target.write_bytes(b"keep me")
    result = runner.invoke(args=["backup", str(target)])
    assert result.exit_code == 1 and "--force" in result.output
    assert target.read_bytes() == b"keep me"
    assert runner.invoke(args=["backup", str(target), "--force"]).exit_code == 0


def test_restore_refuses_a_file_that_is_not_an_academy_database(sqlite_app, tmp_path):
    runner = sqlite_app.test_cli_runner()
    before = snapshot()
    junk = tmp_path / "junk.sqlite3"
    junk.write_bytes(b"this is not a database" * 100)
    other = tmp_path / "other.sqlite3"
    sqlite3.connect(other).execute("CREATE TABLE note (text)").connection.close()
    for path, message in ((junk, "not an SQLite database"), (other, "not an academy database")):
        result = runner.invoke(args=["restore", str(path), "--yes"])
        assert result.exit_code == 1 and message in result.output, result.output
    assert snapshot() == before


def test_restore_asks_first(sqlite_app, tmp_path):
    runner = sqlite_app.test_cli_runner()
    target = tmp_path / "backup.sqlite3"
    runner.invoke(args=["backup", str(target)])
    result = runner.invoke(args=["restore", str(target)], input="n\n")
    assert result.exit_code == 1 and "Replace everything" in result.output


@pytest.mark.parametrize(("command", "tool"), [("backup", "pg_dump --format=custom"),
                                               ("restore", "pg_restore")])
def test_postgresql_gets_the_documented_command_and_exit_2(tmp_path, command, tool):
    app = make_app("postgresql+psycopg://academy:s3cret@db.internal:5432/academy", tmp_path)
    target = tmp_path / "academy.dump"
    target.write_bytes(b"")
    extra = ["--without-keys"] if command == "restore" else []
    result = app.test_cli_runner().invoke(args=[command, str(target), *extra])
    assert result.exit_code == 2
    assert tool in result.output and "postgresql://academy@db.internal:5432/academy" in result.output
    assert "s3cret" not in result.output and "+psycopg" not in result.output


# --- the signing keys travel with the backup, and a restore refuses to go on without them -------------------


def _key_files(app) -> dict[str, bytes]:
    from academy.certificates.service import keys_dir

    return {p.name: p.read_bytes() for p in keys_dir(app).glob("*.json")}


def test_backup_writes_the_signing_keys_beside_it_as_a_secret(sqlite_app, tmp_path):
    target = tmp_path / "backup.sqlite3"
    result = sqlite_app.test_cli_runner().invoke(args=["backup", str(target)])
    archive = tmp_path / "backup.sqlite3.keys.tar"
    assert result.exit_code == 0 and str(archive) in result.output and "SECRET" in result.output
    assert archive.stat().st_mode & 0o077 == 0  # readable by its owner only
    import tarfile

    with tarfile.open(archive) as tar:
        assert sorted(tar.getnames()) == sorted(_key_files(sqlite_app))


def test_restore_into_an_instance_without_the_keys_puts_them_back(sqlite_app, tmp_path):
    from academy.certificates.service import keys_dir

    target = tmp_path / "backup.sqlite3"
    sqlite_app.test_cli_runner().invoke(args=["backup", str(target)])
    before = _key_files(sqlite_app)
    for path in keys_dir(sqlite_app).glob("*.json"):
        path.unlink()  # a new machine: the instance has no keys
    result = sqlite_app.test_cli_runner().invoke(args=["restore", str(target), "--yes"])
    assert result.exit_code == 0, result.output
    assert _key_files(sqlite_app) == before and "restored 1 signing key(s)" in result.output


def test_restore_refuses_without_the_keys_unless_told(sqlite_app, tmp_path):
    from academy.accounts.models import User

    target = tmp_path / "backup.sqlite3"
    runner = sqlite_app.test_cli_runner()
    runner.invoke(args=["backup", str(target)])
    (tmp_path / "backup.sqlite3.keys.tar").unlink()
    db.session.add(User(email="after@example.org", name="After Backup"))
    db.session.commit()
    refused = runner.invoke(args=["restore", str(target), "--yes"])
    assert refused.exit_code == 1 and "--without-keys" in refused.output
    assert db.session.scalar(select(User).where(User.email == "after@example.org")) is not None  # untouched
    told = runner.invoke(args=["restore", str(target), "--yes", "--without-keys"])
    assert told.exit_code == 0, told.output
    db.session.expire_all()
    assert db.session.scalar(select(User).where(User.email == "after@example.org")) is None
