"""Broken curricula: each mistake is reported as `path:line: message`, on the right line, all at once."""

import datetime as dt
import shutil
from collections import Counter
from pathlib import Path

import pytest

from academy.curriculum import check_curriculum

DATA = Path(__file__).parent.parent / "data" / "curricula"
VALID = DATA / "valid"
TODAY = dt.date(2026, 12, 1)  # the test data's resources were verified on 2026-11-01: keep them fresh


def problems_in(root: Path, **options) -> list[str]:
    """Return check_curriculum's problems as strings, paths relative to root."""
    options.setdefault("today", TODAY)
    problems = [str(p).replace(root.as_posix() + "/", "") for p in check_curriculum(root, **options)]
    assert not [p for p in problems if "internal error" in p]
    assert [p for p, n in Counter(problems).items() if n > 1] == []  # nothing is reported twice
    return problems


@pytest.fixture
def edit(tmp_path):
    """Copy the valid curriculum, apply an edit to one file, return the problems."""
    root = tmp_path / "cur"
    shutil.copytree(VALID, root)

    def apply(rel: str, old: str | None, new: str | None) -> list[str]:
        path = root / rel
        if old is None and new is None:
            path.unlink()
        elif old is None:
            (root / new).write_bytes(path.read_bytes())
        else:
            text = path.read_text()
            assert old in text
            path.write_text(text.replace(old, new, 1))
        return problems_in(root, word_bounds=None)

    return apply


QUIZ = "foundation/quiz.md"
SIGNS = "foundation/02-signs.md"
FOUNDATION = "foundation/course.md"
SCHOOLS = "schools/course.md"
CLASSROOM = "schools/01-in-the-classroom.md"
OUTDATED = (
    "foundation/02-signs.es.md:1: warning: outdated translation: the original changed since translated_from"
)


