"""Catalogue, course pages, lessons, progress and the resource directory."""

from __future__ import annotations

from flask import (
    Blueprint,
    abort,
    current_app,
    flash,
    get_template_attribute,
    redirect,
    render_template,
    request,
    url_for,
)
from flask_babel import gettext as _
from flask_login import current_user, login_required
from markupsafe import Markup

from academy.accounts.forms import EmptyForm
from academy.courses import service
from academy.courses.access import (
    course_or_404,
    ensure_enrolled,
    lesson_or_404,
    prerequisites_unmet,
    translated,
)
from academy.courses.catalog import curriculum
from academy.courses.forms import ResourceFilterForm, jurisdiction_label
from academy.courses.language import course_text
from academy.courses.progress import EnrolmentState
from academy.curriculum.model import Course, Curriculum
from academy.extensions import cache, db
from academy.i18n import current_locale

bp = Blueprint("courses", __name__, template_folder="templates")


@bp.app_template_global()
def next_step_link(progress) -> tuple[str, str]:
    """The URL and label of a user's next step in a course, for templates."""
    return service.next_step(progress)


@bp.app_template_global()
def certificate_url(certificate) -> str:
    """The holder's own page of a certificate."""
    return url_for("certificates.show", code=certificate.code)


def _sector_groups(cur: Curriculum, user) -> list[dict]:
    """Sectors with courses: the shared foundation, then the user's sector, then the rest in file order."""
    mine = getattr(user, "sector", None) if user.is_authenticated else None
    sectors = sorted(cur.sectors.values(), key=lambda s: (not s.shared, s.id != mine))
    groups = []
    for sector in sectors:
        courses = cur.courses_in(sector.id)
        if courses:
            groups.append({"sector": sector, "courses": courses, "start_here": sector.shared,
                           "yours": sector.id == mine})
    return groups


@bp.get("/courses")
def catalogue():
    """List every course, grouped by sector, with the signed-in user's progress."""
    cur = curriculum()
    progress = service.progress_for(current_user, cur.courses.values())
    return render_template("courses/catalogue.html", groups=_sector_groups(cur, current_user),
                           progress=progress, courses=cur.courses)


@bp.get("/courses/<slug>")
def course(slug: str):
    """Show a course: what it covers, its lessons, the quiz and the user's progress."""
    course = course_or_404(slug)
    progress = service.progress_for(current_user, [course])[slug]
    if current_user.is_authenticated and not progress.complete:
        progress.missing = service.missing_prerequisites(current_user, course)
    return render_template("courses/course.html", course=course, progress=progress, form=EmptyForm(),
                           courses=curriculum().courses, sectors=curriculum().sectors)


@bp.post("/courses/<slug>/enrol")
@login_required
def enrol(slug: str):
    """Enrol in a course whose prerequisites are complete, then open its first lesson."""
    course = course_or_404(slug)
    if not EmptyForm().validate_on_submit():
        abort(400)
    try:
        service.enrol(current_user, course)
    except service.PrerequisitesUnmet as exc:
        prerequisites_unmet(course, exc.missing)
    db.session.commit()
    progress = service.load_progress(current_user, [course])[slug]
    if course.pretest and not progress.done_lessons:  # the pre-test comes before the first lesson
        return redirect(url_for("pretest.take", slug=slug))
    return redirect(service.next_step(progress)[0])


@bp.get("/courses/<slug>/lessons/<lesson>")
def lesson(slug: str, lesson: str):
    """Show a lesson (translated when possible) and remember it for "continue where you left off".

    Visitors may read a course's first lesson as a preview, before making an account; the rest needs one.
    """
    course = course_or_404(slug)
    original = lesson_or_404(course, lesson)
    if not current_user.is_authenticated:
        if original is not course.lessons[0]:
            return current_app.login_manager.unauthorized()
        progress = service.progress_for(current_user, [course])[slug]
        return render_template("courses/lesson.html", preview=True, **_lesson_context(course, original, progress))
    progress = service.load_progress(current_user, [course])[slug]
    created = progress.enrolment is None
    if created:
        progress.enrolment = EnrolmentState.of(ensure_enrolled(current_user, course))
    if service.record_visit(progress.enrolment, course, original) or created:
        db.session.commit()
    return render_template("courses/lesson.html", **_lesson_context(course, original, progress))


