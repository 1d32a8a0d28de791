"""Load a curricula folder into a Curriculum, or report every problem in it."""

from __future__ import annotations

import logging
from pathlib import Path

from academy.curriculum import checks
from academy.curriculum.course import CourseFile, load_course
from academy.curriculum.files import Loading
from academy.curriculum.model import Curriculum, CurriculumError, Problem
from academy.curriculum.registry import load_indicators, load_resources, load_sectors, load_terms
from academy.curriculum.source import Report, suggest
from academy.curriculum.translated_lists import (
    load_resource_translations,
    load_sector_translations,
    warn_untranslated_resources,
)

log = logging.getLogger(__name__)

WORD_BOUNDS = (500, 1200)


def load_curriculum(
    path: str | Path, *, content_checks: bool = True, word_bounds: tuple[int, int] | None = WORD_BOUNDS
) -> Curriculum:
    """Load and render a curricula folder; raise CurriculumError listing every error if there is any."""
    curriculum, report = _load(path, content_checks, word_bounds)
    errors = sort_problems(report.errors)
    if errors or curriculum is None:
        raise CurriculumError(errors or [Problem(report.root, 0, "the curriculum could not be loaded")])
    return curriculum


def check_curriculum(
    path: str | Path, *, content_checks: bool = True, word_bounds: tuple[int, int] | None = WORD_BOUNDS
) -> list[Problem]:
    """Return every error and warning in a curricula folder, sorted by path and line."""
    return sort_problems(_load(path, content_checks, word_bounds)[1].problems)


def sort_problems(problems: list[Problem]) -> list[Problem]:
    return sorted(problems, key=lambda p: (p.path, p.line))


def _load(
    path: str | Path, content_checks: bool, word_bounds: tuple[int, int] | None
) -> tuple[Curriculum | None, Report]:
    report = Report(Path(path).as_posix())
    try:
        return _load_folder(Path(path), report, content_checks, word_bounds), report
    except Exception as exc:  # any file content must end as a Problem, never as a crash
        log.exception("unexpected error loading curricula at %s", path)
        report.add("", 0, f"internal error while loading: {exc!r}")
        return None, report


def _load_folder(
    root: Path, report: Report, content_checks: bool, word_bounds: tuple[int, int] | None
) -> Curriculum | None:
    if not root.is_dir():
        report.add("", 0, "no such curricula folder")
        return None
    declared: set[str] = set()
    sectors, resources = load_sectors(root, report), load_resources(root, report, declared)
    load_sector_translations(root, report, sectors)
    load_resource_translations(root, report, resources)
    ld = Loading(
        root,
        report,
        sectors,
        resources,
        load_terms(root, report),
        content_checks=content_checks,
        word_bounds=word_bounds,
        declared=declared,
        indicators=load_indicators(root, report),
    )
    ld.phones = checks.phone_index(ld.resources)
    loaded: list[CourseFile] = []
    for folder in sorted(root.iterdir(), key=lambda p: p.name):
        if not folder.is_dir() or folder.name.startswith((".", "_")):
            continue
        try:
            course = load_course(ld, folder)
        except Exception as exc:  # an unreadable folder must not hide the problems of the others
            log.exception("unexpected error loading course folder %s", folder)
            report.add(folder.name, 0, f"internal error while loading this course: {exc!r}")
            continue
        if course:
            loaded.append(course)
    _check_links(ld)
    warn_untranslated_resources(report, ld.resources, _translated_links(report, loaded))
    courses = _check_courses(ld, loaded)
    if not courses:
        report.warn("", 0, "no courses: add a folder with a course.md")
    return Curriculum(ld.sectors, courses, ld.resources, tuple(sort_problems(report.warnings)))


def _translated_links(report: Report, loaded: list[CourseFile]) -> dict[tuple[str, str], str]:
    """Map (resource id, language) to the first translated lesson that links the resource."""
    linked: dict[tuple[str, str], str] = {}
    skip = len(report.display("")) + 1
    for item in loaded:
        for lesson in item.course.lessons:
            for lang, translation in sorted(lesson.translations.items()):
                for ident in translation.resources:
                    linked.setdefault((ident, lang), translation.path[skip:])
    return linked


def _check_links(ld: Loading) -> None:
    """Report links to lesson files or headings that do not exist."""
    for rel, found in ld.rendered.items():
        for link in found.links:
            if link.kind != "file":
                continue
            target = link.target or rel
            folder, _, name = target.rpartition("/")
            if not (ld.root / target).is_file():
                siblings = [p.name for p in (ld.root / folder).glob("*.md")] if (ld.root / folder).is_dir() else []
                ld.report.add(rel, link.line, f'broken link "{link.href}": no such file{suggest(name, siblings, 0.8)}')
            elif link.anchor and target in ld.rendered and link.anchor not in ld.rendered[target].anchors:
                anchors = ld.rendered[target].anchors
                ld.report.add(
                    rel,
                    link.line,
                    f'broken link "{link.href}": no heading "#{link.anchor}" in {name}{suggest(link.anchor, anchors)}',
                )


def _check_courses(ld: Loading, loaded: list[CourseFile]) -> dict:
    """Check slugs and prerequisites across courses; return the courses, prerequisites first."""
    by_slug: dict[str, CourseFile] = {}
    for item in loaded:
        slug = item.course.slug
        if slug in by_slug:
            item.fields.error("slug", f'duplicate course slug "{slug}" (also in {by_slug[slug].course.path})')
        else:
            by_slug[slug] = item
    graph = {slug: [p for p, _ in item.prerequisites] for slug, item in by_slug.items()}
    folders = {p.name for p in ld.root.iterdir() if p.is_dir()}  # a course that failed has its own errors
    for item in loaded:
        for prerequisite, line in item.prerequisites:
            if prerequisite not in by_slug and prerequisite not in folders:
                ld.report.add(item.rel, line, f'unknown prerequisite "{prerequisite}"{suggest(prerequisite, by_slug)}')
    for cycle in checks.find_cycles(graph):
        first = by_slug[cycle[0]]
        first.fields.error("prerequisites", f"prerequisite cycle: {' -> '.join(cycle)}")
    sector_ids = list(ld.sectors)

    def key(slug: str) -> tuple:
        sector = ld.sectors.get(by_slug[slug].course.sector)
        index = sector_ids.index(sector.id) if sector else len(sector_ids)
        return (not (sector and sector.shared), index, slug)

    return {slug: by_slug[slug].course for slug in checks.prerequisite_order(graph, key)}
