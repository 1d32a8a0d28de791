"""Recertification: the refresher in the curriculum format, the home page offer, renewing by the refresher."""

from __future__ import annotations

import shutil
from datetime import timedelta

import pytest
from sqlalchemy import select

from academy.certificates import service as certificates
from academy.certificates.models import Certificate
from academy.courses.catalog import get_course
from academy.curriculum import check_curriculum
from academy.database import utcnow
from academy.extensions import db
from tests.conftest import APP_CURRICULA, REAL_CURRICULA

REFRESHER_QUIZ = ("---\ntitle: Basics refresher\nsources: [The test suite]\n---\n\n"
                  "## True or false: trafficking requires crossing a border.\n\n- [ ] True\n- [x] False\n\n"
                  "> See \"The second lesson\".\n")


def _with_refresher(root, front: str = "refresher:\n  lessons: [second]\n  opens_days_before: 90\n",
                    quiz: str | None = REFRESHER_QUIZ):
    shutil.copytree(APP_CURRICULA, root)
    course = root / "basics" / "course.md"
    course.write_text(course.read_text().replace("sources:\n  - The test suite\n---",
                                                 front + "sources:\n  - The test suite\n---", 1))
    if quiz is not None:
        (root / "basics" / "refresher.md").write_text(quiz)
    return root


@pytest.fixture(scope="module", name="refresher_curricula")
def refresher_curricula_fixture(tmp_path_factory):
    return _with_refresher(tmp_path_factory.mktemp("refresher") / "curricula")


@pytest.fixture(name="app_config")
def app_config_fixture(refresher_curricula):
    return {"ACADEMY_CURRICULA": str(refresher_curricula)}


@pytest.mark.parametrize(("front", "quiz", "message"), [
    ("refresher:\n  lessons: [secnd]\n", REFRESHER_QUIZ, 'refresher lesson "secnd" is not a lesson'),
    ("refresher:\n  lessons: [second]\n", None, "the refresher needs its own quiz in refresher.md"),
    ("", REFRESHER_QUIZ, "declare `refresher:` in course.md"),
    ("refresher:\n  lessons: [second]\n  opens: 3\n", REFRESHER_QUIZ, "opens"),
])
def test_checker_reports_refresher_problems(tmp_path, front, quiz, message):
    root = _with_refresher(tmp_path / "curricula", front, quiz)
    problems = [str(p) for p in check_curriculum(str(root)) if p.severity == "error"]
    assert any(message in p for p in problems), problems


def test_the_foundation_course_declares_a_refresher():
    from academy.curriculum import load_curriculum

    foundation = load_curriculum(str(REAL_CURRICULA)).courses["foundation"]
    assert foundation.refresher.lessons == ("trauma-informed-response", "how-to-report")
    assert len(foundation.refresher.quiz.questions) == 4 and foundation.refresher.opens_days_before == 90



def test_holder_is_offered_the_refresher_and_passing_it_renews(app, client, login):
    certificates.init_keys(app)
    user = login("trainee")
    basics = get_course("basics")
    issued = utcnow() - timedelta(days=30 * 24 - 60)  # 24 months of validity: about 60 days left
    old = certificates.issue_certificate(user, basics, via="self-paced", now=issued)
    db.session.commit()
    home = client.get("/").get_data(as_text=True)
    assert "Renew your certificate" in home and "/courses/basics/refresher" in home
    page = client.get("/courses/basics/refresher").get_data(as_text=True)
    assert "The second lesson" in page and "trafficking requires crossing a border" in page
    question = basics.refresher.quiz.questions[0]
    wrong = next(o.id for o in question.options if not o.correct)
    right = next(o.id for o in question.options if o.correct)
    failed = client.post("/courses/basics/refresher", data={question.id: wrong})
    assert failed.status_code == 200 and "try again" in failed.get_data(as_text=True)
    assert db.session.scalar(select(Certificate.superseded_by_id).where(Certificate.id == old.id)) is None
    passed = client.post("/courses/basics/refresher", data={question.id: right})
    assert passed.status_code == 302
    db.session.expire_all()
    renewed = db.session.scalar(select(Certificate).where(Certificate.id != old.id))
    assert db.session.get(Certificate, old.id).status() == "superseded"
    assert renewed.status() == "valid" and renewed.expires_at > old.expires_at + timedelta(days=300)
    assert "Renew your certificate" not in client.get("/").get_data(as_text=True)


def test_not_offered_before_the_window_and_refused_without_a_certificate(app, client, login):
    certificates.init_keys(app)
    user = login("trainee")
    certificates.issue_certificate(user, get_course("basics"), via="self-paced")  # 24 months left
    db.session.commit()
    assert "Renew your certificate" not in client.get("/").get_data(as_text=True)
    page = client.get("/courses/basics/refresher").get_data(as_text=True)
    assert "no certificate for this course that is due for renewal" in page
    question = get_course("basics").refresher.quiz.questions[0]
    client.post("/courses/basics/refresher", data={question.id: "x"})
    assert len(db.session.scalars(select(Certificate)).all()) == 1


def test_without_a_refresher_the_home_page_offers_retaking_the_course(app, client, login):
    app.config["ACADEMY_CURRICULA"] = str(APP_CURRICULA)
    from academy.courses import catalog

    catalog.init_app(app)
    certificates.init_keys(app)
    user = login("trainee")
    basics = get_course("basics")
    assert basics.refresher is None
    certificates.issue_certificate(user, basics, via="self-paced", now=utcnow() - timedelta(days=800))
    db.session.commit()
    home = client.get("/").get_data(as_text=True)
    assert "Retake the course to renew" in home
