"""Translations beyond lessons: course.es.md, quiz.es.md, sectors.es.yml and resources.es.yml."""

import datetime as dt
import shutil
from pathlib import Path

import pytest

from academy.curriculum import CurriculumError, check_curriculum, load_curriculum

VALID = Path(__file__).parent.parent / "data" / "curricula" / "valid"
TODAY = dt.date(2026, 12, 1)  # the test data's resources were verified on 2026-11-01: keep them fresh
QUIZ_ES = "foundation/quiz.es.md"
COURSE_ES = "foundation/course.es.md"


@pytest.fixture(scope="module")
def curriculum():
    return load_curriculum(VALID, word_bounds=None)


@pytest.fixture
def root(tmp_path) -> Path:
    copy = tmp_path / "cur"
    shutil.copytree(VALID, copy)
    return copy


def problems_in(root: Path) -> list[str]:
    return [str(p).replace(root.as_posix() + "/", "") for p in check_curriculum(root, word_bounds=None, today=TODAY)]


def edit(root: Path, rel: str, old: str, new: str) -> list[str]:
    path = root / rel
    text = path.read_text()
    assert old in text
    path.write_text(text.replace(old, new, 1))
    return problems_in(root)


# --- the quiz -------------------------------------------------------------------------------------------


def test_the_quiz_translation_is_loaded_with_the_english_ids(curriculum):
    quiz = curriculum.courses["foundation"].quiz
    spanish = quiz.translations["es"]
    assert quiz.in_language("es") is spanish and quiz.in_language("fr") is quiz
    assert (spanish.title, spanish.language, spanish.outdated) == ("Cuestionario de formación básica", "es", False)
    assert spanish.sources == quiz.sources  # a translation without sources keeps the original's
    assert [q.id for q in spanish.questions] == [q.id for q in quiz.questions]
    assert [q.kind for q in spanish.questions] == ["single", "multiple", "single", "true_false"]
    assert [q.correct_ids for q in spanish.questions] == [q.correct_ids for q in quiz.questions]
    first = spanish.question("q1")
    assert first.prompt_html.startswith("¿El consentimiento previo")
    assert [o.id for o in first.options] == ["q1-a", "q1-b", "q1-c"]
    assert first.options[2].html == "Solo cuando la persona es <em>ciudadana</em>"
    assert "El consentimiento no subsana" in first.explanation_html
    assert 'class="callout-title">Caso práctico<' in spanish.question("q3").context_html
    assert curriculum.courses["foundation"].languages == ("es",)


def test_a_different_correct_marking_is_an_error_on_the_option_line(root):
    problems = edit(root, QUIZ_ES, "- [x] Salarios retenidos", "- [ ] Salarios retenidos")
    assert (
        "foundation/quiz.es.md:19: option b of question 2 (quiz.md line 17) is marked right [x] in quiz.md: "
        "mark the same options right as the original"
    ) in problems
    with pytest.raises(CurriculumError):
        load_curriculum(root, word_bounds=None)


def test_a_wrong_option_marked_right_is_an_error_too(root):
    problems = edit(root, QUIZ_ES, "- [ ] Enfrentarse al novio", "- [x] Enfrentarse al novio")
    assert problems == [
        "foundation/quiz.es.md:31: option b of question 3 (quiz.md line 25) is marked wrong [ ] in quiz.md: "
        "mark the same options right as the original"
    ]


@pytest.mark.parametrize(
    ("old", "new", "expected"),
    [
        (
            "- [ ] Trabajar en el turno de noche\n",
            "",
            "foundation/quiz.es.md:16: question 2 (quiz.md line 17) has 3 options in quiz.md but 2 here: "
            "translate each option, in the same order",
        ),
        (
            "- [ ] Verdadero\n- [x] Falso",
            "- [ ] Sí\n- [x] No",
            "foundation/quiz.es.md:35: question 4 (quiz.md line 36) is true/false in quiz.md but single choice "
            'here: write the options as "Verdadero" and "Falso"',
        ),
        (
            "## Un caso práctico",
            "## Un caso práctico (seleccione todas las que correspondan)",
            "foundation/quiz.es.md:24: question 3 (quiz.md line 25) is single choice in quiz.md but multiple "
            'choice here: do not end the question with "(seleccione todas las que correspondan)"',
        ),
        (
            "## Verdadero o falso",
            "## Otra pregunta\n\n- [x] Sí\n- [ ] No\n\n> Porque sí.\n\n## Verdadero o falso",
            "foundation/quiz.es.md:42: the translation has 5 question(s) and quiz.md has 4: translate every "
            "question, in the same order",
        ),
    ],
)
def test_a_quiz_translation_must_have_the_same_shape(root, old, new, expected):
    assert expected in edit(root, QUIZ_ES, old, new)


