"""Curriculum words in the reader's language: a translation where there is one, English otherwise.

Only pages use these. Services, grading and certificates keep working on the English curriculum, so a
certificate prints the English course title and an attempt records the English option ids.
"""

from __future__ import annotations

from flask import Flask
from flask_babel import gettext
from markupsafe import Markup

from academy.curriculum.model import Course, CourseText, Option, Question, Quiz
from academy.i18n import current_locale


def course_text(course: Course) -> CourseText:
    """Return the course's title, summary, audience and introduction in the reader's language."""
    return course.text(current_locale())


def localized(item):
    """Return a sector, resource, lesson or quiz in the reader's language (None stays None)."""
    return item.in_language(current_locale()) if item is not None else None


def lang_attr(language: str) -> Markup:
    """Return ` lang="xx"` when the words are not in the page's language, else nothing."""
    return Markup("") if language == current_locale() else Markup(' lang="%s"') % language


def fallback_note(language: str) -> Markup:
    """Say so when a title falls back to English on a page in another language: a small "(in English)".

    The note is in the page's language (its own lang attribute), so it can sit inside an English heading.
    """
    page = current_locale()
    if language == page:
        return Markup("")
    return Markup(' <span class="lang-note" lang="%s">%s</span>') % (page, gettext("(in English)"))


def questions_shown(quiz: Quiz, shown: list[tuple[Question, list[Option]]]) -> list[tuple[Question, list]]:
    """Swap an attempt's questions and options for the reader's translation, keeping order and ids."""
    translation = quiz.in_language(current_locale())
    if translation is quiz:
        return shown
    result = []
    for question, options in shown:
        words = translation.question(question.id) or question
        by_id = {o.id: o for o in words.options}
        result.append((words, [by_id.get(o.id, o) for o in options]))
    return result


def init_app(app: Flask) -> None:
    """Give every template the helpers."""
    app.jinja_env.globals.update(course_text=course_text, localized=localized, lang_attr=lang_attr,
                                 fallback_note=fallback_note)
