"""Generate coverage data fast: N people, about 3N certificates, 50 communities, sessions and targets.

Certificates span three years (2024 to 2026) across 8 sectors and their sub-roles, plus the foundation; some
are expired, revoked, superseded by a renewal, or held by a deleted account (user_id NULL). Rows are written
with executemany on SQLite and COPY on PostgreSQL, into a schema made from the app's models (with their
indexes).

    python bench/coverage_data.py sqlite:////tmp/coverage.sqlite3 100000
    python bench/coverage_data.py postgresql+psycopg://postgres@127.0.0.1:5432/bench_coverage 100000
"""

from __future__ import annotations

import os
import random
import sqlite3
import sys
import time
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta

from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url

import academy.models  # noqa: F401  (every table into the metadata)
from academy.extensions import db

COMMUNITIES = 50
START = datetime(2024, 1, 1, tzinfo=UTC)
SPAN = (datetime(2026, 12, 31, tzinfo=UTC) - START).total_seconds()
SECTORS = {  # sector: (sub-roles, months of validity, weight)
    "law-enforcement": (("police", "prosecutor", "judge"), 24, 16),
    "schools": (("teacher", "counsellor", "school-staff"), 24, 14),
    "business": (("hospitality", "transport", "supply-chain", "other-business"), 24, 14),
    "faith-ngo": (("faith-leader", "ngo-staff", "volunteer"), 36, 10),
    "health": (("first-responder", "healthcare"), 24, 14),
    "media": (("journalist", "communications"), 36, 4),
    "consumers": ((), 36, 6),
    "legislators": (("elected-official", "policy-staff"), 36, 2),
}
USER_COLUMNS = (
    "id",
    "email",
    "name",
    "role",
    "sector",
    "subrole",
    "community_id",
    "credential_salt",
    "created_at",
)
CERT_COLUMNS = (
    "id",
    "code",
    "user_id",
    "holder_name",
    "include_name",
    "course_slug",
    "course_title",
    "sector",
    "subrole",
    "community_id",
    "version",
    "hours",
    "earned_via",
    "session_id",
    "issued_at",
    "expires_at",
    "revoked_at",
    "superseded_by_id",
    "status_index",
    "credential_salt",
)
SESSION_COLUMNS = (
    "id",
    "course_slug",
    "title",
    "starts_at",
    "ends_at",
    "place",
    "community_id",
    "require_quiz",
    "secret",
    "status",
    "created_at",
)


def add_months(moment: datetime, months: int) -> datetime:
    year, month = divmod(moment.month - 1 + months, 12)
    return moment.replace(year=moment.year + year, month=month + 1, day=min(moment.day, 28))


class Generator:
    """Deterministic rows for a given size and seed."""

    def __init__(self, people: int, seed: int = 7) -> None:
        self.people = people
        self.rng = random.Random(seed)
        self.cert_id = 0
        names = list(SECTORS)
        self.sectors = names
        self.weights = [SECTORS[s][2] for s in names]
        # Communities differ in size: the largest has about seven times the people of the smallest.
        self.community_weights = [1 / (rank**0.5) for rank in range(1, COMMUNITIES + 1)]

    def _moment(self) -> datetime:
        return START + timedelta(seconds=self.rng.random() * SPAN)

    def users(self) -> Iterator[tuple]:
        rng = self.rng
        for uid in range(1, self.people + 1):
            sector = rng.choices(self.sectors, self.weights)[0]
            subroles = SECTORS[sector][0]
            yield (
                uid,
                f"p{uid}@bench.test",
                f"Person {uid}",
                "trainee",
                sector,
                rng.choice(subroles) if subroles else None,
                rng.choices(range(1, COMMUNITIES + 1), self.community_weights)[0],
                f"{uid:032x}",
                START,
            )

    def _cert(
        self,
        user: tuple,
        sector: str,
        subrole,
        issued: datetime,
        months: int,
        via: str,
        superseded_by=None,
        revoked=False,
    ) -> tuple:
        self.cert_id += 1
        cid = self.cert_id
        deleted = user[0] % 10 == 0  # one account in ten deleted: its certificates keep no user
        return (
            cid,
            f"B{cid:016d}",
            None if deleted else user[0],
            "" if deleted else user[2],
            False,
            sector,
            "A course",
            sector,
            subrole,
            user[6],
            "v1",
            2.0,
            via,
            None,
            issued,
            add_months(issued, months),
            issued + timedelta(days=30) if revoked else None,
            superseded_by,
            cid,
            f"{cid:032x}",  # credential_salt
        )

    def certificates(self, users: list[tuple]) -> Iterator[tuple]:
        """About three per person: the foundation, their sector's course, a renewal or a second sector."""
        rng = self.rng
        for user in users:
            sector, subrole = user[4], user[5]
            months = SECTORS[sector][1]
            first = self._moment()
            yield self._cert(user, "foundation", None, first - timedelta(days=10), 36, "self-paced")
            via = "in-person" if rng.random() < 0.4 else "self-paced"
            roll = rng.random()
            renewal_at = add_months(first, months) - timedelta(days=rng.randint(1, 60))
            if roll < 0.45:  # renewed: the first is superseded by the next id
                yield self._cert(user, sector, subrole, first, months, via, superseded_by=self.cert_id + 2)
                yield self._cert(user, sector, subrole, renewal_at, months, "self-paced")
            elif roll < 0.75:  # a second sector (moved job): its own snapshot
                other = rng.choices(self.sectors, self.weights)[0]
                yield self._cert(user, sector, subrole, first, months, via, revoked=rng.random() < 0.03)
                yield self._cert(user, other, None, self._moment(), SECTORS[other][1], "self-paced")
            else:  # expired or still valid, sometimes revoked
                yield self._cert(user, sector, subrole, first, months, via, revoked=rng.random() < 0.05)
                yield self._cert(user, "foundation", None, renewal_at, 36, "self-paced")

    def sessions(self) -> Iterator[tuple]:
        for sid in range(1, COMMUNITIES * 30 + 1):
            starts = self._moment()
            yield (
                sid,
                self.rng.choice(self.sectors),
                "Session",
                starts,
                starts + timedelta(hours=3),
                "Hall",
                1 + sid % COMMUNITIES,
                False,
                f"{sid:064x}",
                "closed",
                starts,
            )

    def attendance(self) -> Iterator[tuple]:
        aid = 0
        for sid in range(1, COMMUNITIES * 30 + 1):
            for uid in self.rng.sample(range(1, self.people + 1), min(15, self.people)):
                aid += 1
                yield (aid, sid, uid, "qr", START, False)


