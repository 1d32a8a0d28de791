"""One course folder: course.md, the numbered lessons and their translations, quiz.md."""

from __future__ import annotations

import dataclasses
import hashlib
from dataclasses import dataclass, field
from pathlib import Path

from academy.curriculum.fields import SLUG, Fields
from academy.curriculum.files import (
    Loading,
    Parsed,
    load_quiz,
    read,
    sources,
    subroles,
    text_hash,
)
from academy.curriculum.lessons import load_lessons
from academy.curriculum.model import Course, CourseText, Lesson, Quiz, Refresher, Sector
from academy.curriculum.render import LESSON_FILE
from academy.curriculum.source import suggest
from academy.curriculum.translations import (
    COURSE_TEXT,
    TRANSLATED_FILE,
    load_course_text,
    translated_quiz,
    warn_untranslated,
)

COURSE_FIELDS = (
    "slug",
    "title",
    "sector",
    "summary",
    "audience",
    "minutes",
    "hours",
    "pass_mark",
    "validity_months",
    "prerequisites",
    "completion",
    "quiz",
    "subroles",
    "sources",
    "pretest",
    "refresher",
)
COURSE_REQUIRED = ("slug", "title", "sector", "summary", "audience", "sources")
RULES = ("lessons", "quiz", "attendance")
REFRESHER_FILE = "refresher.md"
REFRESHER_FIELDS = ("lessons", "opens_days_before")


@dataclass
class CourseFile:
    """A loaded course and what the curriculum checks across courses."""

    course: Course
    rel: str
    fields: Fields
    prerequisites: tuple[tuple[str, int], ...]


def version(folder: Path) -> str:
    """Return the first 12 hex digits of sha256 over the folder's files, by name, translations included."""
    digest = hashlib.sha256()
    for path in sorted(folder.iterdir(), key=lambda p: p.name):
        if path.is_file() and not path.name.startswith("."):
            digest.update(path.name.encode() + b"\0")
            digest.update(path.read_bytes() + b"\0")
    return digest.hexdigest()[:12]


@dataclass
class Listing:
    """The files of a course folder: lessons (rel, number, slug, language), quiz.md, and translations."""

    lessons: list[tuple[str, int, str, str | None]] = field(default_factory=list)
    has_quiz: bool = False
    has_refresher: bool = False  # refresher.md: the refresher's own quiz
    texts: dict[str, str] = field(default_factory=dict)  # language: course.<language>.md
    quizzes: dict[str, str] = field(default_factory=dict)  # language: quiz.<language>.md


def _list_files(ld: Loading, folder: Path) -> Listing:
    """Sort the folder's files into lessons, the quiz and translations; report the rest."""
    found = Listing()
    for path in sorted(folder.iterdir(), key=lambda p: p.name):
        rel, match = f"{folder.name}/{path.name}", LESSON_FILE.match(path.name)
        translated = TRANSLATED_FILE.match(path.name)
        if path.name.startswith(".") or path.name == "course.md":
            continue
        if path.name == "quiz.md" and path.is_file():
            found.has_quiz = True
        elif path.name == REFRESHER_FILE and path.is_file():
            found.has_refresher = True
        elif translated and path.is_file():
            target = found.texts if translated.group(1) == "course" else found.quizzes
            target[translated.group(2)] = rel
        elif match and path.is_file():
            found.lessons.append((rel, int(match.group(1)), match.group(2), match.group(3)))
        elif path.name[:1].isdigit() and path.suffix == ".md":
            ld.report.add(
                rel,
                1,
                "a lesson file name must be a number, a hyphen, then lowercase letters, "
                "digits and hyphens, like 01-what-is-trafficking.md",
            )
        else:
            ld.report.warn(rel, 0, "ignored: not course.md, quiz.md or a numbered lesson")
    return found


def load_course(ld: Loading, folder: Path) -> CourseFile | None:
    """Load a course folder; every problem goes into ld.report."""
    name, rel = folder.name, f"{folder.name}/course.md"
    if not (folder / "course.md").is_file():
        ld.report.add(name, 0, "the course folder has no course.md")
        return None
    listing = _list_files(ld, folder)
    parsed = read(ld, rel, allowed=COURSE_FIELDS, required=COURSE_REQUIRED)
    sector_id = parsed.fields.text("sector") if parsed else None
    sector = ld.sectors.get(sector_id or "")
    if parsed and sector_id and not sector:
        parsed.fields.error("sector", f'unknown sector "{sector_id}"{suggest(sector_id, ld.sectors)}')
    lessons = load_lessons(ld, listing.lessons, sector)  # even when course.md is broken, to report their problems
    quiz = _quiz(ld, name, listing)
    texts = _texts(ld, parsed, listing)
    if not listing.has_quiz:
        for translation in sorted(listing.quizzes.values()):
            ld.report.add(translation, 1, 'translation of "quiz.md", which does not exist')
    if parsed is None:
        return None
    languages = {lang for lesson in lessons for lang in lesson.translations} | set(listing.texts)
    languages |= set(listing.quizzes) if listing.has_quiz else set()
    _warn_untranslated(ld, name, lessons, quiz, listing, languages)
    fields = parsed.fields
    prerequisites = fields.ids("prerequisites")
    course = _course(ld, parsed, name, lessons, quiz, sector)
    course = dataclasses.replace(
        course,
        refresher=_refresher(ld, fields, name, lessons, listing),
        sector=sector_id or "",
        prerequisites=tuple(p for p, _ in prerequisites),
        version=version(folder),
        languages=tuple(sorted(languages)),
        translations=texts,
    )
    return CourseFile(course, rel, fields, prerequisites)


