"""One curriculum Markdown file at a time: course.md, a lesson or its translation, quiz.md."""

from __future__ import annotations

import hashlib
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from academy.curriculum import checks
from academy.curriculum.fields import Fields
from academy.curriculum.model import Lesson, Quiz, Resource, Sector, Source
from academy.curriculum.quiz import parse_quiz
from academy.curriculum.registry import Term
from academy.curriculum.render import (
    CALLOUTS,
    Collected,
    Link,
    RenderContext,
    collected,
    parse,
    render_tokens,
)
from academy.curriculum.source import Document, Report, read_text, split_front_matter, suggest

LESSON_FIELDS = ("title", "minutes", "sources", "resources", "subroles")
TRANSLATION_FIELDS = (*LESSON_FIELDS, "translated_from")


@dataclass
class Loading:
    """What every file of one load needs, and what each file's rendering found (for cross-file links)."""

    root: Path
    report: Report
    sectors: dict[str, Sector]
    resources: dict[str, Resource]
    terms: list[Term]
    content_checks: bool = True
    word_bounds: tuple[int, int] | None = (500, 1200)
    phones: Mapping[str, Resource] = field(default_factory=dict)
    declared: set[str] = field(default_factory=set)  # resource ids, valid or not: links to them are not unknown
    rendered: dict[str, Collected] = field(default_factory=dict)
    indicators: Mapping[str, str] | None = None  # indicators.yml: the tags quiz questions may carry


@dataclass
class Parsed:
    """A file's front matter and its parsed body."""

    rel: str
    doc: Document
    fields: Fields
    tokens: list[Any]
    env: dict[str, Any]

    @property
    def found(self) -> Collected:
        return collected(self.env)

    def html(self) -> str:
        return render_tokens(self.tokens, self.env)


def body_hash(body: str) -> str:
    """Return the 12-hex hash of a body that a translation's translated_from records."""
    return hashlib.sha256(body.strip().encode()).hexdigest()[:12]


def text_hash(doc: Document, fields: tuple[str, ...]) -> str:
    """Return the hash a translation records for a file whose front matter holds translated words too."""
    words = [doc.meta.get(key) for key in fields]
    parts = [word.strip() if isinstance(word, str) else "" for word in words]
    return body_hash("\n\n".join([*parts, doc.body.strip()]))


def read(
    ld: Loading, rel: str, *, allowed: tuple[str, ...], required: tuple[str, ...], language: str = "en"
) -> Parsed | None:
    """Read, split, validate the fields of and parse one Markdown file."""
    text = read_text(ld.root / rel, rel, ld.report)
    doc = split_front_matter(text, rel, ld.report) if text is not None else None
    if doc is None:
        return None
    fields = Fields(doc.meta, rel, ld.report, allowed=allowed, required=required)
    folder = rel.rsplit("/", 1)[0]
    tokens, env = parse(doc.body, RenderContext(folder, ld.resources, doc.body_line, language))
    parsed = Parsed(rel, doc, fields, tokens, env)
    ld.rendered[rel] = parsed.found
    _check_body(ld, parsed)
    return parsed


def _check_body(ld: Loading, parsed: Parsed) -> None:
    rel, report = parsed.rel, ld.report
    for line, marker in parsed.found.stray_callouts:
        kind = marker.strip(": ").split(" ")[0]
        if kind:
            kinds = ", ".join(CALLOUTS)
            report.add(rel, line, f'unknown callout kind "{kind}"{suggest(kind, CALLOUTS)}: use one of {kinds}')
        else:
            report.add(rel, line, '":::" closes no callout box: open one with "::: note" (or another kind)')
    for link in parsed.found.links:
        problem = _link_problem(ld, link)
        if problem:
            report.add(rel, link.line, problem)
    if ld.content_checks:
        lines = list(checks.text_lines(parsed.doc.body, parsed.doc.body_line))
        title = parsed.doc.meta.get("title")
        if isinstance(title, str):
            lines.append((parsed.fields.line("title"), title, False))
        checks.check_phones(lines, rel, ld.phones, report)
        checks.check_terms(lines, rel, ld.terms, report)


def _link_problem(ld: Loading, link: Link) -> str | None:
    """Describe what is wrong with a link that can be judged from this file alone."""
    if link.kind == "resource" and link.target not in ld.declared:
        return f'unknown resource "{link.target}"{suggest(link.target, ld.resources)}'
    if link.kind == "scheme":
        if link.href.lower().startswith(("tel:", "sms:")):
            return f'link "{link.href}" is not allowed: link the resource instead: [name](resource:ID)'
        return f'link "{link.href}" is not allowed: link web pages (https://), lessons and resources only'
    if link.kind == "unsupported":
        return f'link "{link.href}" cannot be opened: link to course.md, quiz.md or a lesson file'
    if link.kind == "outside":
        return f'link "{link.href}" points outside the curricula folder'
    return None


