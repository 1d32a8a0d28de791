"""Distinct people per group of certificates, counted in SQL in one statement (SQLite and PostgreSQL).

Each statement is built once per shape and reused with parameters: building SQLAlchemy expressions costs
more than running the query for a small community.

Definitions (the dashboard says the same in words):
- A person is counted once per group, by their account; a certificate whose account was deleted (user_id set
  to NULL) stands for a person of its own.
- Trained at a moment: holds a certificate of the group, not revoked (whenever revoked), issued before the
  moment and not expired at it (expires_at after it; expiring exactly then is not valid). A superseded
  certificate still counts: superseding only means a renewal exists.
- Lapsed at the period's end: not trained then, but held a certificate of the group that had expired by then.
- Newly trained: the person's first (non-revoked) certificate of the group was issued within the period.
- In person: trained, with a certificate valid at the end that was earned at a session.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from functools import lru_cache

from sqlalchemy import and_, bindparam, case, func, literal_column, null, or_, select, union_all
from sqlalchemy.sql.elements import ColumnElement

from academy.certificates.models import Certificate
from academy.coverage.figures import Counts
from academy.coverage.periods import Period
from academy.extensions import db

IN_PERSON = "in-person"
Levels = tuple[tuple[str, tuple[str, ...]], ...]  # (name, grouping columns), the finest first


def holder() -> ColumnElement:
    """One key per person: the account, or the certificate itself once the account is deleted.

    Account ids are positive, so the negated certificate id of an orphaned certificate never collides.
    """
    return func.coalesce(Certificate.user_id, -Certificate.id)


def moment(name: str) -> ColumnElement:
    return bindparam(name, type_=Certificate.issued_at.type)


def valid_at(at: ColumnElement) -> ColumnElement:
    """A (non-revoked) certificate valid at a moment: issued before it and not expired at it."""
    return and_(Certificate.issued_at < at, or_(Certificate.expires_at.is_(None), Certificate.expires_at > at))


def _flag(condition: ColumnElement, name: str):
    return func.max(case((condition, 1), else_=0)).label(name)


def _flag_names(ends: int) -> list[str]:
    return [f"t{i}" for i in range(ends)] + ["in_person", "expired"]


def _scope(scope: str) -> ColumnElement:
    if scope == "community":
        return Certificate.community_id == bindparam("community")
    if scope == "some":
        return Certificate.community_id.in_(bindparam("communities", expanding=True))
    return Certificate.community_id.is_not(None)


def _people(keys: Sequence[str], ends: int, shared: Sequence[str], scope: str):
    """Per person and group: trained at each end, in person, expired by the end, first issue date."""
    group = [getattr(Certificate, key) for key in keys]
    end = moment("end")
    columns = [
        *group,
        holder().label("holder"),
        *(_flag(valid_at(moment(f"end{i}")), f"t{i}") for i in range(ends)),
        _flag(and_(valid_at(end), Certificate.earned_via == IN_PERSON), "in_person"),
        _flag(Certificate.expires_at <= end, "expired"),
        func.min(Certificate.issued_at).label("first_issued"),
    ]
    counted = Certificate.sector.not_in(list(shared)) if shared else Certificate.sector.is_not(None)
    query = select(*columns).where(
        Certificate.revoked_at.is_(None), Certificate.issued_at < end, counted, _scope(scope)
    )
    # PostgreSQL computes a CTE used several times once; SQLite recomputes it per UNION arm, which costs what
    # separate queries would, in one round trip.
    return query.group_by(*group, holder()).cte("people").prefix_with("MATERIALIZED")


def _merge(people, keys: Sequence[str], ends: int):
    """Regroup people by fewer keys: a flag set in any group stays set, the first issue is the earliest."""
    columns = [people.c[key] for key in keys]
    flags = [func.max(people.c[name]).label(name) for name in _flag_names(ends)]
    merged = select(*columns, people.c.holder, *flags, func.min(people.c.first_issued).label("first_issued"))
    return merged.group_by(*columns, people.c.holder).subquery()


def _sums(source, level: str, keys: Sequence[str], all_keys: Sequence[str], ends: int):
    """Count the people of each group: trained at each end, newly trained, lapsed, in person."""
    last = source.c[f"t{ends - 1}"]
    columns = [source.c[key] if key in keys else null().label(key) for key in all_keys]
    sums = [func.sum(source.c[f"t{i}"]) for i in range(ends)]
    newly = func.sum(case((source.c.first_issued >= moment("start"), 1), else_=0))
    lapsed = func.sum(case((and_(source.c.expired == 1, last == 0), 1), else_=0))
    label = literal_column(f"'{level}'").label("level")
    return select(label, *columns, *sums, newly, lapsed, func.sum(source.c.in_person)).group_by(
        *[source.c[key] for key in keys]
    )


@lru_cache(maxsize=32)
def statement(levels: Levels, ends: int, shared: tuple[str, ...], scope: str):
    """Build (once) the statement counting people at every level, the finest first; return it and its params."""
    all_keys = list(levels[0][1])
    people = _people(all_keys, ends, shared, scope)
    query = union_all(
        *[
            _sums(people if list(keys) == all_keys else _merge(people, keys, ends), name, keys, all_keys, ends)
            for name, keys in levels
        ]
    )
    return query, frozenset(query.compile().params)


def rollup(
    levels: Levels,
    period: Period,
    ends: Sequence[datetime],
    shared: Sequence[str],
    *,
    community: int | None = None,
    communities: Sequence[int] | None = None,
) -> dict[str, dict]:
    """Count distinct people at each level, e.g. (("subrole", ("sector", "subrole")), ("any", ())).

    `ends` are the moments to count trained people at, the last being the period's end. A person in two
    groups of the finest level (police, then prosecutor) is one person at a coarser level (law enforcement).
    Return {level: {key tuple: Counts}}.
    """
    scope = "community" if community is not None else "some" if communities is not None else "all"
    params = {
        "start": period.start,
        "end": period.end,
        "community": community,
        "communities": list(communities or []),
    } | {f"end{i}": end for i, end in enumerate(ends)}
    all_keys = list(levels[0][1])
    names = dict(levels)
    found: dict[str, dict[tuple, Counts]] = {name: {} for name in names}
    query, names_used = statement(tuple(levels), len(ends), tuple(shared), scope)
    for row in db.session.execute(query, {k: v for k, v in params.items() if k in names_used}):
        key = tuple(row[1 + all_keys.index(k)] for k in names[row[0]])
        found[row[0]][key] = counts(row[1 + len(all_keys) :], len(ends))
    return found


def counts(values: Sequence, ends: int) -> Counts:
    history = tuple(int(value or 0) for value in values[:ends])
    newly, lapsed, in_person = (int(value or 0) for value in values[ends:])
    return Counts(trained=history[-1], newly=newly, lapsed=lapsed, in_person=in_person, history=history)
