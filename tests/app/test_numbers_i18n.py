"""Numbers and plurals the way each language writes them (issue 21, items 6 and 12): no "minute(s)", "1 hours",
"(1 utilisées)" or "87%" for 87.5 %; course titles that fall back to English say so; French sector names."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

from flask_babel import force_locale

from academy.coverage.models import Target
from academy.curriculum.loader import check_curriculum, load_curriculum
from academy.extensions import db
from academy.sessions import closing
from tests.conftest import ROOT
from tests.courses_fixtures import correct_answers, read_lessons, start_attempt, submit, wrong_answers
from tests.coverage_fixtures import at, cert_fixture, person_fixture, town_fixture  # noqa: F401 (fixtures)

NBSP = "\u00a0"


def _page(client, url: str) -> str:
    return client.get(url).get_data(as_text=True)


def _reader(login, locale: str):
    user = login("trainee", sector="foundation", subrole=None)
    user.locale = locale
    db.session.commit()
    return user


def _two_of_three(client) -> str:
    """Answer the basics quiz with one question wrong and return the result page."""
    read_lessons(client, "basics")
    attempt_id = start_attempt(client, "basics")
    answers = correct_answers("basics")
    first = next(iter(answers))
    answers[first] = wrong_answers("basics")[first]
    response = submit(client, "basics", attempt_id, answers)
    assert response.status_code == 303
    return _page(client, response.location)


def test_a_quiz_score_keeps_its_decimal_in_english(client, login):
    _reader(login, "en")
    result = _two_of_three(client)
    assert "<strong>66.6%</strong>" in result and "66%" not in result  # 2 of 3, rounded down to a tenth
    assert "2 of 3 questions right." in result and "pass mark 60%" in result
    start = _page(client, "/courses/basics/quiz")
    assert "<strong>1</strong> of 2 attempts left (1 used)" in start


def test_a_quiz_score_is_written_the_french_way(client, login):
    _reader(login, "fr")
    result = _two_of_three(client)
    assert f"<strong>66,6{NBSP}%</strong>" in result
    assert "2 bonnes réponses sur 3 questions." in result and f"note de réussite 60{NBSP}%" in result
    start = _page(client, "/courses/basics/quiz")
    assert "(1 utilisée)" in start and "utilisées)" not in start
    assert f"Note de réussite <strong>60{NBSP}%</strong>" in start


def test_a_spanish_course_page_gives_the_pass_mark_and_months_the_spanish_way(client, login):
    _reader(login, "es")
    page = _page(client, "/courses/basics")
    assert f"nota mínima 60{NBSP}%" in page and "%%" not in page


def test_certificate_hours_take_the_right_plural_in_each_language(client, login, cert):
    holder = login("trainee", sector="foundation", subrole=None)
    one = cert(holder, issued=datetime(2026, 1, 5, tzinfo=UTC), sector="foundation", subrole=None)
    one.hours = 1
    cert(holder, issued=datetime(2026, 1, 6, tzinfo=UTC), sector="foundation", subrole=None)  # 1.5 hours
    db.session.commit()
    english = _page(client, "/certificates")
    assert "<span>1 hour</span>" in english and "<span>1.5 hours</span>" in english and "1 hours" not in english
    holder.locale = "fr"
    db.session.commit()
    french = _page(client, "/certificates")
    assert "<span>1 heure</span>" in french and "<span>1,5 heures</span>" in french


def test_the_close_summary_counts_in_words_not_brackets(app):
    summary = closing.CloseSummary(completed=[1, 2], waiting=[3], walk_ins=2)
    with app.test_request_context(), force_locale("en"):
        assert closing.describe(summary) == (
            "The session is closed. 2 attendees completed the course and hold its certificate; 1 has not met its "
            "completion rule yet; 2 walk-ins without an account get no certificate.")
    with app.test_request_context(), force_locale("es"):
        assert closing.describe(closing.CloseSummary(completed=[1], walk_ins=1)) == (
            "La sesión está finalizada. 1 participante completó el curso y tiene su certificado; 1 persona sin "
            "inscripción ni cuenta no recibe certificado.")


def test_a_course_without_a_translation_says_it_is_in_english(client, login):
    _reader(login, "es")
    catalogue = _page(client, "/courses")
    # the title keeps lang="en" for screen readers, and a note in the page's language says so
    assert ('id="course-policing" lang="en"><a href="/courses/policing">Test policing</a> '
            '<span class="lang-note" lang="es">(en inglés)</span></h') in catalogue
    assert ">Nociones básicas de prueba</a></h" in catalogue  # translated: no note
    page = _page(client, "/courses/policing")
    assert '<h1 lang="en">Test policing <span class="lang-note" lang="es">(en inglés)</span></h1>' in page


def test_an_english_reader_sees_no_language_note(client, login):
    _reader(login, "en")
    assert "lang-note" not in _page(client, "/courses")


def test_every_sector_and_sub_role_has_a_french_name():
    curricula = ROOT / "curricula"
    assert not [str(p) for p in check_curriculum(Path(curricula)) if "sectors" in p.path]
    sectors = load_curriculum(Path(curricula)).sectors
    assert "coalition-leaders" in sectors
    for sector in sectors.values():
        french = sector.in_language("fr")
        assert french.language == "fr", f"{sector.id} has no French label"
        assert french.label != sector.label, sector.id
        assert len(french.subroles) == len(sector.subroles)
    leaders = sectors["coalition-leaders"].in_language("fr")
    assert leaders.label == "Direction de la coalition"
    assert leaders.subrole_label("steering-committee") == "Membre du comité de pilotage"
    assert sectors["law-enforcement"].in_language("fr").subrole_label("prosecutor") == "Procureur ou procureure"


def test_coverage_shares_keep_their_decimal_and_sector_names_follow_the_language(login, client, town, person, cert):
    a = town["a"]
    for _ in range(3):
        cert(person(a), issued=at(2026, 2, 1), community=a)
    db.session.add(Target(community_id=a.id, sector="law-enforcement", subrole="", period="2026H1", headcount=8))
    db.session.commit()
    auditor = login("auditor")
    english = _page(client, "/coverage/compare?period=2026H1")
    assert "of 8 · 37.5%</span>" in english and ">Law enforcement and justice</th>" in english
    assert '<td class="num">37.5%</td>' in _page(client, "/coverage?community=town-a&period=2026H1")
    auditor.locale = "es"
    db.session.commit()
    spanish = _page(client, "/coverage/compare?period=2026H1")
    assert f"de 8 · 37,5{NBSP}%</span>" in spanish and ">Fuerzas del orden y justicia</th>" in spanish
    assert f'<td class="num">37,5{NBSP}%</td>' in _page(client, "/coverage?community=town-a&period=2026H1")
