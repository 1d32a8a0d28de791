"""The pre-test page: a few quiz questions before the first lesson, recorded once, never graded."""

from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from academy.courses import language
from academy.courses.access import course_or_404
from academy.extensions import db
from academy.quizzes import forms, grading, pretest

bp = Blueprint("pretest", __name__)


@bp.app_context_processor
def _helpers() -> dict:
    def pretest_offered(course) -> bool:
        return current_user.is_authenticated and pretest.offered(current_user, course)

    return {"pretest_offered": pretest_offered}


@bp.route("/courses/<slug>/pretest", methods=["GET", "POST"])
@login_required
def take(slug: str):
    """Show the pre-test, or record its answers once and go on to the first lesson."""
    course = course_or_404(slug)
    asked = pretest.questions(course)
    if not asked:
        abort(404)
    first = url_for("courses.lesson", slug=slug, lesson=course.lessons[0].slug) if course.lessons else None
    after = first or url_for("courses.course", slug=slug)
    if not pretest.offered(current_user, course):
        flash(_("You have taken this course's pre-test already."), "info")
        return redirect(after)
    form = forms.AttemptForm()
    if request.method == "POST":
        if not form.validate_on_submit():
            abort(400)
        try:
            pretest.submit(current_user, course, forms.read_answers(request.form))
        except grading.InvalidAnswers:
            abort(400, _("These answers do not match the pre-test's questions."))
        db.session.commit()
        flash(_("Thank you. Your answers are not graded; they show what the course adds."), "success")
        return redirect(after, code=303)
    shown = language.questions_shown(course.quiz, [(q, list(q.options)) for q in asked])
    return render_template("quizzes/pretest.html", course=course, shown=shown, form=form, after=after)