def test_a_question_left_out_is_reported_once_at_the_body(root):
    text = (root / QUIZ_ES).read_text()
    cut = text.index("## Verdadero o falso")
    (root / QUIZ_ES).write_text(text[:cut])
    assert problems_in(root) == [
        "foundation/quiz.es.md:5: the translation has 3 question(s) and quiz.md has 4: translate every question, "
        "in the same order"
    ]


def test_a_broken_question_in_the_translation_is_reported_without_a_cascade(root):
    problems = edit(root, QUIZ_ES, "> Siga el protocolo de aviso.\n", "")
    assert problems == [
        'foundation/quiz.es.md:24: question "Un caso práctico" has no explanation: add a block quote ("> ...") '
        "after the options"
    ]


def test_an_outdated_quiz_translation_is_a_warning(root):
    problems = edit(root, "foundation/quiz.md", "Follow the reporting protocol.", "Follow your protocol.")
    assert len(problems) == 1 and problems[0].startswith(
        "foundation/quiz.es.md:1: warning: outdated translation: the original changed since translated_from "
        '"229c40424d8a"; revise the translation, then change translated_from to "'
    )
    quiz = load_curriculum(root, word_bounds=None).courses["foundation"].quiz
    assert quiz.translations["es"].outdated


def test_a_missing_quiz_translation_is_a_warning_when_the_lessons_are_translated(root):
    (root / QUIZ_ES).unlink()
    assert problems_in(root) == [
        'foundation/quiz.md:1: warning: untranslated: no "es" translation of this quiz (quiz.es.md), though the '
        'course has "es" for other files'
    ]
    assert load_curriculum(root, word_bounds=None).courses["foundation"].quiz.translations == {}


def test_a_quiz_translation_without_a_quiz(root):
    shutil.copy(root / QUIZ_ES, root / "schools" / "quiz.es.md")
    assert 'schools/quiz.es.md:1: translation of "quiz.md", which does not exist' in problems_in(root)


def test_a_quiz_in_a_language_the_checker_does_not_know_takes_the_english_kinds(root):
    text = (root / QUIZ_ES).read_text().replace("Verdadero", "Wahr").replace("Falso", "Falsch")
    (root / "foundation" / "quiz.de.md").write_text(text)
    quiz = load_curriculum(root, word_bounds=None).courses["foundation"].quiz
    assert quiz.translations["de"].question("q4").kind == "true_false"


# --- course.md ------------------------------------------------------------------------------------------


def test_the_course_text_falls_back_to_english(curriculum):
    course = curriculum.courses["foundation"]
    spanish = course.text("es")
    assert (spanish.language, spanish.title, spanish.summary, spanish.audience) == (
        "es",
        "La trata de personas: formación básica",
        "Qué es la trata.",
        "Todo el mundo.",
    )
    assert spanish.intro_html == (
        '<p>Empiece por <a href="/courses/foundation/lessons/what-is-trafficking">qué es la trata</a>.</p>\n'
    )
    english = course.text("fr")
    assert (english.language, english.title, english.intro_html) == ("en", course.title, course.intro_html)
    assert curriculum.courses["schools"].text("es").title == curriculum.courses["schools"].title
    assert course.title == "Human trafficking: the foundation"  # what certificates print stays English


@pytest.mark.parametrize(
    ("old", "new", "expected"),
    [
        ("title:", "titel:", 'foundation/course.es.md:2: unknown field "titel" (did you mean "title"?)'),
        ("summary: Qué es la trata.\n", "", 'foundation/course.es.md:1: missing required field "summary"'),
        ("audience:", "pass_mark: 50\naudience:", 'foundation/course.es.md:4: unknown field "pass_mark"'),
        (
            "Empiece por [qué es la trata](01-what-is-trafficking.md).",
            "",
            "foundation/course.es.md:6: the introduction is missing: translate course.md's introduction below "
            "the front matter",
        ),
        (
            "Empiece por",
            "Llame al 1-888-373-7888. Empiece por",
            'foundation/course.es.md:8: phone number "1-888-373-7888" typed into the text',
        ),
    ],
)
def test_course_translation_problems(root, old, new, expected):
    problems = edit(root, COURSE_ES, old, new)
    assert [p for p in problems if p.startswith(expected)], problems


def test_changing_the_english_course_text_outdates_the_translation(root):
    problems = edit(root, "foundation/course.md", "summary: What trafficking is.", "summary: What it is.")
    assert len(problems) == 1 and problems[0].startswith(
        "foundation/course.es.md:1: warning: outdated translation: the original changed since translated_from"
    )
    assert edit(root, "foundation/course.md", "pass_mark: 75", "pass_mark: 70") == problems  # not translated


def test_a_missing_course_translation_is_a_warning(root):
    (root / COURSE_ES).unlink()
    assert problems_in(root) == [
        'foundation/course.md:1: warning: untranslated: no "es" translation of this course introduction '
        '(course.es.md), though the course has "es" for other files'
    ]


