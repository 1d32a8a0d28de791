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
    translations: dict[str, Sector] = field(default_factory=dict, compare=False, hash=False)
    language: str = "en"

    def in_language(self, language: str) -> Sector:
        """Return the sector with its labels in that language (from sectors.<language>.yml), else English."""
        return self.translations.get(language, self)

    def subrole_label(self, subrole_id: str) -> str:
        return next((r.label for r in self.subroles if r.id == subrole_id), subrole_id)


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
    translations: dict[str, Resource] = field(default_factory=dict, compare=False, hash=False)
    language: str = "en"

    def in_language(self, language: str) -> Resource:
        """Return the entry with its words in that language (from resources.<language>.yml), else English."""
        return self.translations.get(language, self)


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
    # What a reader may want to know before reading, e.g. "describes sexual violence against children".
    content_note: str = ""

    def in_language(self, language: str) -> Lesson:
        return self.translations.get(language, self)


@dataclass(frozen=True)
class Option:
    id: str  # stable within a course version, e.g. "q3-b"
    html: str
    correct: bool
    line: int = field(default=0, compare=False)  # in the quiz file, for problems


@dataclass(frozen=True)
class Question:
    id: str  # e.g. "q3"
    kind: QuestionKind
    prompt_html: str
    options: tuple[Option, ...]
    explanation_html: str
    context_html: str = ""  # blocks between the question's heading and its options (a scenario, say)
    line: int = field(default=0, compare=False)  # of the heading in the quiz file, for problems
    # tags from curricula/indicators.yml ("knows-hotline"): what a right answer is evidence of, for reports
    indicators: tuple[str, ...] = ()

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
    # Translations have the same questions and options, with the same ids, so grading never needs them.
    translations: dict[str, Quiz] = field(default_factory=dict, compare=False, hash=False)
    language: str = "en"
    outdated: bool = False  # a translation whose original changed since it was translated

    def in_language(self, language: str) -> Quiz:
        return self.translations.get(language, self)

    def question(self, question_id: str) -> Question | None:
        return next((q for q in self.questions if q.id == question_id), None)


@dataclass(frozen=True)
class CourseText:
    """The words of course.md in one language: what the catalogue and the course page show."""

    language: str
    title: str
    summary: str
    audience: str
    intro_html: str
    path: str = ""
    outdated: bool = False  # a translation whose original changed since it was translated


@dataclass(frozen=True)
class Refresher:
    """A shorter way to renew a certificate: some of the course's lessons and its own quiz (refresher.md)."""

    lessons: tuple[str, ...]  # lesson slugs of the course, in course order
    quiz: Quiz
    opens_days_before: int = 60  # the holder is offered it this many days before expiry, and after


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
    # How many of the quiz's questions one attempt asks (0: all). Fewer than the pool, and a retake draws
    # a different set where it can.
    questions_per_attempt: int = 0
    path: str = ""
    languages: tuple[str, ...] = ()  # languages other than English that some file of the course is in
    # course.<language>.md; certificates always print the English title, so only pages use these.
    translations: dict[str, CourseText] = field(default_factory=dict, compare=False, hash=False)
    pretest: tuple[str, ...] = ()  # quiz question ids asked before the first lesson, never graded
    refresher: Refresher | None = None  # front matter `refresher:` with refresher.md

    def lesson(self, slug: str) -> Lesson | None:
        return next((lesson for lesson in self.lessons if lesson.slug == slug), None)

    def text(self, language: str) -> CourseText:
        """Return the course's title, summary, audience and introduction in that language, else English."""
        found = self.translations.get(language)
        if found is not None:
            return found
        return CourseText("en", self.title, self.summary, self.audience, self.intro_html, self.path)


@dataclass(frozen=True)
class Curriculum:
    sectors: dict[str, Sector]  # in file order
    courses: dict[str, Course]  # in prerequisite-then-sector order
    resources: dict[str, Resource]
    warnings: tuple[Problem, ...] = ()

    def courses_in(self, sector_id: str) -> list[Course]:
        return [c for c in self.courses.values() if c.sector == sector_id]
