"""Loading a valid curriculum: the fields others code against, order, versions, translations, speed."""

import datetime as dt
import hashlib
import shutil
import time
from pathlib import Path

import pytest

from academy.curriculum import CurriculumError, check_curriculum, load_curriculum
from academy.curriculum.model import Source

DATA = Path(__file__).parent.parent / "data" / "curricula"
VALID = DATA / "valid"
TODAY = dt.date(2026, 12, 1)  # the test data's resources were verified on 2026-11-01: keep them fresh


@pytest.fixture(scope="module")
def curriculum():
    return load_curriculum(VALID, word_bounds=None)


def test_valid_curriculum_has_no_problems():
    assert check_curriculum(VALID, word_bounds=None, today=TODAY) == []


def test_sectors_and_resources(curriculum):
    assert list(curriculum.sectors) == ["foundation", "schools", "consumers"]
    assert curriculum.sectors["foundation"].shared
    assert [s.id for s in curriculum.sectors["schools"].subroles] == ["teacher", "counsellor"]
    hotline = curriculum.resources["us-nhth"]
    assert (hotline.phone, hotline.text, hotline.verified_on) == (
        "1-888-373-7888",
        "Text 233733",
        "2026-11-01",
    )
    assert curriculum.resources["ca-hotline"].hours is None
    assert curriculum.warnings == ()


def test_course_fields(curriculum):
    course = curriculum.courses["foundation"]
    assert course.title == "Human trafficking: the foundation"
    assert (course.sector, course.pass_mark, course.validity_months) == ("foundation", 75, 36)
    assert (course.max_attempts, course.cooldown_minutes) == (2, 30)
    assert course.completion == ("lessons", "quiz")
    assert course.minutes == 20  # the sum of the lessons' minutes
    assert course.hours == 0.25  # 20 minutes, rounded to a quarter hour
    assert course.sources == (
        Source("UN.GIFT, definition of trafficking in persons"),
        Source("ILO, Indicators of Forced Labour (2012)", "https://www.ilo.org/"),
    )
    assert course.intro_html == (
        '<p>Start with <a href="/courses/foundation/lessons/what-is-trafficking">'
        "what trafficking is</a>.</p>\n"
    )
    assert course.path == f"{VALID.as_posix()}/foundation/course.md"
    assert course.languages == ("es",)


def test_course_defaults_and_explicit_values(curriculum):
    course = curriculum.courses["schools"]
    assert (course.minutes, course.hours, course.pass_mark) == (45, 1.0, 80)
    assert (course.validity_months, course.max_attempts, course.cooldown_minutes) == (None, 3, 0)
    assert course.prerequisites == ("foundation",)
    assert course.completion == ("lessons", "attendance")
    assert course.subroles == ("teacher",)
    assert course.quiz is None


def test_lessons(curriculum):
    lessons = curriculum.courses["foundation"].lessons
    assert [(lesson.number, lesson.slug) for lesson in lessons] == [(1, "what-is-trafficking"), (2, "signs")]
    first = lessons[0]
    assert (first.title, first.minutes, first.language) == ("What trafficking is", 12, "en")
    assert first.resources == ("ca-hotline", "us-nhth")  # front matter first, then inline links
    assert '<h2 id="consent">Consent</h2>' in first.html
    assert '<h3 id="the-three-elements">The three elements</h3>' in first.html
    assert first.words == 64
    assert curriculum.courses["foundation"].lesson("signs") is lessons[1]
    assert curriculum.courses["schools"].lessons[0].subroles == ("teacher", "counsellor")


def test_translations(curriculum):
    first = curriculum.courses["foundation"].lessons[0]
    spanish = first.translations["es"]
    assert (spanish.slug, spanish.number, spanish.language) == ("what-is-trafficking", 1, "es")
    assert spanish.title == "Qué es la trata"
    assert (spanish.minutes, spanish.sources) == (first.minutes, first.sources)  # inherited
    assert not spanish.outdated
    assert '<h2 id="consentimiento">' in spanish.html
    assert spanish.translations == {}


def test_quiz(curriculum):
    quiz = curriculum.courses["foundation"].quiz
    assert quiz.title == "Foundation quiz"
    assert quiz.intro_html == "<p>Answer every question.</p>\n"
    assert [q.id for q in quiz.questions] == ["q1", "q2", "q3", "q4"]
    assert [q.kind for q in quiz.questions] == ["single", "multiple", "single", "true_false"]
    first = quiz.questions[0]
    assert first.prompt_html == "Does an adult's earlier consent defeat a trafficking charge?"
    assert [o.id for o in first.options] == ["q1-a", "q1-b", "q1-c"]
    assert first.correct_ids == {"q1-b"}
    assert first.options[2].html == "Only when the person is a <em>citizen</em>"
    assert first.explanation_html == (
        '<p>Consent cannot cure a prohibited means: see <a href="/courses/foundation/'
        'lessons/what-is-trafficking#consent">consent</a>.</p>\n'
    )
    assert quiz.questions[1].correct_ids == {"q2-a", "q2-b"}
    assert 'class="callout callout-scenario"' in quiz.questions[2].context_html


