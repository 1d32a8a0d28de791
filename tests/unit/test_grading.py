"""The pure quiz grader: exact sets, validation, rounding and the pass mark."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

from academy.curriculum.model import Option, Question
from academy.quizzes import grading
from academy.quizzes.grading import InvalidAnswers, grade, unanswered


def q(qid: str, kind: str, correct: str, options: str) -> Question:
    """Build a question whose options are `<qid>-<letter>`; letters in `correct` are the right ones."""
    return Question(id=qid, kind=kind, prompt_html=f"<p>{qid}</p>", explanation_html="<p>why</p>",
                    options=tuple(Option(f"{qid}-{letter}", f"<p>{letter}</p>", letter in correct)
                                  for letter in options))


SINGLE = q("q1", "single", "b", "abc")
MULTI = q("q2", "multiple", "ab", "abc")
TRUE_FALSE = q("q3", "true_false", "b", "ab")
QUIZ = (SINGLE, MULTI, TRUE_FALSE)


@pytest.mark.parametrize(("question", "chosen", "right"), [
    (SINGLE, ["q1-b"], True),
    (SINGLE, ["q1-a"], False),
    (SINGLE, [], False),
    (MULTI, ["q2-a", "q2-b"], True),
    (MULTI, ["q2-b", "q2-a"], True),
    (MULTI, ["q2-a"], False),
    (MULTI, ["q2-a", "q2-b", "q2-c"], False),
    (MULTI, ["q2-c"], False),
    (MULTI, [], False),
    (TRUE_FALSE, ["q3-b"], True),
    (TRUE_FALSE, ["q3-a"], False),
])
def test_each_kind_needs_exactly_the_correct_set(question, chosen, right):
    result = grade([question], {question.id: chosen}, 50)
    assert result.per_question[0].correct is right
    assert result.per_question[0].chosen == tuple(chosen)
    assert result.score_percent == (100 if right else 0)


def test_per_question_reports_the_correct_ids_in_question_order():
    result = grade(QUIZ, {"q3": ["q3-b"], "q1": ["q1-a"]}, 60)
    assert [r.question_id for r in result.per_question] == ["q1", "q2", "q3"]
    assert result.per_question[0] == ("q1", False, ("q1-a",), ("q1-b",))
    assert result.per_question[1] == ("q2", False, (), ("q2-a", "q2-b"))
    assert result.per_question[2].correct is True


def test_empty_answers_score_zero_and_fail():
    result = grade(QUIZ, {}, 0 + 1)
    assert result.score_percent == 0 and result.passed is False
    assert unanswered(QUIZ, {}) == ["q1", "q2", "q3"]
    assert unanswered(QUIZ, {"q2": ["q2-a"], "q1": []}) == ["q1", "q3"]


@pytest.mark.parametrize(("answers", "message"), [
    ({"q9": ["q9-a"]}, "unknown question"),
    ({"q1": ["q1-z"]}, "not an option"),
    ({"q1": ["q2-a"]}, "not an option"),  # an option of another question
    ({"q1": ["nonsense"]}, "not an option"),
    ({"q2": ["q2-a", "q2-a"]}, "twice"),
    ({"q1": ["q1-a", "q1-b"]}, "takes one answer"),
    ({"q3": ["q3-a", "q3-b"]}, "takes one answer"),
    ({"q1": "q1-b"}, "must be a list"),
])
def test_answers_that_do_not_fit_are_rejected(answers, message):
    with pytest.raises(InvalidAnswers, match=message):
        grade(QUIZ, answers, 60)


@pytest.mark.parametrize(("right", "total", "score"), [
    (0, 3, 0), (1, 3, 33), (2, 3, 66), (3, 3, 100), (1, 7, 14), (6, 7, 85), (1, 2, 50),
])
def test_score_rounds_down(right, total, score):
    questions = [q(f"q{i}", "single", "a", "ab") for i in range(total)]
    answers = {f"q{i}": [f"q{i}-a"] for i in range(right)}
    assert grade(questions, answers, 0).score_percent == score


@pytest.mark.parametrize(("right", "total", "pass_mark", "passed"), [
    (3, 5, 60, True),    # exactly on the mark passes
    (2, 5, 60, False),
    (2, 3, 66, True),    # 66.67 % passes a 66 mark
    (2, 3, 67, False),   # ... but not a 67 mark, though it would round to 67
    (5, 5, 100, True),
    (4, 5, 100, False),
    (0, 5, 0, True),
])
def test_pass_mark_boundary(right, total, pass_mark, passed):
    questions = [q(f"q{i}", "single", "a", "ab") for i in range(total)]
    answers = {f"q{i}": [f"q{i}-a"] for i in range(right)}
    result = grade(questions, answers, pass_mark)
    assert result.passed is passed
    assert result.passed == (result.score_percent >= pass_mark)


def test_a_quiz_without_questions_cannot_be_graded():
    with pytest.raises(ValueError):
        grade([], {}, 50)


def test_grading_is_pure():
    tree = ast.parse(Path(grading.__file__).read_text())
    imported = {alias.name.split(".")[0] for node in ast.walk(tree) if isinstance(node, ast.Import)
                for alias in node.names}
    imported |= {node.module.split(".")[0] for node in ast.walk(tree)
                 if isinstance(node, ast.ImportFrom) and node.module}
    assert not imported & {"flask", "sqlalchemy", "flask_sqlalchemy", "flask_login", "academy"}