def _quiz(ld: Loading, name: str, listing: Listing) -> Quiz | None:
    """Load quiz.md and its translations, each checked against it."""
    if not listing.has_quiz:
        return None
    original = load_quiz(ld, f"{name}/quiz.md")
    for lang, rel in sorted(listing.quizzes.items()):
        loaded = load_quiz(ld, rel, lang)
        if original and loaded:
            quiz = translated_quiz(ld, rel, original, loaded)
            if quiz is not None:
                original.quiz.translations[lang] = quiz
    return original.quiz if original else None


def _refresher(ld: Loading, fields, name: str, lessons: tuple[Lesson, ...], listing: Listing) -> Refresher | None:
    """Read `refresher:` (lesson slugs, opens_days_before) and load refresher.md, its own quiz."""
    sub = fields.mapping("refresher", allowed=REFRESHER_FIELDS)
    if sub is None:
        if listing.has_refresher:
            ld.report.add(f"{name}/{REFRESHER_FILE}", 1,
                          "refresher.md is the quiz of a refresher: declare `refresher:` in course.md")
        return None
    known = [lesson.slug for lesson in lessons]
    chosen = []
    for slug, line in sub.items("lessons"):
        if slug in known:
            chosen.append(slug)
        else:
            ld.report.add(fields.rel, line, f'refresher lesson "{slug}" is not a lesson of this course'
                          f"{suggest(str(slug), known)}")
    if not chosen:
        fields.error("refresher", "the refresher lists no lessons: name some of the course's lessons")
    if not listing.has_refresher:
        fields.error("refresher", "the refresher needs its own quiz in refresher.md")
        return None
    loaded = load_quiz(ld, f"{name}/{REFRESHER_FILE}")
    if loaded is None or not chosen:
        return None
    days = _sub_int(sub, "opens_days_before", 60)
    return Refresher(lessons=tuple(s for s in known if s in chosen), quiz=loaded.quiz, opens_days_before=days)


def _texts(ld: Loading, parsed: Parsed | None, listing: Listing) -> dict[str, CourseText]:
    """Load course.<language>.md files: the course's words in other languages."""
    texts: dict[str, CourseText] = {}
    if parsed is None:  # course.md's own errors come first; its translations are checked once it loads
        return texts
    current = text_hash(parsed.doc, COURSE_TEXT)
    for lang, rel in sorted(listing.texts.items()):
        text = load_course_text(ld, rel, lang, current, parsed.doc.body)
        if text is not None:
            texts[lang] = text
    return texts


def _warn_untranslated(
    ld: Loading,
    name: str,
    lessons: tuple[Lesson, ...],
    quiz: Quiz | None,
    listing: Listing,
    languages: set[str],
) -> None:
    """Warn about every file of the course not translated into a language some other file is in."""
    warn_untranslated(ld, f"{name}/course.md", "course introduction", languages, set(listing.texts))
    for lesson in lessons:
        rel = f"{name}/{lesson.path.rsplit('/', 1)[-1]}"
        warn_untranslated(ld, rel, "lesson", languages, set(lesson.translations))
    if quiz is not None:
        warn_untranslated(ld, f"{name}/quiz.md", "quiz", languages, set(listing.quizzes))