def create_schema(url: str) -> None:
    """Drop and create every table from the models (a benchmark database only)."""
    if url.startswith("sqlite"):  # a fresh file: refilling the free pages of dropped tables is very slow
        path = make_url(url).database
        for suffix in ("", "-wal", "-shm"):
            if os.path.exists(path + suffix):
                os.remove(path + suffix)
    engine = create_engine(url)
    db.metadata.drop_all(engine)
    db.metadata.create_all(engine)
    engine.dispose()


def _sqlite_value(value):
    if isinstance(value, datetime):  # SQLAlchemy's SQLite storage format, in UTC
        return value.astimezone(UTC).strftime("%Y-%m-%d %H:%M:%S.%f")
    return value


def _batches(gen: Generator):
    users = list(gen.users())
    communities = [(i, f"c{i}", f"Community {i}", "us", START) for i in range(1, COMMUNITIES + 1)]
    targets = [(c, s, "", p, 100) for c in range(1, COMMUNITIES + 1) for s in SECTORS for p in ("2026H1", "2026H2")]
    return [
        ("community", ("id", "slug", "name", "jurisdiction", "created_at"), communities),
        ("user", USER_COLUMNS, users),
        ("training_session", SESSION_COLUMNS, list(gen.sessions())),
        (
            "attendance",
            ("id", "session_id", "user_id", "method", "checked_in_at", "over_capacity"),
            list(gen.attendance()),
        ),
        ("certificate", CERT_COLUMNS, list(gen.certificates(users))),
        ("target", ("community_id", "sector", "subrole", "period", "headcount"), targets),
    ]


def load_sqlite(path: str, gen: Generator) -> int:
    conn = sqlite3.connect(path)
    for pragma in ("foreign_keys=OFF", "journal_mode=OFF", "synchronous=OFF", "cache_size=-1000000"):
        conn.execute(f"PRAGMA {pragma}")  # a throwaway database, loaded in one go
    count = 0
    for table, columns, rows in _batches(gen):
        marks = ", ".join("?" * len(columns))
        names = ", ".join(f'"{c}"' for c in columns)
        conn.executemany(
            f'INSERT INTO "{table}" ({names}) VALUES ({marks})',  # noqa: S608 (fixed names)
            ([_sqlite_value(v) for v in row] for row in rows),
        )
        count += len(rows) if table == "certificate" else 0
    conn.commit()
    conn.execute("ANALYZE")
    conn.close()
    return count


def load_postgres(url: str, gen: Generator) -> int:
    import psycopg

    plain = make_url(url).set(drivername="postgresql").render_as_string(hide_password=False)
    count = 0
    with psycopg.connect(plain) as conn:
        conn.execute("SET session_replication_role = replica")  # skip FK triggers while bulk loading
        with conn.cursor() as cur:
            for table, columns, rows in _batches(gen):
                names = ", ".join(f'"{c}"' for c in columns)
                with cur.copy(f'COPY "{table}" ({names}) FROM STDIN') as copy:
                    for row in rows:
                        copy.write_row(row)
                count += len(rows) if table == "certificate" else 0
            for table in ("community", "user", "training_session", "attendance", "certificate", "target"):
                cur.execute(text_setval(table))
        conn.commit()
        conn.autocommit = True
        conn.execute("VACUUM ANALYZE")
    return count


def text_setval(table: str) -> str:
    return (
        f"SELECT setval(pg_get_serial_sequence('\"{table}\"', 'id'), "  # noqa: S608 (fixed names)
        f'(SELECT COALESCE(MAX(id), 1) FROM "{table}"))'
    )


def generate(url: str, people: int, seed: int = 7) -> int:
    """Create the schema and fill it; return the number of certificates written."""
    create_schema(url)
    gen = Generator(people, seed)
    if url.startswith("sqlite"):
        return load_sqlite(make_url(url).database, gen)
    return load_postgres(url, gen)


def add_index(url: str, ddl: str) -> None:
    """Create an extra index (to measure a candidate), then refresh the planner's statistics."""
    engine = create_engine(url)
    with engine.begin() as conn:
        conn.execute(text(ddl))
        conn.execute(text("ANALYZE"))
    engine.dispose()


if __name__ == "__main__":
    started = time.perf_counter()
    written = generate(sys.argv[1], int(sys.argv[2]))
    print(f"{written} certificates for {sys.argv[2]} people in {time.perf_counter() - started:.1f} s")