def test_order_puts_the_shared_course_first_then_follows_sectors_yml(tmp_path):
    root = tmp_path / "cur"
    shutil.copytree(VALID, root)
    sectors = (root / "sectors.yml").read_text()
    foundation, rest = sectors.split("- id: schools")
    (root / "sectors.yml").write_text(
        "- id: schools" + rest + foundation.replace("# A small copy", "# moved")
    )
    shutil.copytree(root / "schools", root / "aaa")
    for name, old, new in [
        ("course.md", "slug: schools", "slug: aaa"),
        ("course.md", "sector: schools", "sector: consumers"),
        ("course.md", "subroles: [teacher]\n", ""),
        ("01-in-the-classroom.md", "subroles: [teacher, counsellor]\n", ""),
    ]:
        path = root / "aaa" / name
        path.write_text(path.read_text().replace(old, new))
    curriculum = load_curriculum(root, word_bounds=None)
    assert list(curriculum.sectors) == ["schools", "consumers", "foundation"]
    assert list(curriculum.courses) == ["foundation", "schools", "aaa"]


def test_version_hashes_every_file_of_the_folder(tmp_path, curriculum):
    folder = VALID / "foundation"
    digest = hashlib.sha256()
    for path in sorted(folder.iterdir(), key=lambda p: p.name):
        digest.update(path.name.encode() + b"\0" + path.read_bytes() + b"\0")
    assert curriculum.courses["foundation"].version == digest.hexdigest()[:12]
    root = tmp_path / "cur"
    shutil.copytree(VALID, root)
    spanish = root / "foundation" / "01-what-is-trafficking.es.md"
    spanish.write_text(spanish.read_text() + "\nMás.\n")
    changed = load_curriculum(root, word_bounds=None)
    assert changed.courses["foundation"].version != curriculum.courses["foundation"].version
    assert changed.courses["schools"].version == curriculum.courses["schools"].version


def test_errors_raise_with_every_error_and_warnings_are_kept(tmp_path):
    with pytest.raises(CurriculumError) as caught:
        load_curriculum(DATA / "broken", word_bounds=None)
    assert all(p.severity == "error" for p in caught.value.problems)
    assert len(caught.value.problems) == 19
    root = tmp_path / "cur"
    shutil.copytree(VALID, root)
    (root / "foundation" / "02-signs.es.md").unlink()
    curriculum = load_curriculum(root, word_bounds=None)
    assert [str(w).replace(root.as_posix() + "/", "") for w in curriculum.warnings] == [
        'foundation/02-signs.md:1: warning: untranslated: no "es" translation of this lesson (02-signs.es.md), '
        'though the course has "es" for other files'
    ]


def test_word_bounds_warn_and_content_checks_can_be_switched_off(tmp_path):
    problems = check_curriculum(VALID, word_bounds=(15, 60), today=TODAY)
    assert [(Path(p.path).name, p.line, p.message, p.severity) for p in problems] == [
        ("01-what-is-trafficking.md", 1, "the lesson has 64 words; aim for 15 to 60", "warning"),
        ("02-signs.md", 1, "the lesson has 13 words; aim for 15 to 60", "warning"),
    ]
    root = tmp_path / "cur"
    shutil.copytree(VALID, root)
    lesson = root / "foundation" / "02-signs.md"
    lesson.write_text(lesson.read_text().replace("Back to", "Call 1-888-373-7888. Back to"))
    assert check_curriculum(root, word_bounds=None)
    assert [p for p in check_curriculum(root, content_checks=False) if "typed" in p.message] == []


def test_missing_folder_is_a_problem_not_a_crash(tmp_path):
    assert [str(p) for p in check_curriculum(tmp_path / "nowhere")] == [
        f"{(tmp_path / 'nowhere').as_posix()}:0: no such curricula folder"
    ]
    with pytest.raises(CurriculumError):
        load_curriculum(tmp_path / "nowhere")


def test_forty_lessons_load_quickly(tmp_path):
    """Measured in CPU time, best of five, so that a busy machine does not fail the test."""
    root = tmp_path / "cur"
    shutil.copytree(VALID, root, ignore=shutil.ignore_patterns("schools"))
    paragraph = (
        "Traffickers often recruit through someone the person trusts, such as a partner, a relative or an "
        "employer, and the first signs can be subtle: a new phone, gifts, or a sudden change in "
        "behaviour. See [the signs](02-signs.md#what-you-might-notice) and **act** on them. "
    ) * 4
    for n in range(3, 43):
        body = "\n\n".join([f"## Part {k}\n\n{paragraph}\n\n::: tip\nA tip.\n:::" for k in range(3)])
        (root / "foundation" / f"{n:02d}-lesson-{n}.md").write_text(
            f"---\ntitle: Lesson {n}\nminutes: 5\nsources: [A source]\n---\n\n{body}\n"
        )
    (root / "foundation" / "01-what-is-trafficking.es.md").unlink()
    (root / "foundation" / "02-signs.es.md").unlink()
    best = min(_timed(root) for _ in range(5))
    assert best < 0.3


def _timed(root: Path) -> float:
    start = time.process_time()
    curriculum = load_curriculum(root)
    assert len(curriculum.courses["foundation"].lessons) == 42
    return time.process_time() - start
