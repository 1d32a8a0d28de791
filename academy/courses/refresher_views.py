"""The refresher page: the lessons to review and the short quiz that renews a certificate."""

from __future__ import annotations

from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from academy.accounts.forms import EmptyForm
from academy.courses import refresher as service
from academy.courses.access import course_or_404
from academy.courses.views import bp
from academy.extensions import db, limiter
from academy.i18n import current_locale
from academy.quizzes import grading


def _page(course, renewal, status: int = 200, result=None, answers=None):
    quiz = course.refresher.quiz.in_language(current_locale())
    return render_template("courses/refresher.html", course=course, renewal=renewal, quiz=quiz, result=result,
                           answers=answers or {}, form=EmptyForm()), status


@bp.route("/courses/<slug>/refresher", methods=["GET", "POST"])
@login_required
@limiter.limit("10 per hour", methods=["POST"])
def refresher(slug: str):
    """Review the chosen lessons and pass the refresher quiz to renew the certificate."""
    course = course_or_404(slug)
    if course.refresher is None:
        return redirect(url_for("courses.course", slug=slug))
    renewal = service.renewal_for(current_user, course)
    if request.method == "GET" or renewal is None:
        return _page(course, renewal)
    if not EmptyForm().validate_on_submit():
        abort(400)
    answers = {q.id: request.form.getlist(q.id) for q in course.refresher.quiz.questions}
    answers = {k: v for k, v in answers.items() if v}
    if grading.unanswered(course.refresher.quiz.questions, answers):
        flash(_("Answer every question."), "error")
        return _page(course, renewal, 400, answers=answers)
    try:
        result, certificate = service.take_refresher(current_user, course, answers)
    except (service.RefresherError, grading.InvalidAnswers):
        abort(400)
    if certificate is None:
        db.session.rollback()
        return _page(course, renewal, 200, result=result, answers=answers)
    db.session.commit()
    flash(_("You passed the refresher: here is your renewed certificate."), "success")
    return redirect(url_for("certificates.mine"))
