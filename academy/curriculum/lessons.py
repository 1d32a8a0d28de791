"""A course's numbered lessons and their translations (01-what-is-trafficking.es.md)."""

from __future__ import annotations

import dataclasses

from academy.curriculum.files import LessonFile, Loading, load_lesson
from academy.curriculum.model import Lesson, Sector
from academy.curriculum.translations import check_translated_from


def load_lessons(
    ld: Loading, files: list[tuple[str, int, str, str | None]], sector: Sector | None
) -> tuple[Lesson, ...]:
    """Load the lessons in number order, each with its translations; files are (rel, number, slug, language)."""
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
    return tuple(loaded.lesson for _, loaded in sorted(originals.values(), key=lambda o: o[1].lesson.number))


def _translated(ld: Loading, rel: str, loaded: LessonFile, original: LessonFile) -> Lesson:
    outdated = check_translated_from(ld, rel, loaded.translated_from, original.body_hash)
    lesson, source = loaded.lesson, original.lesson
    return dataclasses.replace(
        lesson,
        minutes=lesson.minutes or source.minutes,
        sources=lesson.sources or source.sources,
        resources=lesson.resources or source.resources,
        subroles=lesson.subroles or source.subroles,
        content_note=lesson.content_note or source.content_note,
        outdated=outdated,
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
            ld.report.warn(f"{folder}/{by_number[number]}", 1, f"lesson numbers jump from {previous} to {number}")
        previous = number
