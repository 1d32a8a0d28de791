"""Renewing a certificate: who is offered it, and passing the course's refresher quiz to renew."""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import datetime, timedelta

from flask import current_app
from sqlalchemy import select

from academy.certificates.models import Certificate
from academy.database import utcnow
from academy.extensions import db
from academy.quizzes import grading

log = logging.getLogger(__name__)
DEFAULT_OPENS_DAYS = 60  # without a refresher: retaking the course renews, offered this long before expiry


@dataclass(frozen=True)
class Renewal:
    certificate: Certificate
    course: object  # the curriculum's Course
    expired: bool

    @property
    def by_refresher(self) -> bool:
        return self.course.refresher is not None


def opens_days(course) -> int:
    if course.refresher is not None:
        return course.refresher.opens_days_before
    return int(current_app.config.get("ACADEMY_RENEW_DAYS_BEFORE", DEFAULT_OPENS_DAYS))


def renewable(user, now: datetime | None = None) -> list[Renewal]:
    """The person's current certificates that are in their renewal window (or expired), soonest first."""
    from academy.courses.catalog import curriculum

    now = now or utcnow()
    courses = curriculum().courses
    rows = db.session.scalars(select(Certificate).where(
        Certificate.user_id == user.id, Certificate.revoked_at.is_(None), Certificate.superseded_by_id.is_(None),
        Certificate.expires_at.is_not(None)).order_by(Certificate.expires_at))
    found = []
    for certificate in rows:
        course = courses.get(certificate.course_slug)
        if course is not None and now >= certificate.expires_at - timedelta(days=opens_days(course)):
            found.append(Renewal(certificate, course, certificate.expires_at <= now))
    return found


def renewal_for(user, course, now: datetime | None = None) -> Renewal | None:
    return next((r for r in renewable(user, now) if r.course.slug == course.slug), None)


class RefresherError(ValueError):
    """The refresher cannot be taken; the message is fit to show."""


def take_refresher(user, course, answers: dict[str, list[str]], now: datetime | None = None):
    """Grade the refresher quiz; when passed, issue a new certificate superseding the old one. Return the result
    and the new certificate (None when not passed)."""
    from academy.certificates.service import issue_certificate

    now = now or utcnow()
    if course.refresher is None:
        raise RefresherError("This course has no refresher: retake the course to renew.")
    renewal = renewal_for(user, course, now)
    if renewal is None:
        raise RefresherError("You have no certificate for this course that is due for renewal.")
    questions = course.refresher.quiz.questions
    grading.validate(questions, answers)
    result = grading.grade(questions, answers, course.pass_mark)
    if not result.passed:
        log.info("user %s did not pass the refresher of %s", user.id, course.slug)
        return result, None
    certificate = issue_certificate(user, course, via="self-paced", now=now)
    log.info("user %s renewed %s by the refresher: certificate %s", user.id, course.slug, certificate.id)
    return result, certificate