def _lesson_context(course: Course, original, progress) -> dict:
    cur = curriculum()
    index = course.lessons.index(original)
    sector = cur.sectors.get(course.sector)
    subrole_labels = {r.id: r.label for r in sector.subroles} if sector else {}
    lesson = translated(original)
    previous = course.lessons[index - 1] if index else None
    following = course.lessons[index + 1] if index + 1 < len(course.lessons) else None
    return {
        "course": course, "lesson": lesson, "original": original, "progress": progress, "number": index + 1,
        "next": following, "subroles": [subrole_labels.get(s, s) for s in original.subroles],
        "done": original.slug in progress.done_lessons,
        "parts": _lesson_parts(cur, course, lesson, previous, following),
    }


def _lesson_parts(cur: Curriculum, course: Course, lesson, previous, following) -> tuple[Markup, Markup]:
    """The parts of a lesson page that are the same for every reader, kept a while in Flask-Caching.

    Markdown was rendered at load; these are the macros around it, per lesson, its language and the interface's.
    The key names the loaded curriculum object, so a reload is never served the parts of the one before.
    """
    key = f"lesson-parts/{id(cur)}/{course.slug}/{lesson.slug}/{lesson.language}/{current_locale()}"
    parts = cache.get(key)
    if parts is None:
        template = "courses/_lesson_parts.html"
        resources = [cur.resources[r] for r in lesson.resources if r in cur.resources]
        neighbours = (translated(previous) if previous else None, translated(following) if following else None)
        parts = (get_template_attribute(template, "body")(course, lesson, resources, jurisdiction_label),
                 get_template_attribute(template, "tail")(course, lesson, *neighbours))
        cache.set(key, parts)
    return parts


@bp.post("/courses/<slug>/lessons/<lesson>/complete")
@login_required
def complete_lesson(slug: str, lesson: str):
    """Mark a lesson complete, check the course's completion, and go on to the next step."""
    course = course_or_404(slug)
    original = lesson_or_404(course, lesson)
    if not EmptyForm().validate_on_submit():
        abort(400)
    ensure_enrolled(current_user, course, service.get_enrolment(current_user, slug))
    service.mark_lesson_complete(current_user, course, original)
    completion = service.check_completion(current_user, course)
    db.session.commit()
    if completion is not None:
        flash(_("Course complete: %(course)s. Your certificate is ready.", course=course_text(course).title),
              "success")
        return redirect(url_for("courses.course", slug=slug))
    index = course.lessons.index(original)
    if index + 1 < len(course.lessons):
        return redirect(url_for("courses.lesson", slug=slug, lesson=course.lessons[index + 1].slug))
    progress = service.load_progress(current_user, [course])[slug]
    return redirect(service.next_step(progress)[0])


@bp.get("/resources")
def resources():
    """The directory of hotlines and services, filterable by jurisdiction."""
    cur = curriculum()
    jurisdictions = list(dict.fromkeys(r.jurisdiction for r in cur.resources.values()))
    if "jurisdiction" in request.args:
        selected = request.args["jurisdiction"]
    else:
        community = current_user.community if current_user.is_authenticated else None
        selected = community.jurisdiction if community else ""
    selected = selected if selected in jurisdictions else ""
    form = ResourceFilterForm(formdata=None, jurisdiction=selected)
    form.set_choices(jurisdictions)
    groups = []
    for jurisdiction in jurisdictions:
        if not selected or selected == jurisdiction or selected.startswith(jurisdiction + "-"):
            entries = [r for r in cur.resources.values() if r.jurisdiction == jurisdiction]
            groups.append((jurisdiction_label(jurisdiction), jurisdiction, entries))
    return render_template("courses/resources.html", form=form, groups=groups, selected=selected,
                           selected_label=jurisdiction_label(selected) if selected else "")


@bp.get("/learning")
@login_required
def my_learning():
    """The user's courses in progress and completed, with the next step for each."""
    current, completed = service.learning_overview(current_user)
    return render_template("courses/my_learning.html", current=current, completed=completed)

from academy.courses import refresher_views  # noqa: E402, F401  (routes on this blueprint)
