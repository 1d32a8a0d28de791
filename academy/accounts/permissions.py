"""Who may do what: pure predicates, plus a decorator that answers 403 to the signed-in without the right."""

from __future__ import annotations

from functools import wraps

from flask import abort
from flask_login import current_user, login_required


def role_required(*roles: str):
    """Require sign-in, then one of the roles; a signed-in user without it gets 403."""

    def decorator(view):
        @wraps(view)
        @login_required
        def wrapped(*args, **kwargs):
            if current_user.role not in roles:
                abort(403)
            return view(*args, **kwargs)

        return wrapped

    return decorator


def community_ids(user) -> set[int] | None:
    """The communities a user may see figures for; None means all of them."""
    if user.role in ("admin", "auditor"):
        return None
    if user.role == "coordinator":
        return {c.id for c in user.coordinated_communities}
    return set()


def can_manage_community(user, community_id: int | None) -> bool:
    if user.role == "admin":
        return True
    return user.role == "coordinator" and community_id is not None and community_id in (community_ids(user) or set())


def can_view_community(user, community_id: int | None) -> bool:
    allowed = community_ids(user)
    return allowed is None or (community_id is not None and community_id in allowed)


def can_manage_session(user, session) -> bool:
    if user.role == "admin":
        return True
    if user.role == "coordinator" and can_manage_community(user, session.community_id):
        return True
    return user.role == "trainer" and any(t.id == user.id for t in session.trainers)


def can_revoke(user, certificate) -> bool:
    return user.role == "admin" or (
        user.role == "coordinator" and can_manage_community(user, certificate.community_id)
    )


def can_audit(user) -> bool:
    return user.role in ("auditor", "admin")


def can_administer(user) -> bool:
    """People, roles, communities and imports: the admin console."""
    return user.role == "admin"


def can_manage_organisation(user, organisation) -> bool:
    """Create organisations, grant their leads: an admin, or a coordinator of the organisation's community."""
    return can_manage_community(user, organisation.community_id)


def can_lead_organisation(user, organisation) -> bool:
    """See an organisation's consenting members and invite members: its leads, and whoever manages it."""
    return can_manage_organisation(user, organisation) or any(lead.id == user.id for lead in organisation.leads)
