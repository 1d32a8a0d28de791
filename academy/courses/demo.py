"""Demo learning progress: the demo trainee half-way through the foundation, three trainees further on."""

from __future__ import annotations

from datetime import datetime, timedelta

from academy.accounts import service as accounts
from academy.courses import service
from academy.courses.catalog import curriculum
from academy.curriculum.model import Course
from academy.database import utcnow
from academy.quizzes import service as quizzes

# email, name, sector, subrole, community slug, days ago they started, sector lessons read
TRAINEES = [
    ("sam.sample@demo.academy", "Sam Sample (demo)", "schools", "teacher", "riverside", 40, 2),
    ("jo.placeholder@demo.academy", "Jo Placeholder (demo)", "health", "first-responder", "fraser-valley", 25,
     1),
    ("alex.example@demo.academy", "Alex Example (demo)", "business", "hospitality", "fraser-valley", 12, 3),
]


def populate(ctx: dict) -> list[str]:
    """Add enrolments, lessons read, passed quizzes and completions; running it again changes nothing."""
    from academy.demo import DEMO_PASSWORD

    courses = curriculum().courses
    foundation = courses.get("foundation") or next(iter(courses.values()), None)
    if foundation is None:
        return ["", "No courses loaded: no learning progress added."]
    lines = ["", "Demo learning progress:"]
    trainee = ctx["users"]["trainee"]
    read(trainee, foundation, count=2, start=utcnow() - timedelta(days=3))
    lines.append(f"  {trainee.email}: {foundation.title}, 2 of {len(foundation.lessons)} lessons read")
    for email, name, sector, subrole, community, days, sector_lessons in TRAINEES:
        user = accounts.find_by_email(email) or accounts.create_user(
            email=email, name=name, password=DEMO_PASSWORD, sector=sector, subrole=subrole,
            community_id=ctx["communities"][community].id if community in ctx["communities"] else None)
        start = utcnow() - timedelta(days=days)
        finish(user, foundation, start)
        line = f"  {email}: {foundation.title} complete"
        track = next(iter(curriculum().courses_in(sector)), None)
        if track is not None and not service.missing_prerequisites(user, track):
            read(user, track, count=sector_lessons, start=start + timedelta(days=3))
            read_count = min(sector_lessons, len(track.lessons))
            line += f"; {track.title}, {read_count} of {len(track.lessons)} lessons read"
        lines.append(line)
    return lines


def read(user, course: Course, *, count: int, start: datetime) -> None:
    """Enrol and mark the first `count` lessons complete, an hour apart."""
    enrolment = service.enrol(user, course, now=start)
    for i, lesson in enumerate(course.lessons[:count]):
        at = start + timedelta(hours=i)
        service.record_visit(enrolment, course, lesson, now=at)
        service.mark_lesson_complete(user, course, lesson, now=at)


def finish(user, course: Course, start: datetime) -> None:
    """Read every lesson and pass the quiz with the marked answers; the completion and certificate follow."""
    read(user, course, count=len(course.lessons), start=start)
    done_at = start + timedelta(hours=len(course.lessons) + 1)
    if course.quiz is not None and quizzes.quiz_status(user, course, now=done_at).passed_attempt is None:
        attempt = quizzes.start_attempt(user, course, now=done_at)
        answers = {q.id: sorted(q.correct_ids) for q in course.quiz.questions}
        quizzes.submit_attempt(user, course, attempt, answers, now=done_at + timedelta(minutes=12))
    service.check_completion(user, course, now=done_at + timedelta(minutes=12))