# --- sectors.yml and resources.yml ---------------------------------------------------------------------

SECTORS_ES = """\
- id: foundation
  label: Formación básica
  description: El punto de partida común.
- id: schools
  label: Escuelas y docentes
  description: Docentes y orientadores.
  subroles:
    - {id: teacher, label: Docente}
    - {id: counsellor, label: Orientador/a o trabajador/a social}
- id: consumers
  label: Consumidores
  description: Quien compra bienes y servicios.
"""


def test_sector_labels_in_spanish(root):
    (root / "sectors.es.yml").write_text(SECTORS_ES)
    assert problems_in(root) == []
    sectors = load_curriculum(root, word_bounds=None).sectors
    schools = sectors["schools"].in_language("es")
    assert (schools.label, schools.language) == ("Escuelas y docentes", "es")
    assert [r.label for r in schools.subroles] == ["Docente", "Orientador/a o trabajador/a social"]
    assert schools.subrole_label("teacher") == "Docente"
    assert sectors["schools"].in_language("fr").label == "Schools and educators"
    assert sectors["foundation"].in_language("es").shared


@pytest.mark.parametrize(
    ("old", "new", "expected"),
    [
        (
            "- id: consumers",
            "- id: consumer",
            'sectors.es.yml:10: unknown sector "consumer" (did you mean "consumers"?): it must be in sectors.yml',
        ),
        (
            "  label: Consumidores",
            "  lable: Consumidores",
            'sectors.es.yml:11: unknown field "lable" (did you mean "label"?)',
        ),
        (
            "{id: teacher,",
            "{id: teachers,",
            'sectors.es.yml:8: unknown sub-role "teachers" of sector "schools" (did you mean "teacher"?)',
        ),
        (
            "    - {id: counsellor, label: Orientador/a o trabajador/a social}\n",
            "",
            'sectors.es.yml:4: warning: untranslated: no "es" label for sub-role "counsellor"',
        ),
        (
            "- id: consumers\n  label: Consumidores\n  description: Quien compra bienes y servicios.\n",
            "",
            'sectors.es.yml:1: warning: untranslated: no "es" label for sector "consumers"',
        ),
    ],
)
def test_sector_translation_problems(root, old, new, expected):
    (root / "sectors.es.yml").write_text(SECTORS_ES)
    assert expected in edit(root, "sectors.es.yml", old, new)


def test_resource_descriptions_in_spanish(curriculum):
    hotline = curriculum.resources["us-nhth"]
    spanish = hotline.in_language("es")
    assert (spanish.description, spanish.hours, spanish.languages) == (
        "Ayuda y denuncias confidenciales.",
        "Las 24 horas, los 7 días de la semana",
        "Inglés y español",
    )
    assert (spanish.name, spanish.phone, spanish.language) == (hotline.name, hotline.phone, "es")
    assert hotline.in_language("fr") is hotline
    assert curriculum.resources["ca-hotline"].in_language("es").hours is None


@pytest.mark.parametrize(
    ("old", "new", "expected"),
    [
        (
            "- id: ca-hotline",
            "- id: ca-hotlin",
            'resources.es.yml:7: unknown resource "ca-hotlin" (did you mean '
            '"ca-hotline"?): it must be in resources.yml',
        ),
        ("    hours:", "    hour:", 'resources.es.yml:4: unknown field "hour" (did you mean "hours"?)'),
        (
            "    description: Servicio confidencial y multilingüe.\n",
            "",
            'resources.es.yml:7: missing required field "description"',
        ),
    ],
)
def test_resource_translation_problems(root, old, new, expected):
    assert expected in edit(root, "resources.es.yml", old, new)


def test_a_translated_lesson_linking_an_untranslated_resource_is_a_warning(root):
    edit(root, "resources.es.yml", "  - id: ca-hotline\n    description: Servicio confidencial y multilingüe.\n", "")
    assert problems_in(root) == [
        'foundation/01-what-is-trafficking.es.md:1: warning: untranslated: resource "ca-hotline" has no "es" '
        "description in resources.es.yml, so readers of this translation see it in English"
    ]


def test_a_resource_link_without_text_shows_the_translated_name(root):
    (root / "resources.es.yml").write_text(
        "resources:\n  - id: us-nhth\n    name: Línea Nacional contra la Trata\n    description: Ayuda.\n"
        "  - id: ca-hotline\n    description: Ayuda.\n"
    )
    lesson = root / "foundation" / "02-signs.es.md"
    lesson.write_text(lesson.read_text() + "\nLlame a [](resource:us-nhth).\n")
    signs = load_curriculum(root, word_bounds=None).courses["foundation"].lesson("signs")
    assert "Línea Nacional contra la Trata</a>" in signs.translations["es"].html
    assert "National Human Trafficking Hotline</a>" not in signs.translations["es"].html