# fmt: off
@pytest.mark.parametrize(("rel", "old", "new", "expected"), [
    (FOUNDATION, "pass_mark: 75", "pass_mark: [75",
     "foundation/course.md:8: YAML error: did not find expected ',' or ']' "
     "(while parsing a flow sequence on line 7)"),
    (FOUNDATION, "summary: What trafficking is.", "summary: What: trafficking is.",
     "foundation/course.md:5: YAML error: mapping values are not allowed in this context"),
    (SIGNS, "---\ntitle: The signs", "title: The signs",
     'foundation/02-signs.md:1: missing front matter: start the file with a line "---", the fields, '
     'then "---"'),
    (SIGNS, "subroles: []\n---", "subroles: []",
     'foundation/02-signs.md:1: front matter is not closed: add a line "---" after the fields'),
    (SIGNS, "---\ntitle: The signs", "---\n- a list\n---\ntitle: The signs",
     'foundation/02-signs.md:2: front matter must be "field: value" lines, not a list'),
    (FOUNDATION, "audience: Everyone.\n", "", 'foundation/course.md:1: missing required field "audience"'),
    (FOUNDATION, "pass_mark: 75", "passmark: 75",
     'foundation/course.md:7: unknown field "passmark" (did you mean "pass_mark"?)'),
    (FOUNDATION, "  max_attempts: 2", "  max_attempt: 2",
     'foundation/course.md:12: unknown field "max_attempt" in "quiz" (did you mean "max_attempts"?)'),
    (SIGNS, "minutes: 8", "minutes: 8\nminutes: 9", 'foundation/02-signs.md:4: duplicate field "minutes"'),
    (SIGNS, "minutes: 8", "minutes: eight",
     'foundation/02-signs.md:3: "minutes" must be a whole number, not "eight"'),
    (SIGNS, "title: The signs", "title: yes",
     'foundation/02-signs.md:2: "title" must be text, not true (a yes/no value) (put it in quotes)'),
    (SIGNS, "sources: [Polaris", "sources: [{url: x}, Polaris",
     'foundation/02-signs.md:4: missing required field "title" in a source'),
    (FOUNDATION, "    url: https://www.ilo.org/", "    url: www.ilo.org",
     'foundation/course.md:17: source url "www.ilo.org" must start with https:// or http://'),
    (SCHOOLS, "slug: schools", "slug: school",
     'schools/course.md:2: slug "school" must equal the folder name "schools"'),
    (SCHOOLS, "slug: schools", "slug: Schools",
     'schools/course.md:2: slug "Schools" must use only lowercase letters, digits and hyphens'),
    (FOUNDATION, "sector: foundation", "sector: fundation",
     'foundation/course.md:4: unknown sector "fundation" (did you mean "foundation"?)'),
    (SCHOOLS, "prerequisites: [foundation]", "prerequisites: [foundations]",
     'schools/course.md:9: unknown prerequisite "foundations" (did you mean "foundation"?)'),
    (FOUNDATION, "prerequisites: []", "prerequisites: [schools]",
     "foundation/course.md:9: prerequisite cycle: foundation -> schools -> foundation"),
    (SCHOOLS, "prerequisites: [foundation]", "prerequisites: [schools]",
     "schools/course.md:9: prerequisite cycle: schools -> schools"),
    (SCHOOLS, "subroles: [teacher]", "subroles: [teachers]",
     'schools/course.md:11: unknown sub-role "teachers" of sector "schools" (did you mean "teacher"?)'),
    (CLASSROOM, "subroles: [teacher, counsellor]", "subroles: [teacher, nurse]",
     'schools/01-in-the-classroom.md:5: unknown sub-role "nurse" of sector "schools"'),
    (SCHOOLS, "completion: [lessons, attendance]", "completion: [lessons, attendence]",
     'schools/course.md:10: unknown completion rule "attendence" (did you mean "attendance"?): '
     "use lessons, quiz or attendance"),
    (SCHOOLS, "completion: [lessons, attendance]", "completion: []",
     "schools/course.md:10: completion is empty: list lessons, quiz or attendance"),
    (SCHOOLS, "completion: [lessons, attendance]\n", "",
     'schools/course.md:1: completion includes "quiz" but the course has no quiz.md'),
    (QUIZ, None, None, 'foundation/course.md:10: completion includes "quiz" but the course has no quiz.md'),
    (FOUNDATION, "pass_mark: 75", "pass_mark: 120",
     'foundation/course.md:7: "pass_mark" must be between 1 and 100, not 120'),
    (FOUNDATION, "pass_mark: 75", "pass_mark: 0",
     'foundation/course.md:7: "pass_mark" must be between 1 and 100, not 0'),
    (FOUNDATION, "  cooldown_minutes: 30", "  cooldown_minutes: -5",
     'foundation/course.md:13: "cooldown_minutes" in "quiz" must be at least 0, not -5'),
    (FOUNDATION, "  cooldown_minutes: 30", "  cooldown_minutes: 30\n  questions_per_attempt: 9",
     "foundation/course.md:14: questions_per_attempt is 9 but the quiz has only 4 questions"),
    (QUIZ, "- [x] No, consent", "- [ ] No, consent",
     'foundation/quiz.md:9: question "Does an adult\'s earlier consent defeat a trafficking charge?" '
     "has no correct option: mark it - [x]"),
    (QUIZ, "- [ ] True\n", "",
     'foundation/quiz.md:36: question "True or false: a trafficking victim must have crossed a border." '
     "needs at least two options"),
    (QUIZ, "- [ ] True\n- [x] False\n", "",
     'foundation/quiz.md:36: question "True or false: a trafficking victim must have crossed a border." '
     "has no options: list them as - [x] right answer, - [ ] wrong answer"),
    (QUIZ, "> The ILO lists eleven indicators, including both of these.\n", "",
     'foundation/quiz.md:17: question "Which of these are ILO forced-labour indicators? (select all that '
     'apply)" has no explanation: add a block quote ("> ...") after the options'),
    (QUIZ, "- [ ] Working a night shift", "- Working a night shift",
     "foundation/quiz.md:21: an option must start with [ ] (wrong) or [x] (right)"),
    (QUIZ, "> Follow the reporting protocol.\n", "> Follow the reporting protocol.\n\nMore text.\n",
     'foundation/quiz.md:36: question "A scenario": only one option list and one block quote may follow '
     "the heading"),
    (QUIZ, "## Does", "# Does",
     'foundation/quiz.md:11: options before the first question: start each question with a "## " heading'),
    (SIGNS, "## What you might notice", "## What you might notice\n\nCall (604) 555-1234.",
     'foundation/02-signs.md:10: phone number "(604) 555-1234" typed into the text: add it to resources.yml '
     "and link it as [name](resource:ID)"),
    (SIGNS, "## What you might notice", "## What you might notice\n\nOr text 233733.",
     'foundation/02-signs.md:10: phone number "text 233733" typed into the text: link the resource instead: '
     "[National Human Trafficking Hotline](resource:us-nhth)"),
    (SIGNS, "## What you might notice", "## What you might notice\n\nShe was no child prostitute.",
     'foundation/02-signs.md:10: "child prostitute": write "trafficked minor" instead (a child cannot '
     'consent). To cite the term on purpose, put it in "quotes" or `code`.'),
    (SIGNS, "title: The signs", "title: Signs of an Illegal Alien",
     'foundation/02-signs.md:2: "illegal alien": write "undocumented person" instead (a person is not '
     'illegal). To cite the term on purpose, put it in "quotes" or `code`.'),
    (SIGNS, "sources: [Polaris, Typology of Modern Slavery (2017)]", "sources: []",
     "foundation/02-signs.md:4: no sources: list at least one source for the facts in this lesson"),
    (QUIZ, "  - UN.GIFT, definition of trafficking in persons\n", "  []\n",
     "foundation/quiz.md:3: no sources: list at least one source for the facts in this quiz"),
    (SIGNS, "::: notice", "::: notise",
     'foundation/02-signs.md:10: unknown callout kind "notise" (did you mean "notice"?): use one of note, '
     "tip, warning, scenario, do, dont, notice"),
    (SIGNS, "01-what-is-trafficking.md#consent", "01-what-is-traficking.md#consent",
     'foundation/02-signs.md:14: broken link "01-what-is-traficking.md#consent": no such file '
     '(did you mean "01-what-is-trafficking.md"?)'),
    (SIGNS, "01-what-is-trafficking.md#consent", "01-what-is-trafficking.md#consnt",
     'foundation/02-signs.md:14: broken link "01-what-is-trafficking.md#consnt": no heading "#consnt" in '
     '01-what-is-trafficking.md (did you mean "consent"?)'),
    (CLASSROOM, "../foundation/02-signs.md#", "../../outside.md#",
     'schools/01-in-the-classroom.md:10: link "../../outside.md#what-you-might-notice" points outside the '
     "curricula folder"),
    (CLASSROOM, "[foundation quiz](../foundation/quiz.md)", "[notes](notes.pdf)",
     'schools/01-in-the-classroom.md:11: link "notes.pdf" cannot be opened: link to course.md, quiz.md or a '
     "lesson file"),
    (CLASSROOM, "[foundation quiz](../foundation/quiz.md)", "[call](tel:18883737888)",
     'schools/01-in-the-classroom.md:11: link "tel:18883737888" is not allowed: link the resource instead: '
     "[name](resource:ID)"),
    ("foundation/01-what-is-trafficking.md", "resources: [ca-hotline]", "resources: [ca-hotlin]",
     'foundation/01-what-is-trafficking.md:6: unknown resource "ca-hotlin" (did you mean "ca-hotline"?)'),
    ("foundation/01-what-is-trafficking.md", "(resource:us-nhth)", "(resource:us-nht)",
     'foundation/01-what-is-trafficking.md:16: unknown resource "us-nht" (did you mean "us-nhth"?)'),
    (SIGNS, "## What you might notice", None,
     "foundation/02-signs.md:6: the lesson is empty: write it below the front matter"),
    (CLASSROOM, None, "schools/01-again.md",
     "schools/01-in-the-classroom.md:1: duplicate lesson number 1 (also 01-again.md)"),
    (CLASSROOM, None, "schools/02-in-the-classroom.md",
     'schools/02-in-the-classroom.md:1: duplicate lesson slug "in-the-classroom" '
     "(also 01-in-the-classroom.md)"),
    (CLASSROOM, None, "schools/03-later.md",
     "schools/03-later.md:1: warning: lesson numbers jump from 1 to 3"),
    (CLASSROOM, None, "schools/2-Bad.md",
     "schools/2-Bad.md:1: a lesson file name must be a number, a hyphen, then lowercase letters, digits and "
     "hyphens, like 01-what-is-trafficking.md"),
    (CLASSROOM, None, "schools/notes.md",
     "schools/notes.md:0: warning: ignored: not course.md, quiz.md or a numbered lesson"),
    (CLASSROOM, None, "schools/02-gone.es.md",
     'schools/02-gone.es.md:1: translation of "02-gone.md", which does not exist'),
    (CLASSROOM, None, "schools/01-in-the-classroom.fr.md",
     "schools/01-in-the-classroom.fr.md:1: warning: the translation has no translated_from: when it matches "
     'the original, add translated_from: "'),
    ("foundation/02-signs.es.md", None, None,
     'foundation/02-signs.md:1: warning: untranslated: no "es" translation of this lesson (02-signs.es.md), '
     'though the course has "es" for other files'),
    (SIGNS, "Back to", "Go back to", OUTDATED),
    ("foundation/02-signs.es.md", 'translated_from: "5e2e3ed5fda2"', "translated_from: 5",
     'foundation/02-signs.es.md:3: "translated_from" must be text, not the number 5 (put it in quotes)'),
    (SCHOOLS, None, "schools/quiz.txt",
     "schools/quiz.txt:0: warning: ignored: not course.md, quiz.md or a numbered lesson"),
    ("sectors.yml", "  label: Consumers\n", "  label: Consumers\n  shared: maybe\n",
     'sectors.yml:14: "shared" must be true or false, not "maybe"'),
    ("sectors.yml", "- id: consumers", "- id: schools",
     'sectors.yml:12: duplicate sector id "schools" (also on line 6)'),
    ("sectors.yml", "    - {id: counsellor", "    - {id: teacher",
     'sectors.yml:11: duplicate sub-role id "teacher" (also on line 10)'),
    ("sectors.yml", "- id: foundation\n  label: Foundation\n", "- label: Foundation\n",
     'sectors.yml:2: missing required field "id"'),
    ("resources.yml", "verified_on: 2026-11-01", "verified_on: soon",
     'resources.yml:16: "verified_on" must be a date like 2026-11-01, not "soon"'),
    ("resources.yml", 'verified_on: "2026-11-01"', 'verified_on: "2026-11-31"',
     'resources.yml:24: "verified_on" must be a date like 2026-11-01, not "2026-11-31"'),
    ("resources.yml", "- id: ca-hotline", "- id: us-nhth",
     'resources.yml:17: duplicate resource id "us-nhth" (also on line 6)'),
    ("resources.yml", "    name: Canadian Human Trafficking Hotline\n", "",
     'resources.yml:17: missing required field "name"'),
    ("resources.yml", "    jurisdiction: ca", "    jurisdiction: mx",
     'resources.yml:19: unknown jurisdiction "mx": add it to "jurisdictions" first'),
    ("resources.yml", "    url: https://humantraffickinghotline.org", "    url: humantraffickinghotline.org",
     'resources.yml:11: "url" must start with https:// or http://, not "humantraffickinghotline.org"'),
    ("resources.yml", "resources:", "resource:", 'resources.yml:1: missing required field "resources"'),
    ("terms.yml", "  reason: a child cannot consent\n", "  reasons: a child cannot consent\n",
     'terms.yml:3: unknown field "reasons" (did you mean "reason"?)'),
    ("sectors.yml", None, None, "sectors.yml:0: missing sectors.yml: the curricula folder needs one"),
    (SCHOOLS, None, None, "schools:0: the course folder has no course.md"),
])
# fmt: on
def test_problem_is_reported_on_its_line(edit, rel, old, new, expected):
    problems = edit(rel, old, new) if new is not None or old is None else _truncate_body(edit, rel)
    assert [p for p in problems if p.startswith(expected)], "\n".join(problems)


