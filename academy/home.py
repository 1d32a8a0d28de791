"""What each role's home page shows. Domains contribute panels through small query functions."""

from __future__ import annotations

from academy.courses.catalog import curriculum


def public_context() -> dict:
    cur = curriculum()
    return {"sectors": [s for s in cur.sectors.values()], "course_count": len(cur.courses)}


def user_context(user) -> dict:
    from academy.courses import service as courses
    from academy.courses.refresher import renewable

    return {"learning": courses.learning_summary(user), "panels": _role_panels(user), "renewals": renewable(user)}


def _role_panels(user) -> list[str]:
    """Template names of the panels this user's role sees on the home page, most important first."""
    panels = {
        "trainee": [],
        "trainer": ["sessions/_home_panel.html"],
        "coordinator": ["coverage/_home_panel.html"],
        "auditor": ["certificates/_home_panel.html"],
        "admin": ["coverage/_home_panel.html", "certificates/_home_panel.html"],
    }
    return panels.get(user.role, [])
