"""Quiz attempts: the start page, the shuffled form, submission and the result."""

from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from academy.accounts.forms import EmptyForm
from academy.courses import language
from academy.courses import service as courses
from academy.courses.access import course_or_404, ensure_enrolled, prerequisites_unmet
from academy.curriculum.model import Course
from academy.extensions import db
from academy.i18n import N_
from academy.quizzes import forms, grading, service
from academy.quizzes.models import QuizAttempt

bp = Blueprint("quizzes", __name__, template_folder="templates")
# The curriculum-in-your-language helpers (course_text, localized, lang_attr) serve every page that shows
# curriculum words; registering them with this blueprint keeps create_app untouched.
bp.record_once(lambda state: language.init_app(state.app))

INVALID = N_("Those answers do not belong to this quiz. Reload the quiz and try again.")


def _quiz_course_or_404(slug: str) -> Course:
    course = course_or_404(slug)
    if course.quiz is None:
        abort(404)
    return course


def _own_attempt_or_404(course: Course, attempt_id: int) -> QuizAttempt:
    """Load an attempt of this course's quiz; anyone but its owner gets 404, as if it did not exist."""
    attempt = db.session.get(QuizAttempt, attempt_id)
    if attempt is None or attempt.user_id != current_user.id or attempt.course_slug != course.slug:
        abort(404)
    return attempt


@bp.get("/courses/<slug>/quiz")
@login_required
def start(slug: str):
    """Show the quiz's rules and the user's attempts, with a button to start one."""
    course = _quiz_course_or_404(slug)
    progress = courses.load_progress(current_user, [course])[slug]
    if progress.enrolment is None:  # no state change on GET: starting an attempt (a POST) enrols
        missing = courses.missing_prerequisites(current_user, course)
        if missing:
            prerequisites_unmet(course, missing)
    status = service.quiz_status(current_user, course)
    return render_template("quizzes/start.html", course=course, status=status, progress=progress,
                           form=EmptyForm())


@bp.post("/courses/<slug>/quiz")
@login_required
def begin(slug: str):
    """Start an attempt (or return to the open one) and show its form."""
    course = _quiz_course_or_404(slug)
    if not EmptyForm().validate_on_submit():
        abort(400)
    ensure_enrolled(current_user, course, courses.get_enrolment(current_user, slug))
    try:
        attempt = service.start_attempt(current_user, course)
    except service.QuizError as exc:
        flash(_(str(exc)), "warning")
        return redirect(url_for("quizzes.start", slug=slug))
    db.session.commit()
    return redirect(url_for("quizzes.attempt", slug=slug, attempt_id=attempt.id))


@bp.route("/courses/<slug>/quiz/<int:attempt_id>", methods=["GET", "POST"])
@login_required
def attempt(slug: str, attempt_id: int):
    """Show an open attempt's form, take its answers once, or show a submitted attempt's result."""
    course = _quiz_course_or_404(slug)
    attempt = _own_attempt_or_404(course, attempt_id)
    if attempt.submitted_at is not None:
        if request.method == "POST":
            flash(_("This attempt was already submitted; here is its result."), "info")
            return redirect(url_for("quizzes.attempt", slug=slug, attempt_id=attempt.id), code=303)
        return _result_page(course, attempt)
    try:
        shown = service.attempt_questions(attempt, course)
    except service.QuizError as exc:
        flash(_(str(exc)), "warning")
        return redirect(url_for("quizzes.start", slug=slug))
    if request.method == "POST":
        return _submit(course, attempt, shown)
    return render_template("quizzes/take.html", course=course, attempt=attempt,
                           shown=language.questions_shown(course.quiz, shown), form=forms.AttemptForm(),
                           answers={}, missing=[])


def _submit(course: Course, attempt: QuizAttempt, shown):
    form = forms.AttemptForm()
    if not form.validate_on_submit():
        abort(400)
    answers = forms.read_answers(request.form)
    questions = [q for q, _options in shown]
    try:
        grading.validate(questions, answers)
    except grading.InvalidAnswers:
        abort(400, _(INVALID))
    missing = grading.unanswered(questions, answers)
    if missing and not forms.wants_to_submit_unanswered(request.form):
        return render_template("quizzes/take.html", course=course, attempt=attempt,
                               shown=language.questions_shown(course.quiz, shown), form=form, answers=answers,
                               missing=missing)
    try:
        service.submit_attempt(current_user, course, attempt, answers)
    except service.QuizError as exc:
        db.session.rollback()
        flash(_(str(exc)), "info")
    else:
        db.session.commit()
    return redirect(url_for("quizzes.attempt", slug=course.slug, attempt_id=attempt.id), code=303)


def _result_page(course: Course, attempt: QuizAttempt):
    progress = courses.load_progress(current_user, [course])[course.slug]
    status = service.quiz_status(current_user, course)
    try:
        shown = service.attempt_questions(attempt, course)
        result = service.result_of(attempt, course)
    except service.QuizError:  # the quiz changed since: the score stands, the questions cannot be shown
        shown, result = [], None
    details = {r.question_id: r for r in result.per_question} if result else {}
    shown = language.questions_shown(course.quiz, shown) if shown else shown  # graded above in English
    return render_template("quizzes/result.html", course=course, attempt=attempt, shown=shown,
                           details=details, progress=progress, status=status, form=EmptyForm())