def _truncate_body(edit, rel):
    path_text = (VALID / rel).read_text()
    body = path_text[path_text.index("---", 3) + 4 :]
    return edit(rel, body, "")


def test_a_quiz_without_questions(edit):
    text = (VALID / QUIZ).read_text()
    problems = edit(QUIZ, text[text.index("Answer every question.") :], "Answer every question.\n")
    expected = 'foundation/quiz.md:6: the quiz has no questions: start each question with a "## " heading'
    assert expected in problems


def test_every_error_is_reported_at_once():
    root = (DATA / "broken").resolve()
    assert problems_in(root, word_bounds=None) == [
        'a-course/01-one.md:7: phone number "(604) 555-1234" typed into the text: add it to resources.yml '
        "and link it as [name](resource:ID)",
        "a-course/03-three.md:1: warning: lesson numbers jump from 1 to 3",
        'a-course/03-three.md:9: broken link "04-four.md": no such file',
        'a-course/03-three.md:9: broken link "#strat": no heading "#strat" in 03-three.md '
        '(did you mean "start"?)',
        'a-course/course.md:7: "minutes" must be a whole number, not "ten"',
        "a-course/course.md:8: prerequisite cycle: a-course -> b-course -> a-course",
        'a-course/course.md:9: unknown completion rule "exam": use lessons, quiz or attendance',
        'a-course/course.md:13: "illegal alien": write "undocumented person" instead '
        '(a person is not illegal). To cite the term on purpose, put it in "quotes" or `code`.',
        "a-course/notes.txt:0: warning: ignored: not course.md, quiz.md or a numbered lesson",
        'a-course/quiz.md:6: question "Is this a question?" has no explanation: add a block quote '
        '("> ...") after the options',
        'b-course/course.md:1: completion includes "quiz" but the course has no quiz.md',
        "c-folder:0: the course folder has no course.md",
        'resources.yml:10: "verified_on" must be a date like 2026-11-01, not "last week"',
        'resources.yml:11: duplicate resource id "us-nhth" (also on line 4)',
        'resources.yml:13: unknown jurisdiction "uk": add it to "jurisdictions" first',
        'resources.yml:14: "phone" must be text, not the number 911 (put it in quotes)',
        'sectors.yml:10: duplicate sub-role id "teacher" (also on line 9)',
        'sectors.yml:11: duplicate sector id "schools" (also on line 5)',
        'sectors.yml:14: missing required field "label"',
        'sectors.yml:16: unknown field "colour"',
        'terms.yml:1: missing required field "reason"',
    ]


def test_problems_are_sorted_by_path_then_line():
    problems = check_curriculum(DATA / "broken", word_bounds=None)
    assert [(p.path, p.line) for p in problems] == sorted((p.path, p.line) for p in problems)


@pytest.mark.parametrize(
    "data", [b"\xff\xfe---\n", b"---\ntitle: ok\n---\n\n\xc3(", "---\ntitle: \x00\n---\n"]
)
def test_bad_bytes_are_reported_with_a_line(tmp_path, data):
    root = tmp_path / "cur"
    shutil.copytree(VALID, root)
    (root / "foundation" / "02-signs.md").write_bytes(data if isinstance(data, bytes) else data.encode())
    problems = [p for p in problems_in(root, word_bounds=None) if p.startswith("foundation/02-signs.md:")]
    assert problems
    assert not any(p.startswith("foundation/02-signs.md:0:") for p in problems)