def sources(ld: Loading, parsed: Parsed, what: str) -> tuple[Source, ...]:
    result = parsed.fields.sources()
    if ld.content_checks and not result and "sources" in parsed.doc.meta:
        parsed.fields.error("sources", f"no sources: list at least one source for the facts in this {what}")
    return result


def resource_ids(ld: Loading, parsed: Parsed) -> tuple[str, ...]:
    """Return the front matter's resources, then those linked in the body, each once."""
    ids = []
    for ident, line in parsed.fields.ids("resources"):
        if ident not in ld.declared:
            ld.report.add(parsed.rel, line, f'unknown resource "{ident}"{suggest(ident, ld.resources)}')
        ids.append(ident)
    ids.extend(link.target for link in parsed.found.links if link.kind == "resource")
    return tuple(dict.fromkeys(ids))


def subroles(ld: Loading, parsed: Parsed, sector: Sector | None) -> tuple[str, ...]:
    known = [s.id for s in sector.subroles] if sector else []
    result = []
    for ident, line in parsed.fields.ids("subroles"):
        if sector and ident not in known:
            ld.report.add(
                parsed.rel, line, f'unknown sub-role "{ident}" of sector "{sector.id}"{suggest(ident, known)}'
            )
        result.append(ident)
    return tuple(result)


@dataclass
class LessonFile:
    """A loaded lesson or translation, with what the course needs to check it against the others."""

    lesson: Lesson
    body_hash: str
    translated_from: str | None = None


def load_lesson(
    ld: Loading, rel: str, number: int, slug: str, lang: str | None, sector: Sector | None
) -> LessonFile | None:
    """Load a lesson (lang None) or a translation (lang "es"), not yet checked against its original."""
    required = ("title",) if lang else ("title", "minutes", "sources")
    allowed = TRANSLATION_FIELDS if lang else LESSON_FIELDS
    parsed = read(ld, rel, allowed=allowed, required=required, language=lang or "en")
    if parsed is None:
        return None
    fields = parsed.fields
    if not parsed.doc.body.strip():
        ld.report.add(rel, parsed.doc.body_line - 1, "the lesson is empty: write it below the front matter")
    translated_from = fields.text("translated_from") if lang else None
    lesson = Lesson(
        slug=slug,
        number=number,
        title=fields.text("title") or "",
        minutes=fields.integer("minutes", low=1) or 0,
        html=parsed.html(),
        words=parsed.found.words,
        sources=sources(ld, parsed, "lesson") if "sources" in parsed.doc.meta or not lang else (),
        resources=resource_ids(ld, parsed),
        subroles=subroles(ld, parsed, sector),
        path=ld.report.display(rel),
        language=lang or "en",
    )
    if not lang and ld.content_checks:
        checks.check_words(lesson.words, ld.word_bounds, rel, ld.report)
    return LessonFile(lesson, body_hash(parsed.doc.body), translated_from)


@dataclass
class QuizFile:
    """A loaded quiz or translation, with what its translations are checked against."""

    quiz: Quiz
    text_hash: str
    body_line: int
    complete: bool  # every question was read: none was left out for a problem
    translated_from: str | None = None


QUIZ_FIELDS = ("title", "sources")


def load_quiz(ld: Loading, rel: str, lang: str | None = None) -> QuizFile | None:
    """Load quiz.md, or a translation (lang "es") not yet checked against the original."""
    allowed = (*QUIZ_FIELDS, "translated_from") if lang else QUIZ_FIELDS
    required = ("title",) if lang else QUIZ_FIELDS
    parsed = read(ld, rel, allowed=allowed, required=required, language=lang or "en")
    if parsed is None:
        return None
    errors = len(ld.report.errors)
    parts = parse_quiz(
        parsed.tokens, parsed.env, rel, parsed.doc.body_line, ld.report, lang or "en", ld.indicators
    )
    complete = len(ld.report.errors) == errors
    resource_ids(ld, parsed)
    quiz = Quiz(
        title=parsed.fields.text("title") or "",
        questions=parts.questions,
        sources=sources(ld, parsed, "quiz") if "sources" in parsed.doc.meta or not lang else (),
        path=ld.report.display(rel),
        intro_html=parts.intro_html,
        language=lang or "en",
    )
    translated_from = parsed.fields.text("translated_from") if lang else None
    return QuizFile(quiz, text_hash(parsed.doc, ("title",)), parsed.doc.body_line, complete, translated_from)
