"""One course folder: course.md, the numbered lessons and their translations, quiz.md."""

from __future__ import annotations

import dataclasses
import hashlib
from dataclasses import dataclass
from pathlib import Path

from academy.curriculum.fields import SLUG, Fields
from academy.curriculum.files import (
    LessonFile,
    Loading,
    Parsed,
    load_lesson,
    load_quiz,
    read,
    sources,
    subroles,
)
from academy.curriculum.model import Course, Lesson, Quiz, Sector
from academy.curriculum.render import LESSON_FILE
from academy.curriculum.source import suggest

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
)
COURSE_REQUIRED = ("slug", "title", "sector", "summary", "audience", "sources")
RULES = ("lessons", "quiz", "attendance")


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


def _list_files(ld: Loading, folder: Path) -> tuple[list[tuple[str, int, str, str | None]], bool]:
    """Return the lesson files (rel, number, slug, language) and whether there is a quiz.md."""
    lessons, has_quiz = [], False
    for path in sorted(folder.iterdir(), key=lambda p: p.name):
        rel, match = f"{folder.name}/{path.name}", LESSON_FILE.match(path.name)
        if path.name.startswith(".") or path.name == "course.md":
            continue
        if path.name == "quiz.md" and path.is_file():
            has_quiz = True
        elif match and path.is_file():
            lessons.append((rel, int(match.group(1)), match.group(2), match.group(3)))
        elif path.name[:1].isdigit() and path.suffix == ".md":
            ld.report.add(
                rel,
                1,
                "a lesson file name must be a number, a hyphen, then lowercase letters, "
                "digits and hyphens, like 01-what-is-trafficking.md",
            )
        else:
            ld.report.warn(rel, 0, "ignored: not course.md, quiz.md or a numbered lesson")
    return lessons, has_quiz


def load_course(ld: Loading, folder: Path) -> CourseFile | None:
    """Load a course folder; every problem goes into ld.report."""
    name, rel = folder.name, f"{folder.name}/course.md"
    if not (folder / "course.md").is_file():
        ld.report.add(name, 0, "the course folder has no course.md")
        return None
    lesson_files, has_quiz = _list_files(ld, folder)
    parsed = read(ld, rel, allowed=COURSE_FIELDS, required=COURSE_REQUIRED)
    sector_id = parsed.fields.text("sector") if parsed else None
    sector = ld.sectors.get(sector_id or "")
    if parsed and sector_id and not sector:
        parsed.fields.error("sector", f'unknown sector "{sector_id}"{suggest(sector_id, ld.sectors)}')
    lessons = _lessons(
        ld, lesson_files, sector
    )  # even when course.md is broken, to report their problems too
    quiz = load_quiz(ld, f"{name}/quiz.md") if has_quiz else None
    if parsed is None:
        return None
    fields = parsed.fields
    prerequisites = fields.ids("prerequisites")
    course = _course(ld, parsed, name, lessons, quiz, sector)
    course = dataclasses.replace(
        course,
        sector=sector_id or "",
        prerequisites=tuple(p for p, _ in prerequisites),
        version=version(folder),
    )
    return CourseFile(course, rel, fields, prerequisites)


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
    quiz_fields = fields.mapping("quiz", allowed=("max_attempts", "cooldown_minutes"))
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
        sources=sources(ld, parsed, "course"),
        lessons=lessons,
        quiz=quiz,
        version="",
        subroles=subroles(ld, parsed, sector),
        path=ld.report.display(parsed.rel),
        languages=tuple(sorted({lang for lesson in lessons for lang in lesson.translations})),
    )


def _sub_int(fields: Fields | None, key: str, default: int) -> int:
    if fields is None:
        return default
    value = fields.integer(key, default, low=0)
    return default if value is None else value


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


def _lessons(
    ld: Loading, files: list[tuple[str, int, str, str | None]], sector: Sector | None
) -> tuple[Lesson, ...]:
    originals: dict[tuple[int, str], tuple[str, LessonFile]] = {}
    translations: list[tuple[str, int, str, str, LessonFile]] = []
    for rel, number, slug, lang in files:
        loaded = load_lesson(ld, rel, number, slug, lang, sector)
        if loaded and lang:
            translations.append((rel, number, slug, lang, loaded))
        elif loaded:
            originals[(number, slug)] = (rel, loaded)
    _check_numbers(ld, [(rel, n, s) for rel, n, s, lang in files if not lang])
    present = {(n, s) for _, n, s, lang in files if not lang}
    for rel, number, slug, lang, loaded in translations:
        original = originals.get((number, slug))
        if (number, slug) not in present:
            name = rel.rsplit("/", 1)[1].replace(f".{lang}.md", ".md")
            ld.report.add(rel, 1, f'translation of "{name}", which does not exist')
        elif original:  # an original that failed to load has its own errors
            original[1].lesson.translations[lang] = _translated(ld, rel, loaded, original[1])
    languages = {lang for _, loaded in originals.values() for lang in loaded.lesson.translations}
    for rel, loaded in originals.values():
        for lang in sorted(languages - set(loaded.lesson.translations)):
            ld.report.warn(
                rel,
                1,
                f'untranslated: no "{lang}" translation of this lesson, though the course '
                f'has "{lang}" for other lessons',
            )
    return tuple(loaded.lesson for _, loaded in sorted(originals.values(), key=lambda o: o[1].lesson.number))


def _translated(ld: Loading, rel: str, loaded: LessonFile, original: LessonFile) -> Lesson:
    current = original.body_hash
    if loaded.translated_from is None:
        ld.report.warn(
            rel,
            1,
            f"the translation has no translated_from: when it matches the original, "
            f'add translated_from: "{current}"',
        )
    elif loaded.translated_from != current:
        ld.report.warn(
            rel,
            1,
            f"outdated translation: the original changed since translated_from "
            f'"{loaded.translated_from}"; revise the translation, then change translated_from to '
            f'"{current}"',
        )
    lesson, source = loaded.lesson, original.lesson
    return dataclasses.replace(
        lesson,
        minutes=lesson.minutes or source.minutes,
        sources=lesson.sources or source.sources,
        subroles=lesson.subroles or source.subroles,
        outdated=loaded.translated_from != current,
    )


def _check_numbers(ld: Loading, files: list[tuple[str, int, str]]) -> None:
    by_number: dict[int, str] = {}
    by_slug: dict[str, str] = {}
    for rel, number, slug in files:
        name = rel.rsplit("/", 1)[1]
        if number in by_number:
            ld.report.add(rel, 1, f"duplicate lesson number {number} (also {by_number[number]})")
        if slug in by_slug:
            ld.report.add(rel, 1, f'duplicate lesson slug "{slug}" (also {by_slug[slug]})')
        by_number.setdefault(number, name)
        by_slug.setdefault(slug, name)
    folder = files[0][0].rsplit("/", 1)[0] if files else ""
    previous = 0
    for number in sorted(by_number):
        if number != previous + 1:
            ld.report.warn(
                f"{folder}/{by_number[number]}", 1, f"lesson numbers jump from {previous} to {number}"
            )
        previous = number
