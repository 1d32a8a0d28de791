"""A community's own service entries: kept by its coordinators, checked again at least every 12 months, and
summed up for the report ("housing: 2 services, in English and Spanish; legal aid: none yet"). Callers commit.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from academy.extensions import db
from academy.resources.models import LocalResource

CATEGORIES = {
    "shelter": _l("Shelter and housing"),
    "counselling": _l("Counselling"),
    "legal-aid": _l("Legal aid"),
    "medical": _l("Medical care"),
    "faith": _l("Faith-based support"),
    "interpreting": _l("Interpreters"),
}
RECHECK_MONTHS = 12
FIELDS = ("name", "category", "languages", "hours", "how_to_refer", "phone", "url", "verified_on")


def entries(community_id: int) -> list[LocalResource]:
    """Return the community's entries by category, then name."""
    query = (
        select(LocalResource)
        .where(LocalResource.community_id == community_id)
        .order_by(LocalResource.category, LocalResource.name)
    )
    return list(db.session.scalars(query))


def save(entry: LocalResource | None, community_id: int, values: dict) -> LocalResource:
    """Create (entry=None) or update an entry from the form's values."""
    if entry is None:
        entry = LocalResource(community_id=community_id)
        db.session.add(entry)
    for name in FIELDS:
        value = values.get(name)
        setattr(entry, name, value.strip() if isinstance(value, str) else value)
    entry.url = entry.url or None
    db.session.flush()
    return entry


def recheck_due(entry: LocalResource, today: date) -> bool:
    """Tell whether the entry was last checked 12 months ago or more."""
    checked = entry.verified_on
    try:
        due = checked.replace(year=checked.year + RECHECK_MONTHS // 12)
    except ValueError:  # 29 February
        due = checked.replace(year=checked.year + 1, day=28)
    return today >= due


@dataclass(frozen=True)
class CategorySummary:
    category: str
    label: str
    services: int
    languages: tuple[str, ...]


def summary(found: list[LocalResource]) -> list[CategorySummary]:
    """Per category: how many services and in which languages (every category, "none yet" included)."""
    out = []
    for category, label in CATEGORIES.items():
        mine = [e for e in found if e.category == category]
        languages = sorted({lang for e in mine for lang in e.language_list}, key=str.lower)
        out.append(CategorySummary(category, str(label), len(mine), tuple(languages)))
    return out
