"""Grade a quiz attempt. Pure: no Flask, no database; questions are the curriculum's frozen data classes."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import NamedTuple, Protocol


class _Option(Protocol):
    id: str
    correct: bool


class _Question(Protocol):
    id: str
    kind: str
    options: Sequence[_Option]


class InvalidAnswers(ValueError):
    """The answers do not fit the questions (an unknown, repeated or foreign id): nothing may be recorded."""


class QuestionResult(NamedTuple):
    question_id: str
    correct: bool
    chosen: tuple[str, ...]
    correct_ids: tuple[str, ...]


class Result(NamedTuple):
    score_percent: int
    passed: bool
    per_question: tuple[QuestionResult, ...]


def validate(questions: Sequence[_Question], answers: Mapping[str, Sequence[str]]) -> None:
    """Raise InvalidAnswers unless each answer names a known question and only its options, each once."""
    by_id = {q.id: q for q in questions}
    for question_id, chosen in answers.items():
        question = by_id.get(question_id)
        if question is None:
            raise InvalidAnswers(f"unknown question {question_id!r}")
        if isinstance(chosen, str) or not isinstance(chosen, Sequence):
            raise InvalidAnswers(f"answer to {question_id!r} must be a list of option ids")
        option_ids = {o.id for o in question.options}
        if len(set(chosen)) != len(chosen):
            raise InvalidAnswers(f"an option of {question_id!r} was chosen twice")
        foreign = [c for c in chosen if c not in option_ids]
        if foreign:
            raise InvalidAnswers(f"{foreign[0]!r} is not an option of {question_id!r}")
        if question.kind != "multiple" and len(chosen) > 1:
            raise InvalidAnswers(f"{question_id!r} takes one answer")


def grade(questions: Sequence[_Question], answers: Mapping[str, Sequence[str]], pass_mark: int) -> Result:
    """Grade answers ({question_id: [option_id, ...]}); a question is right only with exactly its correct set.

    Unanswered questions count as wrong. The score is rounded down, so it never overstates, and
    `passed` is the same as `score_percent >= pass_mark`.
    """
    if not questions:
        raise ValueError("a quiz needs at least one question")
    validate(questions, answers)
    results = []
    for question in questions:
        chosen = tuple(answers.get(question.id, ()))
        correct_ids = tuple(o.id for o in question.options if o.correct)
        results.append(QuestionResult(question.id, set(chosen) == set(correct_ids), chosen, correct_ids))
    right = sum(r.correct for r in results)
    score = right * 100 // len(results)
    return Result(score, score >= pass_mark, tuple(results))


def unanswered(questions: Sequence[_Question], answers: Mapping[str, Sequence[str]]) -> list[str]:
    """Return the ids of the questions with no option chosen, in question order."""
    return [q.id for q in questions if not answers.get(q.id)]
