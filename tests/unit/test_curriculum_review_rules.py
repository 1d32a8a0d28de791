"""Checker rules from the curriculum review: undeclared multiple answers, stale resources, --strict, terms by
language and indicator tags."""

import datetime as dt
import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner

from academy.cli import curricula_check
from academy.curriculum import check_curriculum, load_curriculum
from academy.curriculum.registry import months_before

VALID = Path(__file__).parent.parent / "data" / "curricula" / "valid"
TODAY = dt.date(2026, 12, 1)  # the test data's resources were verified on 2026-11-01
QUIZ, QUIZ_ES = "foundation/quiz.md", "foundation/quiz.es.md"
INDICATORS = "- id: knows-hotline\n  label: Knows the hotline\n- id: identifies-trafficking\n  label: Identifies it\n"


@pytest.fixture
def root(tmp_path):
    root = tmp_path / "cur"
    shutil.copytree(VALID, root)
    return root


def edit(root: Path, rel: str, old: str, new: str) -> None:
    path = root / rel
    text = path.read_text()
    assert old in text
    path.write_text(text.replace(old, new, 1))


def problems(root: Path, today: dt.date = TODAY) -> list[str]:
    return [str(p).replace(root.as_posix() + "/", "") for p in check_curriculum(root, word_bounds=None, today=today)]


# fmt: off
@pytest.mark.parametrize(("old", "new", "expected"), [
    ("- [ ] Yes, if they agreed before they travelled", "- [x] Yes, if they agreed before they travelled",
     "foundation/quiz.md:9: question \"Does an adult's earlier consent defeat a trafficking charge?\" has 2 options "
     'marked [x] but is not declared multiple-answer: mark only the one right option [x], or end the heading with '
     '"(select all that apply)" if every marked option must be ticked'),
    ("- [ ] Confront the boyfriend", "- [x] Confront the boyfriend",
     'foundation/quiz.md:25: question "A scenario" has 2 options marked [x] but is not declared multiple-answer'),
    ("- [ ] Working a night shift", "- [x] Working a night shift", None),  # declared: (select all that apply)
])
# fmt: on
def test_two_right_answers_need_a_declared_multiple_answer_question(root, old, new, expected):
    edit(root, QUIZ, old, new)
    found = problems(root)
    if expected is None:
        assert [p for p in found if "multiple-answer" in p] == []
    else:
        assert [p for p in found if p.startswith(expected)], "\n".join(found)
        assert "warning" not in next(p for p in found if p.startswith(expected))


@pytest.mark.parametrize(
    ("verified_on", "today", "stale"),
    [
        ("2026-11-01", TODAY, False),
        ("2025-12-01", TODAY, False),  # exactly 12 months: still fresh
        ("2025-11-30", TODAY, True),
        ("2024-02-29", dt.date(2025, 2, 28), False),
        ("2024-02-28", dt.date(2025, 3, 1), True),
    ],
)
def test_a_resource_verified_more_than_twelve_months_ago_is_a_warning_naming_it(root, verified_on, today, stale):
    edit(root, "resources.yml", "verified_on: 2026-11-01", f"verified_on: {verified_on}")
    found = problems(root, today)
    warning = (
        f'resources.yml:16: warning: resource "us-nhth" (National Human Trafficking Hotline) was last verified on '
        f"{verified_on}, more than 12 months ago: check it against its source, then update verified_on"
    )
    assert found == ([warning] if stale else [])


def test_a_stale_resource_does_not_stop_the_curriculum_loading(root):
    edit(root, "resources.yml", "verified_on: 2026-11-01", "verified_on: 2020-01-01")
    curriculum = load_curriculum(root, word_bounds=None, today=TODAY)
    assert [p.path.rsplit("/", 1)[-1] for p in curriculum.warnings] == ["resources.yml"]


@pytest.mark.parametrize(
    ("day", "months", "expected"),
    [
        (dt.date(2026, 12, 6), 12, dt.date(2025, 12, 6)),
        (dt.date(2026, 3, 31), 1, dt.date(2026, 2, 28)),
        (dt.date(2024, 2, 29), 12, dt.date(2023, 2, 28)),
        (dt.date(2026, 1, 15), 13, dt.date(2024, 12, 15)),
    ],
)
def test_months_before(day, months, expected):
    assert months_before(day, months) == expected


@pytest.mark.parametrize(
    ("stale", "strict", "exit_code", "last_line"),
    [  # the test data's three short lessons always give three word-count warnings
        (False, False, 0, "(3 warning(s))"),
        (True, False, 0, "(4 warning(s))"),
        (False, True, 1, "3 error(s), 0 warning(s)"),
        (True, True, 1, "4 error(s), 0 warning(s)"),
    ],
)
def test_strict_makes_warnings_fail(root, stale, strict, exit_code, last_line):
    # the command dates staleness from today: a fresh entry is dated today, a stale one years ago
    today = dt.date.today().isoformat()
    edit(root, "resources.yml", "verified_on: 2026-11-01", f"verified_on: {'2019-01-01' if stale else today}")
    edit(root, "resources.yml", 'verified_on: "2026-11-01"', f"verified_on: {today}")
    result = CliRunner().invoke(curricula_check, [str(root), *(["--strict"] if strict else [])])
    assert result.exit_code == exit_code, result.output
    assert result.output.strip().splitlines()[-1].endswith(last_line)
    assert ('warning: resource "us-nhth"' in result.output) == stale


