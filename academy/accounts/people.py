"""What an admin does to people: find them, change their role and communities, deactivate, merge accounts.

Services take explicit arguments, add and flush; the admin view or the CLI commits once. Every change appends an
audit event naming the actor (their id, and their name as it was, in case their account is later deleted).
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Select, func, or_, select, update

from academy.accounts import signin
from academy.accounts.models import ROLES, AccountMerge, Community, User
from academy.certificates.models import AuditEvent, Certificate
from academy.courses.models import CourseCompletion, Enrolment, LessonProgress
from academy.database import utcnow
from academy.extensions import db
from academy.organisations.models import Organisation
from academy.quizzes.models import QuizAttempt
from academy.sessions.models import Attendance

# Roles whose communities mean something: a coordinator reports on them, a trainer schedules sessions in them.
COMMUNITY_ROLES = ("coordinator", "trainer")


class PeopleError(ValueError):
    """A rule about people was broken; the message is fit to show."""


def record(actor: User | None, action: str, subject_type: str, subject_id, **detail) -> AuditEvent:
    """Append one audit event for an admin change, with the actor's name as it is now."""
    event = AuditEvent(at=utcnow(), actor_id=getattr(actor, "id", None), action=action, subject_type=subject_type,
                       subject_id=str(subject_id),
                       detail={"actor_name": getattr(actor, "name", "command line"), **detail})
    db.session.add(event)
    return event


def search_query(text: str = "", *, organisation_id: int | None = None, community_id: int | None = None,
                 role: str | None = None) -> Select:
    """People matching a name or email fragment, an organisation, a community and a role; deleted ones left out."""
    query = select(User).where(User.deleted_at.is_(None))
    text = (text or "").strip().lower()
    if text:
        like = f"%{text.replace('%', '').replace('_', '')}%"
        query = query.outerjoin(Organisation, Organisation.id == User.organisation_id).where(or_(
            func.lower(User.name).like(like), func.lower(User.email).like(like),
            func.lower(Organisation.name).like(like), func.lower(User.organisation).like(like)))
    if organisation_id:
        query = query.where(User.organisation_id == organisation_id)
    if community_id:
        query = query.where(User.community_id == community_id)
    if role in ROLES:
        query = query.where(User.role == role)
    return query.order_by(User.name, User.id)


def other_admins(user: User) -> int:
    return db.session.scalar(select(func.count(User.id)).where(
        User.role == "admin", User.deleted_at.is_(None), User.deactivated_at.is_(None), User.id != user.id)) or 0


def change_role(user: User, role: str, *, actor: User) -> bool:
    """Give `user` a new role and end their sign-ins; return False when it was already theirs."""
    if role not in ROLES:
        raise PeopleError(f"Unknown role {role!r}; choose one of {', '.join(ROLES)}.")
    if role == user.role:
        return False
    if user.role == "admin" and not other_admins(user):
        raise PeopleError("This is the only admin: make someone else an admin first.")
    before, user.role = user.role, role
    if role not in COMMUNITY_ROLES:
        user.coordinated_communities.clear()
    signin.end_all(user)  # their pages and menus change: they sign in again
    record(actor, "user.role_changed", "user", user.id, before=before, after=role)
    db.session.flush()
    return True


def set_communities(user: User, communities: list[Community], *, actor: User) -> None:
    """Set the communities a coordinator or trainer works in."""
    if user.role not in COMMUNITY_ROLES:
        raise PeopleError("Only coordinators and trainers have communities to manage.")
    before = sorted(c.slug for c in user.coordinated_communities)
    user.coordinated_communities = list(communities)
    after = sorted(c.slug for c in communities)
    if before != after:
        record(actor, "user.communities_changed", "user", user.id, before=before, after=after)
    db.session.flush()


