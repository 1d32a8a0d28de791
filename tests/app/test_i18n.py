"""The interface in English, Spanish and French: the switcher, the remembered choice, translated lessons, and
catalogues that are complete and compiled."""

from __future__ import annotations

import re
import shutil
import subprocess
from pathlib import Path

import pytest
from babel.messages.extract import DEFAULT_KEYWORDS, extract_from_dir
from babel.messages.frontend import parse_mapping_cfg
from babel.messages.mofile import read_mo
from babel.messages.pofile import read_po
from sqlalchemy import select

from academy.accounts.models import User
from academy.curriculum.files import body_hash
from academy.curriculum.source import Report, split_front_matter
from academy.extensions import db
from tests.accounts_fixtures import register
from tests.conftest import APP_CURRICULA, PASSWORD, ROOT
from tests.coverage_fixtures import cert_fixture, person_fixture, town_fixture  # noqa: F401 (fixtures)

TRANSLATIONS = ROOT / "academy" / "translations"
LANGUAGES = ("es", "fr")
KEYWORDS = {**DEFAULT_KEYWORDS, "_l": None, "lazy_gettext": None}


# --- the catalogues ----------------------------------------------------------------------------------


def _extracted_ids() -> set:
    """Every msgid the sources mark for translation, extracted as `pybabel extract -F babel.cfg` would."""
    with open(ROOT / "babel.cfg") as fh:
        method_map, options_map = parse_mapping_cfg(fh, "babel.cfg")
    found = extract_from_dir(str(ROOT), method_map, options_map, keywords=KEYWORDS)
    return {_key(message[2]) for message in found if message[2]}


def _po(lang: str):
    with open(TRANSLATIONS / lang / "LC_MESSAGES" / "messages.po", "rb") as fh:
        return read_po(fh, locale=lang)


def _key(value):
    return value if isinstance(value, str) else tuple(value)


@pytest.fixture(scope="module")
def extracted() -> set:
    return _extracted_ids()


@pytest.mark.parametrize("lang", LANGUAGES)
def test_every_interface_string_is_translated(extracted, lang):
    catalog = _po(lang)
    translated = {}
    for message in catalog:
        if message.id and not message.fuzzy:
            strings = message.string if isinstance(message.string, tuple) else (message.string,)
            if all(strings):
                translated[_key(message.id)] = message
    missing = sorted(map(str, extracted - set(translated)))
    assert not missing, (f"{len(missing)} string(s) not translated into {lang}; run pybabel update, "
                         f"translate, compile (see babel.cfg): {missing[:10]}")
    assert not catalog.fuzzy
    problems = [(m.id, [str(e) for e in errors]) for m, errors in catalog.check()]
    assert not problems, problems


@pytest.mark.parametrize("lang", LANGUAGES)
def test_compiled_catalogue_matches_its_po(lang):
    """The committed .mo holds exactly the .po's translations, so a fresh clone needs no compile step."""
    folder = TRANSLATIONS / lang / "LC_MESSAGES"
    with open(folder / "messages.mo", "rb") as fh:
        compiled = {_key(m.id): _key(m.string) for m in read_mo(fh) if m.id}
    written = {_key(m.id): _key(m.string) for m in _po(lang) if m.id and not m.fuzzy}
    stale = sorted(str(k) for k in set(written) | set(compiled) if written.get(k) != compiled.get(k))
    assert not stale, (f"{folder}/messages.mo is out of date: run `pybabel compile -d "
                       f"academy/translations`; differs on {stale[:5]}")


# --- the switcher ------------------------------------------------------------------------------------


def test_english_by_default_with_the_switcher_on_every_page(client):
    page = client.get("/").get_data(as_text=True)
    assert '<html lang="en">' in page
    assert "Learn to recognise and respond to human trafficking" in page
    assert 'action="/language"' in page and 'value="es"' in page and "Español" in page


def test_the_browser_language_is_used_until_someone_chooses(client):
    page = client.get("/", headers={"Accept-Language": "fr-CA,fr;q=0.9,en;q=0.5"}).get_data(as_text=True)
    assert '<html lang="fr">' in page
    assert "Apprendre à reconnaître la traite des personnes" in page
    client.post("/language", data={"locale": "es", "next": "/courses"})
    page = client.get("/", headers={"Accept-Language": "fr"}).get_data(as_text=True)
    assert '<html lang="es">' in page


