"""Time the coverage dashboard (SQL aggregation) for one community and half-year as the register grows.

For each backend and size: generate the data (bench/coverage_data.py), then time service.dashboard() for the
largest community and for a middle-sized one (median of repeated runs after a warm-up), the comparison of all
communities, and a baseline query measured in the same run (count one community's certificates), so figures
taken on a busy machine can still be compared. The target: 100,000 people, 300,000 certificates, under 200 ms.

    python bench/coverage_bench.py                       # SQLite and PostgreSQL, 10k to 1M certificates
    python bench/coverage_bench.py --people 100000 --backends sqlite
    python bench/coverage_bench.py --extra-index "CREATE INDEX ix_bench ON certificate (community_id, ...)"

PostgreSQL uses its own database (default bench_coverage on 127.0.0.1; created if missing), never `test`.
"""

from __future__ import annotations

import argparse
import os
import statistics
import time
from pathlib import Path

import coverage_data
from sqlalchemy import event, func, select, text

from academy import create_app
from academy.certificates.models import Certificate
from academy.extensions import db

SQLITE = "sqlite:////tmp/academy-coverage-bench.sqlite3"
POSTGRES = os.environ.get("BENCH_POSTGRES_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/bench_coverage")
SIZES = (3_334, 33_334, 100_000, 333_334)  # people: about 10k, 100k, 300k and 1M certificates
PERIOD = "2026H1"
ROOT = Path(__file__).resolve().parent.parent


def timed(function, runs: int) -> tuple[float, float]:
    """Return the median and the worst time of `runs` calls, in ms, after two warm-up calls."""
    function()
    function()
    times = []
    for _ in range(runs):
        started = time.perf_counter()
        function()
        times.append((time.perf_counter() - started) * 1000)
    return statistics.median(times), max(times)


class QueryCounter:
    def __init__(self, engine) -> None:
        self.count = 0
        event.listen(engine, "before_cursor_execute", self._seen)

    def _seen(self, *args) -> None:
        self.count += 1


def communities_by_size() -> list[int]:
    """Community ids, most certificates first."""
    query = select(Certificate.community_id).group_by(Certificate.community_id).order_by(func.count().desc())
    return list(db.session.scalars(query))


def measure(url: str, runs: int) -> dict:
    """Time the dashboard on an already filled database."""
    from academy.courses.catalog import curriculum
    from academy.coverage import periods, service

    app = create_app(
        {
            "TESTING": True,
            "SECRET_KEY": "bench",
            "SQLALCHEMY_DATABASE_URI": url,
            "INSTANCE_PATH": "/tmp/academy-coverage-bench-instance",  # noqa: S108 (a throwaway benchmark)
            "ACADEMY_CURRICULA": str(ROOT / "curricula"),
        }
    )
    with app.app_context():
        sectors = list(curriculum().sectors.values())
        courses = {slug: c.sector for slug, c in curriculum().courses.items()}
        period = periods.parse(PERIOD)
        ranked = communities_by_size()
        largest, middle = ranked[0], ranked[len(ranked) // 2]
        sizes = {
            cid: db.session.scalar(select(func.count()).where(Certificate.community_id == cid))
            for cid in (largest, middle)
        }
        counter = QueryCounter(db.engine)
        before = counter.count
        service.dashboard(largest, period, sectors, courses)
        queries = counter.count - before
        result = {
            "certificates": db.session.scalar(select(func.count(Certificate.id))),
            "largest": sizes[largest],
            "middle": sizes[middle],
            "queries": queries,
            "baseline": timed(
                lambda: db.session.execute(
                    text("SELECT COUNT(*) FROM certificate WHERE community_id = :c"), {"c": largest}
                ).scalar(),
                runs,
            ),
            "dash_largest": timed(lambda: service.dashboard(largest, period, sectors, courses), runs),
            "dash_middle": timed(lambda: service.dashboard(middle, period, sectors, courses), runs),
            "compare": timed(lambda: service.comparison(period, sectors), max(3, runs // 5)),
        }
        db.session.remove()
        db.engine.dispose()
    return result


def ensure_postgres_database(url: str) -> None:
    import psycopg
    from sqlalchemy.engine import make_url

    target = make_url(url)
    admin = target.set(drivername="postgresql", database="postgres").render_as_string(hide_password=False)
    with psycopg.connect(admin, autocommit=True) as conn:
        if not conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", (target.database,)).fetchone():
            conn.execute(f'CREATE DATABASE "{target.database}"')


def row(backend: str, people: int, loaded: float, r: dict, first: dict | None) -> str:
    growth = r["dash_largest"][0] / first["dash_largest"][0] if first else 1.0
    ratio = r["dash_largest"][0] / max(r["baseline"][0], 0.001)
    return (
        f"{backend:<10} {people:>8,} {r['certificates']:>10,} {r['largest']:>9,} {r['queries']:>3} "
        f"{r['baseline'][0]:>8.1f} {r['dash_largest'][0]:>8.1f} {r['dash_largest'][1]:>8.1f} "
        f"{r['dash_middle'][0]:>8.1f} {r['compare'][0]:>9.1f} {growth:>7.1f}x {ratio:>7.1f}x {loaded:>7.0f}s"
    )


HEADER = (
    f"{'backend':<10} {'people':>8} {'certs':>10} {'in comm.':>9} {'q':>3} {'base ms':>8} {'dash ms':>8} "
    f"{'worst':>8} {'mid ms':>8} {'compare':>9} {'growth':>8} {'/base':>8} {'load':>8}"
)


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--people", default=",".join(str(n) for n in SIZES), help="comma-separated sizes")
    parser.add_argument("--backends", default="sqlite,postgres")
    parser.add_argument("--runs", type=int, default=15)
    parser.add_argument("--extra-index", default=None, help="DDL of a candidate index to add after loading")
    args = parser.parse_args()
    sizes = [int(n) for n in args.people.split(",")]
    print(f"coverage dashboard for one community, period {PERIOD}; ms = median of {args.runs} runs")
    print(
        "(dash = largest community, mid = a middle-sized one, compare = all 50 communities, base = "
        "COUNT(*) of one community's certificates, growth = dash / dash at the first size)"
    )
    if args.extra_index:
        print(f"extra index: {args.extra_index}")
    print(HEADER)
    for backend in args.backends.split(","):
        url = SQLITE if backend == "sqlite" else POSTGRES
        if backend != "sqlite":
            ensure_postgres_database(url)
        first = None
        for people in sizes:
            started = time.perf_counter()
            coverage_data.generate(url, people)
            if args.extra_index:
                coverage_data.add_index(url, args.extra_index)
            loaded = time.perf_counter() - started
            result = measure(url, args.runs)
            print(row(backend, people, loaded, result, first), flush=True)
            first = first or result


if __name__ == "__main__":
    main()
