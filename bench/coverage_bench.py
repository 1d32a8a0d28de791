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


def backend_cpu_reader():
    """Return a function giving the CPU seconds of this session's PostgreSQL backend (when it runs here)."""
    pid = db.session.execute(text("SELECT pg_backend_pid()")).scalar()
    ticks = os.sysconf("SC_CLK_TCK")

    def read() -> float:
        try:
            fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            return 0.0
        return (int(fields[11]) + int(fields[12])) / ticks  # utime + stime

    return read


def timed(function, runs: int, server_cpu=None) -> dict:
    """Time `runs` calls after two warm-ups: wall median, min and worst, and CPU per call (ms).

    CPU (this process, plus the PostgreSQL backend's when it runs on this machine) does not count the time
    spent waiting for a busy machine's cores, so it compares runs better than wall time does.
    """
    function()
    function()
    times = []
    cpu_before = time.process_time() + (server_cpu() if server_cpu else 0)
    for _ in range(runs):
        started = time.perf_counter()
        function()
        times.append((time.perf_counter() - started) * 1000)
    cpu = time.process_time() + (server_cpu() if server_cpu else 0) - cpu_before
    return {"median": statistics.median(times), "min": min(times), "worst": max(times), "cpu": cpu * 1000 / runs}


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
        cpu = backend_cpu_reader() if db.engine.dialect.name == "postgresql" else None
        count_sql = text("SELECT COUNT(*) FROM certificate WHERE community_id = :c")
        result = {
            "certificates": db.session.scalar(select(func.count(Certificate.id))),
            "largest": sizes[largest],
            "middle": sizes[middle],
            "queries": queries,
            "baseline": timed(lambda: db.session.execute(count_sql, {"c": largest}).scalar(), runs, cpu),
            "dash_largest": timed(lambda: service.dashboard(largest, period, sectors, courses), runs, cpu),
            "dash_middle": timed(lambda: service.dashboard(middle, period, sectors, courses), runs, cpu),
            "compare": timed(lambda: service.comparison(period, sectors), max(3, runs // 5), cpu),
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
    dash, mid, base = r["dash_largest"], r["dash_middle"], r["baseline"]
    growth = dash["cpu"] / first["dash_largest"]["cpu"] if first and first["dash_largest"]["cpu"] else 1.0
    return (
        f"{backend:<11} {people:>8,} {r['certificates']:>10,} {r['largest']:>7,} {r['queries']:>2} "
        f"{base['median']:>6.1f} | {dash['median']:>6.1f} {dash['min']:>6.1f} {dash['worst']:>6.1f} "
        f"{dash['cpu']:>6.1f} | {r['middle']:>6,} {mid['median']:>6.1f} {mid['cpu']:>6.1f} | "
        f"{r['compare']['median']:>7.0f} {r['compare']['cpu']:>7.0f} | {growth:>5.1f}x {loaded:>5.0f}s"
    )


HEADER = (
    f"{'backend':<11} {'people':>8} {'certs':>10} {'largest':>7} {'q':>2} {'base':>6} | {'median':>6} {'min':>6} "
    f"{'worst':>6} {'cpu':>6} | {'middle':>6} {'median':>6} {'cpu':>6} | {'median':>7} {'cpu':>7} | "
    f"{'growth':>6} {'load':>6}"
)
TITLE = f"{'':<46} | {'dashboard, largest community':^27} | {'dashboard, middle one':^20} | {'compare 50':^15} |"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--people", default=",".join(str(n) for n in SIZES), help="comma-separated sizes")
    parser.add_argument("--backends", default="sqlite,postgres")
    parser.add_argument("--runs", type=int, default=15)
    parser.add_argument("--extra-index", default=None, help="DDL of a candidate index to add after loading")
    args = parser.parse_args()
    sizes = [int(n) for n in args.people.split(",")]
    print(f"coverage dashboard for one community, period {PERIOD}; median of {args.runs} runs after a warm-up")
    print(
        "(ms; largest/middle = certificates in that community; base = COUNT(*) of the largest one's "
        "certificates; cpu = CPU ms per call, client + PostgreSQL backend, unaffected by other processes; "
        "growth = dashboard cpu against the first size; +ix = the same data with the extra index)"
    )
    if args.extra_index:
        print(f"extra index (+ix): {args.extra_index}")
    print(TITLE)
    print(HEADER)
    for backend in args.backends.split(","):
        url = SQLITE if backend == "sqlite" else POSTGRES
        if backend != "sqlite":
            ensure_postgres_database(url)
        first: dict[str, dict] = {}
        for people in sizes:
            started = time.perf_counter()
            coverage_data.generate(url, people)
            loaded = time.perf_counter() - started
            variants = [(backend, None)] + ([(backend + "+ix", args.extra_index)] if args.extra_index else [])
            for name, index in variants:
                if index:
                    coverage_data.add_index(url, index)
                result = measure(url, args.runs)
                print(row(name, people, loaded, result, first.get(name)), flush=True)
                first.setdefault(name, result)


if __name__ == "__main__":
    main()