def test_switching_as_a_visitor_is_kept_in_the_session_and_goes_back(client):
    response = client.post("/language", data={"locale": "es", "next": "/login?next=%2Fcourses"})
    assert response.status_code == 302
    assert response.location == "/login?next=%2Fcourses"
    page = client.get("/login").get_data(as_text=True)
    assert '<html lang="es">' in page
    assert "<h1>Iniciar sesión</h1>" in page
    assert "Correo electrónico" in page and "¿Olvidó su contraseña?" in page
    with client.session_transaction() as session:
        assert session["locale"] == "es"


@pytest.mark.parametrize("target", ["https://evil.example/", "//evil.example/x", "/\\evil.example", "", None])
def test_switching_never_redirects_off_site(client, target):
    data = {"locale": "fr"} if target is None else {"locale": "fr", "next": target}
    response = client.post("/language", data=data)
    assert response.status_code == 302
    assert response.location == "/"


@pytest.mark.parametrize("locale", ["de", "", "es-ES", "<script>"])
def test_an_unknown_language_is_refused(client, locale):
    assert client.post("/language", data={"locale": locale}).status_code == 400
    with client.session_transaction() as session:
        assert "locale" not in session


def test_the_choice_is_remembered_in_the_account(app, client, login):
    user = login("trainee")
    client.post("/language", data={"locale": "fr", "next": "/account"})
    db.session.expire_all()
    assert db.session.get(User, user.id).locale == "fr"
    # a new browser, whose own language is Spanish, still gets French once signed in
    other = app.test_client()
    other.post("/login", data={"email": user.email, "password": PASSWORD})
    page = other.get("/", headers={"Accept-Language": "es"}).get_data(as_text=True)
    assert '<html lang="fr">' in page
    assert f"Bon retour, {user.name}" in page
    assert "Poursuivre la formation" in page


def test_the_account_language_wins_over_the_session(client, make_user):
    user = make_user("trainer")
    user.locale = "es"
    db.session.commit()
    client.post("/language", data={"locale": "fr"})
    client.post("/login", data={"email": user.email, "password": PASSWORD})
    page = client.get("/").get_data(as_text=True)
    assert '<html lang="es">' in page
    assert "Hola de nuevo" in page and "Formador/a" in page


def test_the_language_chosen_before_signing_up_is_kept(client, app):
    client.post("/language", data={"locale": "es"})
    response = register(client, {
        "name": "Ana Pérez", "email": "ana@example.org", "sector": "law-enforcement/police",
        "password": PASSWORD, "confirm": PASSWORD, "organisation": "", "community": ""})
    assert response.status_code == 302, response.data[:500]
    user = db.session.scalar(select(User).where(User.email == "ana@example.org"))
    assert user.locale == "es"
    page = client.get(response.location).get_data(as_text=True)
    assert "Hola, Ana Pérez. Su cuenta está lista." in page


def test_form_errors_and_flashes_are_translated(client, make_user):
    client.post("/language", data={"locale": "es"})
    page = client.post("/register", data={"email": "not-an-email", "password": "short", "confirm": "other"})
    text = page.get_data(as_text=True)
    assert "Escriba una dirección de correo electrónico válida." in text
    assert "Use al menos 10 caracteres." in text
    assert "Las contraseñas no coinciden." in text
    assert "Elija su sector." in text
    user = make_user("trainee")
    response = client.post("/login", data={"email": user.email, "password": "wrong password"})
    text = response.get_data(as_text=True)
    assert "El correo electrónico o la contraseña no son correctos." in text


def test_sign_in_prompt_and_error_pages_are_translated(client):
    client.post("/language", data={"locale": "fr"})
    response = client.get("/courses/basics/lessons/second", follow_redirects=True)  # the first is a preview
    assert "Connectez-vous pour continuer." in response.get_data(as_text=True)
    missing = client.get("/no-such-page")
    assert missing.status_code == 404
    text = missing.get_data(as_text=True)
    assert "<h1>Page introuvable</h1>" in text and '<html lang="fr">' in text


