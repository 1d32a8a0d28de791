"""Import every model so Alembic and create_all (tests only) see the whole schema."""

from academy.accounts.models import (  # noqa: F401
    AccountMerge,  # noqa: F401
    ApiToken,
    Community,
    LoginSession,
    User,
    community_coordinators,
)
from academy.certificates.models import AuditEvent, Certificate  # noqa: F401
from academy.courses.models import CourseCompletion, CourseVersion, Enrolment, LessonProgress  # noqa: F401
from academy.coverage.models import Target  # noqa: F401
from academy.mail.models import MailMessage, MailOptOut, ReminderSent  # noqa: F401
from academy.organisations.models import (  # noqa: F401
    CredentialRule,
    Organisation,
    OrganisationAward,
    organisation_leads,
)
from academy.quizzes.models import QuizAttempt  # noqa: F401
from academy.resources.models import LocalResource  # noqa: F401
from academy.sessions.models import Attendance, CheckinTicketUse, TrainingSession, session_trainers  # noqa: F401
