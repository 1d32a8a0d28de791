"""Translations of course.md and quiz.md (course.es.md, quiz.es.md), checked against their originals.

A translated quiz must have the English quiz's questions, in the same order, of the same kinds, with as many
options and the same ones marked right, so attempts keep using the English option ids (q3-b) whatever the
language they were shown in.
"""

from __future__ import annotations

import dataclasses
import re

from academy.curriculum.files import Loading, QuizFile, read
from academy.curriculum.model import CourseText, Question, Quiz
from academy.curriculum.quiz import SELECT_ALL, TRUE_FALSE

# course.es.md, quiz.fr.md: the same language tags as lesson translations
TRANSLATED_FILE = re.compile(r"^(course|quiz)\.([a-z]{2,3}(?:-[A-Za-z0-9]{2,8})?)\.md$")
COURSE_TEXT = ("title", "summary", "audience")
KIND_NAMES = {"single": "single choice", "multiple": "multiple choice", "true_false": "true/false"}


def check_translated_from(ld: Loading, rel: str, translated_from: str | None, current: str) -> bool:
    """Warn when a translation does not say, or no longer matches, what it translates; return outdated."""
    if translated_from is None:
        ld.report.warn(
            rel,
            1,
            f'the translation has no translated_from: when it matches the original, add translated_from: "{current}"',
        )
    elif translated_from != current:
        ld.report.warn(
            rel,
            1,
            f"outdated translation: the original changed since translated_from "
            f'"{translated_from}"; revise the translation, then change translated_from to '
            f'"{current}"',
        )
    return translated_from != current


def load_course_text(ld: Loading, rel: str, lang: str, current: str, english_intro: str) -> CourseText | None:
    """Load course.<lang>.md: the title, summary, audience and introduction in that language."""
    parsed = read(ld, rel, allowed=(*COURSE_TEXT, "translated_from"), required=COURSE_TEXT, language=lang)
    if parsed is None:
        return None
    fields = parsed.fields
    if english_intro.strip() and not parsed.doc.body.strip():
        ld.report.add(
            rel,
            parsed.doc.body_line - 1,
            "the introduction is missing: translate course.md's introduction below the front matter",
        )
    outdated = check_translated_from(ld, rel, fields.text("translated_from"), current)
    return CourseText(
        language=lang,
        title=fields.text("title") or "",
        summary=fields.text("summary") or "",
        audience=fields.text("audience") or "",
        intro_html=parsed.html(),
        path=ld.report.display(rel),
        outdated=outdated,
    )


def translated_quiz(ld: Loading, rel: str, original: QuizFile, translation: QuizFile) -> Quiz | None:
    """Check a quiz translation against the English quiz; return it ready to show, or None on a mismatch."""
    quiz, source = translation.quiz, original.quiz
    outdated = check_translated_from(ld, rel, translation.translated_from, original.text_hash)
    if not (original.complete and translation.complete):
        return None  # a question left out for its own problem would shift every one after it
    errors = len(ld.report.errors)
    _compare(ld, rel, source, translation)
    if len(ld.report.errors) != errors:
        return None
    known = quiz.language in SELECT_ALL and quiz.language in TRUE_FALSE
    questions = tuple(  # kinds (when the language's wording is unknown) and indicators come from the English
        dataclasses.replace(q, kind=q.kind if known else english.kind, indicators=english.indicators)
        for q, english in zip(quiz.questions, source.questions, strict=True)
    )
    return dataclasses.replace(quiz, questions=questions, sources=quiz.sources or source.sources, outdated=outdated)


def _compare(ld: Loading, rel: str, source: Quiz, translation: QuizFile) -> None:
    quiz, english = translation.quiz, source.path.rsplit("/", 1)[-1]
    count, wanted = len(quiz.questions), len(source.questions)
    if count != wanted:  # comparing question by question would blame every question after the gap
        extra = quiz.questions[wanted].line if count > wanted else translation.body_line
        ld.report.add(
            rel,
            extra,
            f"the translation has {count} question(s) and {english} has {wanted}: translate every question, "
            f"in the same order",
        )
        return
    known = quiz.language in SELECT_ALL and quiz.language in TRUE_FALSE
    for number, (mine, theirs) in enumerate(zip(quiz.questions, source.questions, strict=False), 1):
        _compare_question(ld, rel, number, mine, theirs, english, check_kind=known)


def _compare_question(
    ld: Loading, rel: str, number: int, mine: Question, theirs: Question, english: str, *, check_kind: bool
) -> None:
    where = f"question {number} ({english} line {theirs.line})"
    if mine.indicators and set(mine.indicators) != set(theirs.indicators):
        ld.report.add(
            rel,
            mine.line,
            f"{where} has indicators {', '.join(mine.indicators)} here but "
            f"{', '.join(theirs.indicators) or 'none'} in {english}: leave them out, translations take the original's",
        )
    if len(mine.options) != len(theirs.options):
        ld.report.add(
            rel,
            mine.line,
            f"{where} has {len(theirs.options)} options in {english} but {len(mine.options)} here: "
            f"translate each option, in the same order",
        )
        return
    mismatched = False
    for letter, (option, original) in enumerate(zip(mine.options, theirs.options, strict=True)):
        if option.correct != original.correct:
            mismatched = True
            marked = "right [x]" if original.correct else "wrong [ ]"
            ld.report.add(
                rel,
                option.line,
                f"option {chr(ord('a') + letter)} of {where} is marked {marked} in {english}: "
                f"mark the same options right as the original",
            )
    if check_kind and not mismatched and mine.kind != theirs.kind:
        lang = rel.rsplit(".", 2)[-2]
        hint = {
            "multiple": f'end the question with "{SELECT_ALL.get(lang, SELECT_ALL["en"])}"',
            "true_false": 'write the options as "{}" and "{}"'.format(*TRUE_FALSE.get(lang, TRUE_FALSE["en"])),
            "single": f'do not end the question with "{SELECT_ALL.get(lang, SELECT_ALL["en"])}"'
            if mine.kind == "multiple"
            else "translate the options, not only True and False",
        }[theirs.kind]
        ld.report.add(
            rel,
            mine.line,
            f"{where} is {KIND_NAMES[theirs.kind]} in {english} but {KIND_NAMES[mine.kind]} here: {hint}",
        )


def warn_untranslated(ld: Loading, rel: str, what: str, languages: set[str], have: set[str]) -> None:
    """Warn about each language other files of the course are translated into but this one is not."""
    name = rel.rsplit("/", 1)[-1]
    for lang in sorted(languages - have):
        translation = name.replace(".md", f".{lang}.md")
        ld.report.warn(
            rel,
            1,
            f'untranslated: no "{lang}" translation of this {what} ({translation}), though the course '
            f'has "{lang}" for other files',
        )