def test_the_language_page_works_without_the_header_form(client):
    page = client.get("/language?next=/courses").get_data(as_text=True)
    assert "<h1>Choose your language</h1>" in page
    assert 'name="next" value="/courses"' in page
    assert 'lang="fr"' in page


# --- translated lessons -------------------------------------------------------------------------------------

SPANISH_FIRST = """---
title: La primera lección
translated_from: "{hash}"
---

## Consentimiento

El consentimiento no cuenta cuando se ha usado un medio prohibido. Vea [la segunda lección](02-second.md).

::: do
Llame a [la línea de ayuda](resource:us-nhth).
:::
"""


@pytest.fixture(scope="module")
def translated_curricula(tmp_path_factory) -> Path:
    """The test curricula with a Spanish translation of basics' first lesson only."""
    root = tmp_path_factory.mktemp("curricula") / "app-curricula"
    shutil.copytree(APP_CURRICULA, root)
    original = (root / "basics" / "01-first.md").read_text()
    document = split_front_matter(original, "basics/01-first.md", Report(str(root)))
    (root / "basics" / "01-first.es.md").write_text(SPANISH_FIRST.format(hash=body_hash(document.body)))
    return root


@pytest.fixture
def app_config(request):
    if "translated_curricula" in request.fixturenames:
        return {"ACADEMY_CURRICULA": str(request.getfixturevalue("translated_curricula"))}
    return {}


def test_a_spanish_reader_gets_the_translated_lesson_and_english_where_there_is_none(
        translated_curricula, client, login):
    user = login("trainee", sector="foundation", subrole=None)
    user.locale = "es"
    db.session.commit()
    first = client.get("/courses/basics/lessons/first").get_data(as_text=True)
    assert '<html lang="es">' in first
    assert "La primera lección" in first and "El consentimiento no cuenta" in first
    assert "The first lesson" not in first
    assert '<p class="callout-title">Qué hacer</p>' in first  # the box titles follow the lesson's language
    second = client.get("/courses/basics/lessons/second").get_data(as_text=True)
    assert '<h1 lang="en">The second lesson</h1>' in second  # read aloud in English, inside a Spanish page
    assert '<article class="lesson-body" lang="en">' in second
    assert "Trafficking does not require crossing a border." in second
    assert "Marcar como completada" in second and "Fuentes" in second


def test_cached_lesson_parts_follow_each_readers_language(translated_curricula, app, client, login):
    """The lesson's shared parts are rendered once per lesson and interface language, never mixed up."""
    login("trainee", sector="foundation", subrole=None)
    english = client.get("/courses/basics/lessons/second").get_data(as_text=True)
    client.post("/language", data={"locale": "fr"})
    french = client.get("/courses/basics/lessons/second").get_data(as_text=True)
    assert "<h2 id=\"sources-h\">Sources</h2>" in english and "Précédente" not in english
    assert "Précédente" in french and '<nav class="pager" aria-label="Leçons">' in french


def test_an_english_reader_keeps_the_original(translated_curricula, client, login):
    login("trainee", sector="foundation", subrole=None)
    first = client.get("/courses/basics/lessons/first").get_data(as_text=True)
    assert "The first lesson" in first and "La primera lección" not in first


# --- translated courses, quizzes, sectors and resources ---------------------------------------------------
# tests/data/app-curricula has basics/course.es.md, basics/quiz.es.md, sectors.es.yml and resources.es.yml.


def _spanish(user) -> None:
    user.locale = "es"
    db.session.commit()


def test_a_spanish_reader_sees_the_course_in_spanish(client, login):
    _spanish(login("trainee", sector="foundation", subrole=None))
    page = client.get("/courses/basics").get_data(as_text=True)
    assert "<title>Nociones básicas de prueba" in page
    assert "<h1>Nociones básicas de prueba</h1>" in page
    assert '<p class="lead">El curso común de prueba.</p>' in page
    assert "Una introducción a las <strong>nociones básicas</strong>." in page
    assert "<p>Personas usuarias de prueba.</p>" in page
    assert "Cuestionario de nociones básicas" in page
    assert "Test basics" not in page and "The shared test course." not in page
    catalogue = client.get("/courses").get_data(as_text=True)
    assert ">Nociones básicas de prueba</a>" in catalogue and "<p>El curso común de prueba.</p>" in catalogue
    assert ">Formación básica</h2>" in catalogue and "Punto de partida común." in catalogue
    # a course without a Spanish course.es.md stays English, marked as such for screen readers
    assert 'id="course-policing" lang="en"><a href="/courses/policing">Test policing</a>' in catalogue


