"""Frozen data classes a loaded curriculum is made of. Pure: no Flask, no database."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Literal

Severity = Literal["error", "warning"]
QuestionKind = Literal["single", "multiple", "true_false"]
CompletionRule = Literal["lessons", "quiz", "attendance"]


@dataclass(frozen=True)
class Problem:
    """One thing wrong with a curriculum file, reported as `path:line: message`."""

    path: str
    line: int
    message: str
    severity: Severity = "error"

    def __str__(self) -> str:
        prefix = "warning: " if self.severity == "warning" else ""
        return f"{self.path}:{self.line}: {prefix}{self.message}"


class CurriculumError(Exception):
    """Raised when a curriculum cannot be loaded; carries every error found."""

    def __init__(self, problems: list[Problem]):
        self.problems = problems
        super().__init__("\n".join(str(p) for p in problems))


@dataclass(frozen=True)
class Source:
    title: str
    url: str | None = None


@dataclass(frozen=True)
class SubRole:
    id: str
    label: str


@dataclass(frozen=True)
class Sector:
    id: str
    label: str
    description: str
    subroles: tuple[SubRole, ...] = ()
    shared: bool = False  # the foundation: counts towards no sector's coverage


@dataclass(frozen=True)
class Resource:
    """A hotline or service from resources.yml."""

    id: str
    name: str
    jurisdiction: str  # e.g. "us", "ca", "ca-bc"
    phone: str | None
    text: str | None
    url: str | None
    hours: str | None
    languages: str | None
    description: str
    source: str
    verified_on: str  # ISO date


@dataclass(frozen=True)
class Lesson:
    slug: str  # file name without number and .md
    number: int
    title: str
    minutes: int
    html: str  # rendered once at load, safe (raw HTML off)
    words: int
    sources: tuple[Source, ...]
    resources: tuple[str, ...]  # resource ids, front matter first then inline links
    subroles: tuple[str, ...] = ()
    path: str = ""
    translations: dict[str, Lesson] = field(default_factory=dict, compare=False, hash=False)
    language: str = "en"
    outdated: bool = False  # a translation whose original changed since it was translated


@dataclass(frozen=True)
class Option:
    id: str  # stable within a course version, e.g. "q3-b"
    html: str
    correct: bool


@dataclass(frozen=True)
class Question:
    id: str  # e.g. "q3"
    kind: QuestionKind
    prompt_html: str
    options: tuple[Option, ...]
    explanation_html: str
    context_html: str = ""  # blocks between the question's heading and its options (a scenario, say)

    @property
    def correct_ids(self) -> frozenset[str]:
        return frozenset(o.id for o in self.options if o.correct)


@dataclass(frozen=True)
class Quiz:
    title: str
    questions: tuple[Question, ...]
    sources: tuple[Source, ...]
    path: str = ""
    intro_html: str = ""  # anything before the first question


@dataclass(frozen=True)
class Course:
    slug: str
    title: str
    sector: str
    summary: str
    audience: str
    intro_html: str
    minutes: int
    hours: float
    pass_mark: int  # percent
    validity_months: int | None
    prerequisites: tuple[str, ...]
    completion: tuple[CompletionRule, ...]
    max_attempts: int  # 0 = unlimited
    cooldown_minutes: int
    sources: tuple[Source, ...]
    lessons: tuple[Lesson, ...]
    quiz: Quiz | None
    version: str  # short content hash
    subroles: tuple[str, ...] = ()
    path: str = ""
    languages: tuple[str, ...] = ()  # languages other than English that some lesson is translated into

    def lesson(self, slug: str) -> Lesson | None:
        return next((lesson for lesson in self.lessons if lesson.slug == slug), None)


@dataclass(frozen=True)
class Curriculum:
    sectors: dict[str, Sector]  # in file order
    courses: dict[str, Course]  # in prerequisite-then-sector order
    resources: dict[str, Resource]
    warnings: tuple[Problem, ...] = ()

    def courses_in(self, sector_id: str) -> list[Course]:
        return [c for c in self.courses.values() if c.sector == sector_id]