def _course(
    ld: Loading,
    parsed: Parsed,
    name: str,
    lessons: tuple[Lesson, ...],
    quiz: Quiz | None,
    sector: Sector | None,
) -> Course:
    """Build the course from course.md's fields; sector, prerequisites and version are filled in after."""
    fields = parsed.fields
    slug = fields.text("slug")
    if slug and not SLUG.match(slug):
        fields.error("slug", f'slug "{slug}" must use only lowercase letters, digits and hyphens')
    elif slug and slug != name:
        fields.error("slug", f'slug "{slug}" must equal the folder name "{name}"')
    completion = _completion(fields, lessons, quiz)
    minutes = fields.integer("minutes", low=1) or sum(lesson.minutes for lesson in lessons)
    hours = fields.number("hours") or max(round(minutes / 60 * 4) / 4, 0.25)
    quiz_fields = fields.mapping("quiz", allowed=("max_attempts", "cooldown_minutes", "questions_per_attempt"))
    return Course(
        slug=slug or name,
        title=fields.text("title") or "",
        sector="",
        summary=fields.text("summary") or "",
        audience=fields.text("audience") or "",
        intro_html=parsed.html(),
        minutes=minutes,
        hours=hours,
        pass_mark=fields.integer("pass_mark", 80, low=1, high=100) or 80,
        validity_months=fields.integer("validity_months", low=1),
        prerequisites=(),
        completion=completion,
        max_attempts=_sub_int(quiz_fields, "max_attempts", 3),
        cooldown_minutes=_sub_int(quiz_fields, "cooldown_minutes", 0),
        questions_per_attempt=_questions_per_attempt(quiz_fields, quiz),
        sources=sources(ld, parsed, "course"),
        lessons=lessons,
        quiz=quiz,
        version="",
        subroles=subroles(ld, parsed, sector),
        path=ld.report.display(parsed.rel),
        pretest=_pretest(fields, quiz),
    )


def _pretest(fields: Fields, quiz: Quiz | None) -> tuple[str, ...]:
    """Read `pretest: 5` (a draw of five quiz questions) or `pretest: [1, 4, 9]` (these quiz questions).

    A draw takes the questions carrying an indicator first, then others spread evenly through the quiz, so
    every learner sees the same pre-test and the report can compare it with the quiz.
    """
    if "pretest" not in fields.data:
        return ()
    value = fields.data["pretest"]
    if quiz is None or not quiz.questions:
        fields.error("pretest", "a pre-test is drawn from the quiz, and the course has no quiz.md")
        return ()
    questions = quiz.questions
    if isinstance(value, int) and not isinstance(value, bool):
        if not 1 <= value <= len(questions):
            fields.error("pretest", f"pretest: draw from 1 to {len(questions)} questions (the quiz has that many)")
            return ()
        tagged = [q.id for q in questions if q.indicators]
        rest = [q.id for q in questions if not q.indicators]
        step = len(rest) / max(value - len(tagged), 1)
        spread = [rest[int(i * step)] for i in range(max(value - len(tagged), 0)) if int(i * step) < len(rest)]
        chosen = set(tagged[:value] + spread)
        return tuple(q.id for q in questions if q.id in chosen)
    if isinstance(value, list) and value and all(isinstance(n, int) and not isinstance(n, bool) for n in value):
        wrong = [n for n in value if not 1 <= n <= len(questions)]
        if wrong:
            fields.error("pretest", f"pretest: the quiz has questions 1 to {len(questions)}, not {wrong[0]}")
            return ()
        return tuple(questions[n - 1].id for n in sorted(set(value)))
    fields.error("pretest", "pretest: give a number of quiz questions to draw (pretest: 5) or their numbers ([1, 4])")
    return ()


def _sub_int(fields: Fields | None, key: str, default: int) -> int:
    if fields is None:
        return default
    value = fields.integer(key, default, low=0)
    return default if value is None else value


def _questions_per_attempt(fields: Fields | None, quiz: Quiz | None) -> int:
    """Read quiz.questions_per_attempt: a draw from the pool, never more questions than the quiz has."""
    count = _sub_int(fields, "questions_per_attempt", 0)
    if count and quiz is not None and count > len(quiz.questions):
        fields.error("questions_per_attempt", f"questions_per_attempt is {count} but the quiz has only "
                                              f"{len(quiz.questions)} questions")
        return 0
    return count


def _completion(fields: Fields, lessons: tuple[Lesson, ...], quiz: Quiz | None) -> tuple:
    items = (
        fields.items("completion")
        if "completion" in fields.data
        else [(r, fields.data.line) for r in ("lessons", "quiz")]
    )
    rules = []
    for rule, line in items:
        if rule in RULES:
            rules.append(rule)
        else:
            fields.report.add(
                fields.rel,
                line,
                f'unknown completion rule "{rule}"{suggest(rule, RULES)}: use lessons, quiz or attendance',
            )
    line = fields.line("completion")
    if "completion" in fields.data and isinstance(fields.data["completion"], list) and not items:
        fields.error("completion", "completion is empty: list lessons, quiz or attendance")
    if "quiz" in rules and quiz is None:
        fields.report.add(fields.rel, line, 'completion includes "quiz" but the course has no quiz.md')
    if "lessons" in rules and not lessons:
        fields.report.add(fields.rel, line, 'completion includes "lessons" but the course has no lessons')
    return tuple(dict.fromkeys(rules))