def test_an_english_reader_sees_the_english_course(client, login):
    login("trainee", sector="foundation", subrole=None)
    page = client.get("/courses/basics").get_data(as_text=True)
    assert "<h1>Test basics</h1>" in page and "Basics quiz" in page
    assert "Nociones" not in page and "Cuestionario" not in page
    assert ">Foundation</h2>" in client.get("/courses").get_data(as_text=True)


def test_a_spanish_reader_takes_and_passes_the_quiz_in_spanish(app, client, login):
    from academy.certificates.models import Certificate
    from academy.quizzes.models import QuizAttempt
    from tests.courses_fixtures import correct_answers, read_lessons, start_attempt, submit

    user = login("trainee", sector="foundation", subrole=None)
    _spanish(user)
    start = client.get("/courses/basics/quiz").get_data(as_text=True)
    assert "<h1>Cuestionario de nociones básicas</h1>" in start and "Basics quiz" not in start
    read_lessons(client, "basics")
    attempt_id = start_attempt(client, "basics")
    form = client.get(f"/courses/basics/quiz/{attempt_id}").get_data(as_text=True)
    assert "<span>¿El consentimiento previo impide que haya un delito de trata?</span>" in form
    assert re.search(r'value="q2-a">\s*<span>Salarios retenidos</span>', form)
    assert re.search(r'value="q3-a">\s*<span>Verdadero</span>', form)
    assert "Does earlier consent" not in form and '<span lang="en">' not in form
    assert "El consentimiento no cuenta" not in form  # explanations only after submitting
    response = submit(client, "basics", attempt_id, correct_answers("basics"))
    assert response.status_code == 303
    result = client.get(response.location).get_data(as_text=True)
    assert "100\u00a0%" in result and "Ha aprobado" in result  # Spanish writes a space before %
    assert "El consentimiento no cuenta: vea «La primera lección»." in result
    attempt = db.session.get(QuizAttempt, attempt_id)
    assert attempt.passed and attempt.answers == correct_answers("basics")  # the English option ids
    certificate = db.session.scalar(select(Certificate).where(Certificate.user_id == user.id))
    assert certificate.course_title == "Test basics"  # the record keeps the English title


def test_completing_a_course_is_announced_with_its_spanish_title(client, login):
    from tests.courses_fixtures import correct_answers, course, start_attempt, submit

    _spanish(login("trainee", sector="foundation", subrole=None))
    submit(client, "basics", start_attempt(client, "basics"), correct_answers("basics"))
    lessons = course("basics").lessons
    for lesson in lessons[:-1]:
        client.post(f"/courses/basics/lessons/{lesson.slug}/complete")
    response = client.post(f"/courses/basics/lessons/{lessons[-1].slug}/complete", follow_redirects=True)
    page = response.get_data(as_text=True)
    assert "Curso completado: Nociones básicas de prueba. Su certificado está listo." in page


def test_the_sector_select_shows_the_readers_language(client):
    client.post("/language", data={"locale": "es"})
    page = client.get("/register").get_data(as_text=True)
    assert '<optgroup label="Fuerzas del orden y justicia">' in page
    assert '<option value="law-enforcement/police">Policía</option>' in page
    assert '<option value="consumers/">Consumidores</option>' in page
    client.post("/language", data={"locale": "fr"})  # no French labels: English
    page = client.get("/register").get_data(as_text=True)
    assert '<optgroup label="Law enforcement and justice">' in page


def test_resource_descriptions_in_the_readers_language(client):
    english = client.get("/resources").get_data(as_text=True)
    assert "Confidential help and reporting" in english and "24 hours a day" in english
    client.post("/language", data={"locale": "es"})
    spanish = client.get("/resources").get_data(as_text=True)
    assert "<p>Ayuda confidencial y recepción de reportes. No es la policía.</p>" in spanish
    assert "<dd>Las 24 horas, los 7 días de la semana</dd>" in spanish
    assert ">Línea Nacional contra la Trata de Personas</h3>" in spanish
    assert "1-888-373-7888" in spanish  # numbers come from resources.yml
    assert '<p lang="en">Anonymous tips' in spanish  # an entry with no Spanish stays English, marked so