# fmt: off
@pytest.mark.parametrize(("rel", "line", "term_entry", "flagged"), [
    # a Spanish term is checked in Spanish files only
    ("foundation/02-signs.es.md", "\nUna prostituta infantil.\n",
     "- term: prostituta infantil\n  language: es\n  suggestion: menor víctima de trata\n  reason: no consiente\n",
     True),
    ("foundation/02-signs.md", "\nUna prostituta infantil.\n",
     "- term: prostituta infantil\n  language: es\n  suggestion: menor víctima de trata\n  reason: no consiente\n",
     False),
    # a term with no language is checked everywhere
    ("foundation/02-signs.es.md", "\nUn john.\n",
     "- term: john\n  suggestion: buyer\n  reason: trivialises\n", True),
    # French, plural included
    ("foundation/02-signs.md", "\nLes illégaux.\n",
     "- term: illégal\n  language: fr\n  suggestion: sans-papiers\n  reason: déshumanise\n", False),
])
# fmt: on
def test_terms_are_checked_in_their_own_language(root, rel, line, term_entry, flagged):
    (root / "terms.yml").write_text((root / "terms.yml").read_text() + term_entry)
    (root / rel).write_text((root / rel).read_text() + line)
    term = term_entry.split("\n", 1)[0].removeprefix("- term: ")
    found = [p for p in problems(root) if p.startswith(rel) and f'"{term}": write' in p]
    assert bool(found) == flagged, problems(root)


def test_a_term_in_an_unknown_language_is_an_error(root):
    (root / "terms.yml").write_text(
        (root / "terms.yml").read_text() + "- term: pute\n  language: fre\n  suggestion: x\n  reason: y\n"
    )
    assert [p for p in problems(root) if "unknown language" in p] == [
        'terms.yml:8: unknown language "fre": use one of en, es, fr, or leave it out to check the term in every file'
    ]


def _tag(root: Path, tag: str, *, indicators: bool = True) -> None:
    if indicators:
        (root / "indicators.yml").write_text(INDICATORS)
    edit(root, QUIZ, "> Consent cannot cure", f"indicator: {tag}\n\n> Consent cannot cure")


def test_indicator_tags_are_kept_on_the_question_and_its_translation(root):
    (root / "indicators.yml").write_text(INDICATORS)
    edit(root, QUIZ, "> Crossing a border", "indicators: identifies-trafficking, knows-hotline\n\n> Crossing a border")
    edit(root, QUIZ, "> Consent cannot cure", "> Consent cannot cure")
    quiz = load_curriculum(root, word_bounds=None, today=TODAY).courses["foundation"].quiz
    assert [q.indicators for q in quiz.questions] == [(), (), (), ("identifies-trafficking", "knows-hotline")]
    assert quiz.translations["es"].questions[3].indicators == ("identifies-trafficking", "knows-hotline")
    assert "indicator" not in quiz.questions[3].context_html + quiz.questions[3].explanation_html


# fmt: off
@pytest.mark.parametrize(("tag", "indicators", "expected"), [
    ("knows-hotlines", True,
     "foundation/quiz.md:15: question \"Does an adult's earlier consent defeat a trafficking charge?\": unknown "
     'indicator "knows-hotlines" (did you mean "knows-hotline"?): add it to indicators.yml first'),
    ("Knows Hotline", True, 'indicator "Knows Hotline" must be an id like knows-hotline'),
    ("knows-hotline, knows-hotline", True, 'indicator "knows-hotline" is given twice'),
    ("knows-hotline", False, 'indicator "knows-hotline" needs a list of indicators: add indicators.yml'),
])
# fmt: on
def test_bad_indicator_tags_are_errors(root, tag, indicators, expected):
    _tag(root, tag, indicators=indicators)
    found = problems(root)
    assert [p for p in found if expected in p and p.startswith("foundation/quiz.md:15:")], "\n".join(found)


def test_a_translation_cannot_change_a_question_s_indicators(root):
    _tag(root, "knows-hotline")
    text = (root / QUIZ_ES).read_text()
    first_quote = text.index("\n>")
    (root / QUIZ_ES).write_text(text[:first_quote] + "\n\nindicator: identifies-trafficking\n" + text[first_quote:])
    found = problems(root)
    assert [p for p in found if "has indicators identifies-trafficking here but knows-hotline in quiz.md" in p]


def test_indicators_yml_entries_are_checked(root):
    (root / "indicators.yml").write_text(INDICATORS + "- id: Knows Hotline\n  label: x\n- id: knows-hotline\n")
    found = problems(root)
    assert 'indicators.yml:5: indicator id "Knows Hotline" must use only lowercase letters, digits and hyphens' in found
    assert 'indicators.yml:7: missing required field "label"' in found
