"""Coverage: opens on the coordinator's own community, sub-role targets capped by the sector's, targets copied
to the next half-year, wide tables scroll with a cue; session kinds (only a training issues certificates)."""

from __future__ import annotations

from academy.coverage import periods, service
from academy.coverage.models import Target
from academy.extensions import db
from tests.coverage_fixtures import town_fixture  # noqa: F401 (fixture)


def test_coverage_opens_on_the_coordinators_own_community(login, client, make_community):
    aardvark, zebra = make_community("aardvark", "Aardvark"), make_community("zebra", "Zebra")
    login("coordinator", coordinates=[aardvark, zebra], community=zebra)
    page = client.get("/coverage").get_data(as_text=True)
    assert "<h1>Coverage: Zebra</h1>" in page


def test_a_subrole_target_above_its_sectors_is_refused(login, client, town):
    login("coordinator", coordinates=[town["a"]])
    url = "/coverage/targets?community=town-a&period=2026H1"
    response = client.post(url, data={"t__law-enforcement__": "10", "t__law-enforcement__police": "12"})
    assert response.status_code == 200
    assert "A sub-role's target cannot be above its sector's (10)." in response.get_data(as_text=True)
    assert db.session.scalar(db.select(db.func.count(Target.id))) == 0
    ok = client.post(url, data={"t__law-enforcement__": "10", "t__law-enforcement__police": "10"})
    assert ok.status_code == 302


def test_targets_are_copied_to_the_next_half_year_without_overwriting(login, client, town):
    a = town["a"]
    service.save_targets(a.id, periods.parse("2026H1"), {("law-enforcement", ""): 40, ("schools", ""): 20})
    service.save_targets(a.id, periods.parse("2026H2"), {("schools", ""): 25})
    db.session.commit()
    login("coordinator", coordinates=[a])
    page = client.get("/coverage/targets?community=town-a&period=2026H1").get_data(as_text=True)
    assert "Copy these targets to 2026H2" in page
    response = client.post("/coverage/targets/copy?community=town-a&period=2026H1")
    assert response.status_code == 302 and "period=2026H2" in response.headers["Location"]
    assert service.targets_for(a.id, periods.parse("2026H2")) == {("law-enforcement", ""): 40, ("schools", ""): 25}


def test_wide_tables_say_they_scroll(login, client, town):
    login("admin")
    compare = client.get("/coverage/compare").get_data(as_text=True)
    assert 'class="table-wrap table-scroll" role="region" tabindex="0" aria-labelledby="compare-cue"' in compare
    assert "scroll it sideways" in compare
    dashboard = client.get("/coverage?community=town-a").get_data(as_text=True)
    assert 'aria-labelledby="trend-cue"' in dashboard and "Scroll the table sideways" in dashboard


def test_only_a_training_counts_towards_the_course(app, make_user, make_community):
    """Closing a workshop records nothing towards the course; closing a training records its lessons (the
    session stands for them), the step before a certificate."""
    from academy.courses.models import LessonProgress
    from academy.sessions import closing
    from academy.sessions.models import Attendance, TrainingSession
    from tests.coverage_fixtures import at

    community = make_community("town-a", "Town A")
    trainer, trainee = make_user("trainer"), make_user("trainee", community=community)
    for kind in ("workshop", "training"):
        session = TrainingSession(course_slug="basics", title=kind, starts_at=at(2026, 3, 1, 9),
                                  ends_at=at(2026, 3, 1, 11), place="Hall", community_id=community.id, kind=kind)
        db.session.add(session)
        db.session.flush()
        db.session.add(Attendance(session_id=session.id, user_id=trainee.id, method="qr"))
        db.session.flush()
        closing.close_session(session, trainer, now=at(2026, 3, 1, 12))
        db.session.commit()
        done = db.session.scalar(db.select(db.func.count()).select_from(LessonProgress))
        assert (done > 0) == (kind == "training")