# --- coverage sentences and PDFs ----------------------------------------------------------------------


def _pdf_text(data: bytes) -> str:
    """The PDF's text, read back with poppler's pdftotext."""
    pdftotext = shutil.which("pdftotext")
    assert pdftotext, "pdftotext (poppler-utils) is needed to read the PDF back"
    out = subprocess.run([pdftotext, "-layout", "-", "-"], input=data, capture_output=True, check=True)  # noqa: S603
    return out.stdout.decode()


def test_coverage_answers_in_spanish(login, client, town, person, cert):
    from tests.coverage_fixtures import at

    a = town["a"]
    cert(person(a), issued=at(2026, 2, 1), community=a, via="in-person")
    cert(person(a), issued=at(2026, 3, 1), community=a, subrole="judge")
    _spanish(login("coordinator", coordinates=[a]))
    page = client.get("/coverage?community=town-a&period=2026H1").get_data(as_text=True)
    assert "¿Se ha formado a policía, fiscales, jueces y primeros intervinientes?" in page
    assert ("Policía, fiscales, jueces y primeros intervinientes formados: policía: 1, fiscales: 0 (aún nadie), "
            "jueces: 1, primeros intervinientes: 0 (aún nadie).") in page
    assert "Aún no hay nadie formado en 2 sectores: Primeros intervinientes y salud y Consumidores." in page
    assert "No hay objetivos por sector fijados para 2026H1." in page
    assert "1 de 2 personas formadas (50 %) tienen un certificado obtenido de forma presencial" in page
    assert '<th scope="row">Fuerzas del orden y justicia</th>' in page  # the sector rows, in Spanish
    assert "have no one trained" not in page and "Law enforcement and justice" not in page


def test_the_certificate_pdf_in_spanish_keeps_the_english_course_title(client, login):
    from academy.certificates.codes import group
    from academy.certificates.models import Certificate
    from tests.courses_fixtures import complete_course

    user = login("trainee", sector="foundation", subrole=None)
    _spanish(user)
    complete_course(client, "basics")
    certificate = db.session.scalar(select(Certificate).where(Certificate.user_id == user.id))
    sheet = _pdf_text(client.get(f"/certificates/{group(certificate.code)}/certificate.pdf").data)
    assert "Certificado de finalización" in sheet and "Escanee para verificar" in sheet
    assert "Formación básica · versión" in sheet and "0,25 horas" in sheet
    assert "Test basics" in sheet and "Nociones básicas" not in sheet  # the record's title, in English
    words = " ".join(sheet.split())  # the lower third sets the code beside the dates: read it as running text
    assert f"Código del certificado: {group(certificate.code)}" in words
    assert re.search(r"Emitido el \d{1,2} de [a-z]+ de 20\d\d", sheet)  # "Emitido el 22 de noviembre de 2026"
    assert "This certifies" not in sheet and "Certificate code" not in sheet


def test_the_sign_in_sheet_in_the_trainers_language(client, login):
    from datetime import timedelta

    from academy.database import utcnow
    from academy.sessions.models import TrainingSession

    trainer = login("trainer")
    trainer.locale = "fr"
    starts = utcnow() + timedelta(days=2)
    session = TrainingSession(title="Atelier", course_slug="basics", place="Salle 2", starts_at=starts,
                              ends_at=starts + timedelta(hours=2), capacity=10, created_by_id=trainer.id)
    session.trainers.append(trainer)
    db.session.add(session)
    db.session.commit()
    sheet = _pdf_text(client.get(f"/sessions/{session.id}/sign-in-sheet.pdf").data)
    assert "Feuille d’émargement : Atelier" in sheet and f"Séance numéro {session.id}" in sheet
    assert "E-mail, si vous avez un compte" in sheet and "Page 2 sur 2" in sheet  # at least 25 rows
    assert re.search(r"[a-z]+ \d{1,2} [a-zéû]+ 20\d\d, de \d\d:\d\d à \d\d:\d\d", sheet)  # mardi 24 novembre 2026
    assert "Sign-in sheet" not in sheet and "Email, if you have an account" not in sheet
