"""What people learned: pre-tests and post-tests (the first quiz attempt) recorded as assessments, and the
knowledge gain and indicator shares the report shows, counted in SQL.

Knowledge gain compares the same learners: those who took a course's pre-test and then its quiz. Their
average pre-test score and average first-quiz score are both percentages of questions answered right; the
gain is the difference, in percentage points. A learner counts in the half-year of their quiz.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import Float, cast, func, select
from sqlalchemy.orm import aliased

from academy.coverage.models import Assessment, AssessmentIndicator
from academy.coverage.periods import Period
from academy.curriculum.model import Course, Question
from academy.database import utcnow
from academy.extensions import db

PRE, POST = "pre", "post"


def has_taken(user_id: int, course_slug: str, stage: str) -> bool:
    """Tell whether the learner already has an assessment of that stage for the course."""
    query = select(Assessment.id).where(
        Assessment.user_id == user_id, Assessment.course_slug == course_slug, Assessment.stage == stage
    )
    return db.session.scalar(query.limit(1)) is not None


def record(
    user, course: Course, stage: str, results: Iterable[tuple[Question, bool]], *, now: datetime | None = None
) -> Assessment:
    """Record one pre-test or post-test: questions asked and answered right, in total and per indicator."""
    results = list(results)
    tallies: dict[str, list[int]] = {}
    for question, correct in results:
        for tag in getattr(question, "indicators", ()):
            tally = tallies.setdefault(tag, [0, 0])
            tally[0] += 1
            tally[1] += int(correct)
    assessment = Assessment(
        user_id=user.id,
        community_id=user.community_id,
        sector=user.sector,
        course_slug=course.slug,
        stage=stage,
        taken_at=now or utcnow(),
        asked=len(results),
        correct=sum(int(correct) for _q, correct in results),
        indicators=[AssessmentIndicator(indicator=t, asked=a, correct=c) for t, (a, c) in sorted(tallies.items())],
    )
    db.session.add(assessment)
    db.session.flush()
    return assessment


@dataclass(frozen=True)
class Gain:
    """Paired learners of one group and the sums of their scores (percent), so groups can be added up."""

    learners: int = 0
    pre_total: float = 0.0
    post_total: float = 0.0

    def __add__(self, other: Gain) -> Gain:
        return Gain(
            self.learners + other.learners, self.pre_total + other.pre_total, self.post_total + other.post_total
        )

    @property
    def pre(self) -> float | None:
        return self.pre_total / self.learners if self.learners else None

    @property
    def post(self) -> float | None:
        return self.post_total / self.learners if self.learners else None

    @property
    def gain(self) -> float | None:
        """Percentage points gained on average; None without learners."""
        return self.post - self.pre if self.learners else None


def _percent(table) -> object:
    return cast(table.correct, Float) * 100.0 / func.nullif(table.asked, 0)


def gains(community_id: int, period: Period) -> dict[tuple[str, str | None], Gain]:
    """Return paired learners' scores per (course, sector) for quizzes taken in the period, in one query."""
    pre, post = aliased(Assessment), aliased(Assessment)
    query = (
        select(post.course_slug, post.sector, func.count(), func.sum(_percent(pre)), func.sum(_percent(post)))
        .join(pre, (pre.user_id == post.user_id) & (pre.course_slug == post.course_slug) & (pre.stage == PRE))
        .where(
            post.community_id == community_id,
            post.stage == POST,
            post.taken_at >= period.start,
            post.taken_at < period.end,
            pre.taken_at <= post.taken_at,
            pre.asked > 0,
            post.asked > 0,
        )
        .group_by(post.course_slug, post.sector)
    )
    return {
        (slug, sector): Gain(int(n), float(pre_sum or 0), float(post_sum or 0))
        for slug, sector, n, pre_sum, post_sum in db.session.execute(query)
    }


def grouped(found: dict[tuple[str, str | None], Gain], by: int) -> dict[str | None, Gain]:
    """Add up gains by course (by=0) or by sector (by=1)."""
    out: dict[str | None, Gain] = {}
    for key, gain in found.items():
        out[key[by]] = out.get(key[by], Gain()) + gain
    return out


def total(found: dict[tuple[str, str | None], Gain]) -> Gain:
    return sum(found.values(), Gain())


@dataclass(frozen=True)
class Share:
    """Answers to the questions tagged with one indicator: how many asked, how many right."""

    asked: int = 0
    correct: int = 0
    people: int = 0

    @property
    def percent(self) -> float | None:
        return self.correct * 100.0 / self.asked if self.asked else None


def indicator_shares(community_id: int, period: Period) -> dict[tuple[str, str], Share]:
    """Return the share of right answers per (indicator, stage) for assessments taken in the period."""
    query = (
        select(
            AssessmentIndicator.indicator,
            Assessment.stage,
            func.sum(AssessmentIndicator.asked),
            func.sum(AssessmentIndicator.correct),
            func.count(func.distinct(Assessment.user_id)),
        )
        .join(Assessment, Assessment.id == AssessmentIndicator.assessment_id)
        .where(
            Assessment.community_id == community_id,
            Assessment.taken_at >= period.start,
            Assessment.taken_at < period.end,
        )
        .group_by(AssessmentIndicator.indicator, Assessment.stage)
    )
    return {
        (tag, stage): Share(int(asked or 0), int(correct or 0), int(people))
        for tag, stage, asked, correct, people in db.session.execute(query)
    }