def deactivate(user: User, *, actor: User, now: datetime | None = None) -> None:
    """Stop `user` signing in anywhere (every sign-in ends); their certificates stay verifiable."""
    if user.deactivated_at is not None:
        return
    if user.id == actor.id:
        raise PeopleError("You cannot deactivate your own account.")
    if user.role == "admin" and not other_admins(user):
        raise PeopleError("This is the only admin: make someone else an admin first.")
    user.deactivated_at = now or utcnow()
    signin.end_all(user)
    record(actor, "user.deactivated", "user", user.id)
    db.session.flush()


def reactivate(user: User, *, actor: User) -> None:
    if user.deactivated_at is None:
        return
    user.deactivated_at = None
    record(actor, "user.reactivated", "user", user.id)
    db.session.flush()


def note_password_link(user: User, *, actor: User) -> None:
    """Record that an admin sent `user` a link to set their password (the view sends it)."""
    if not user.is_active or not user.email:
        raise PeopleError("This account is deactivated or deleted: reactivate it first.")
    record(actor, "user.password_link_sent", "user", user.id)


# --- merging two accounts of one person ---------------------------------------------------------------------

# Rows that belong to a person, with the columns that make a second copy for the same person a duplicate. A
# duplicate stays with the merged account (the kept one already has its own); everything else moves.
OWNED = (
    (Enrolment, ("course_slug",)),
    (LessonProgress, ("course_slug", "lesson_slug")),
    (CourseCompletion, None),
    (QuizAttempt, None),
    (Attendance, ("session_id",)),
    (Certificate, None),
)


def merge(kept: User, merged: User, *, actor: User) -> AccountMerge:
    """Move every enrolment, progress, completion, attempt, attendance and certificate of `merged` to `kept`,
    deactivate `merged`, and record what moved so `undo_merge` can put it back."""
    if kept.id == merged.id:
        raise PeopleError("Choose two different accounts.")
    if kept.deleted_at or merged.deleted_at:
        raise PeopleError("A deleted account cannot be merged.")
    moved: dict[str, list[int]] = {}
    for model, unique in OWNED:
        rows = list(db.session.scalars(select(model).where(model.user_id == merged.id)))
        if unique:
            taken = {tuple(getattr(r, c) for c in unique)
                     for r in db.session.scalars(select(model).where(model.user_id == kept.id))}
            rows = [r for r in rows if tuple(getattr(r, c) for c in unique) not in taken]
        ids = [r.id for r in rows]
        if ids:
            db.session.execute(update(model).where(model.id.in_(ids)).values(user_id=kept.id))
            moved[model.__tablename__] = ids
    if kept.organisation_id is None and merged.organisation_id is not None:
        kept.organisation_id = merged.organisation_id
    merged.deactivated_at = merged.deactivated_at or utcnow()
    signin.end_all(merged)
    row = AccountMerge(kept_id=kept.id, merged_id=merged.id, actor_id=actor.id, moved=moved)
    db.session.add(row)
    db.session.flush()
    record(actor, "user.merged", "user", kept.id, merged_user=merged.id, merge=row.id,
           moved={k: len(v) for k, v in moved.items()})
    db.session.flush()
    return row


def undo_merge(row: AccountMerge, *, actor: User) -> None:
    """Give the merged account back every row the merge moved, and reactivate it."""
    if row.undone_at is not None:
        raise PeopleError("This merge was already undone.")
    models = {model.__tablename__: model for model, _ in OWNED}
    for table, ids in row.moved.items():
        model = models[table]
        db.session.execute(update(model).where(model.id.in_(ids), model.user_id == row.kept_id)
                           .values(user_id=row.merged_id))
    row.undone_at = utcnow()
    row.merged.deactivated_at = None
    record(actor, "user.merge_undone", "user", row.kept_id, merged_user=row.merged_id, merge=row.id)
    db.session.flush()


def merges_of(user: User) -> list[AccountMerge]:
    return list(db.session.scalars(select(AccountMerge).where(
        or_(AccountMerge.kept_id == user.id, AccountMerge.merged_id == user.id)).order_by(AccountMerge.id.desc())))
