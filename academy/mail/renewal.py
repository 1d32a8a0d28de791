"""Where a holder renews a certificate: the course's refresher when it has one, else the course itself."""

from __future__ import annotations

from academy.certificates.models import Certificate
from academy.mail.messages import link


def has_refresher(course_slug: str) -> bool:
    from academy.courses.catalog import get_course

    course = get_course(course_slug)
    return getattr(course, "refresher", None) is not None


def renew_url(certificate: Certificate) -> str:
    """The link in reminders and on the home page that renews a certificate."""
    if has_refresher(certificate.course_slug):
        return link("courses.refresher", slug=certificate.course_slug)
    return link("courses.course", slug=certificate.course_slug)
