"""Time the bi-annual report (report.build: coverage, knowledge gain, indicators, events, meetings, checklist,
local services, feedback) for the largest community of the coverage data set, on SQLite and PostgreSQL.

The data: bench/coverage_data.py (100,000 people, about 300,000 certificates, sessions and attendance), plus a
pre-test and a quiz for every third person of the largest community, with two tagged questions each, and 300
feedback forms. The target: under 1 s.

    python bench/report_bench.py                  # both backends
    python bench/report_bench.py --backends sqlite --runs 5
    python bench/report_bench.py --backends sqlite --reuse    # the data of the last run
"""

from __future__ import annotations

import argparse
import random
from datetime import UTC, datetime

import coverage_bench
import coverage_data
from sqlalchemy import delete, func, insert, select

from academy import create_app
from academy.accounts.models import Community, User
from academy.certificates.models import Certificate
from academy.coverage.models import Assessment, AssessmentIndicator, Feedback
from academy.extensions import db

PEOPLE = 100_000


def add_evidence(community_id: int) -> int:
    """Add pre-tests, quizzes and feedback for the community's people; return how many assessments."""
    rng = random.Random(3)
    for table in (AssessmentIndicator, Assessment, Feedback):  # a reused database: start again
        db.session.execute(delete(table))
    people = list(db.session.execute(select(User.id, User.sector).where(User.community_id == community_id)))
    rows, tags, aid = [], [], 0
    for uid, sector in people[::3]:
        for stage, when in (("pre", datetime(2026, 2, 1, tzinfo=UTC)), ("post", datetime(2026, 3, 1, tzinfo=UTC))):
            aid += 1
            right = rng.randint(1, 5) if stage == "pre" else rng.randint(3, 5)
            rows.append({"id": aid, "user_id": uid, "community_id": community_id, "course_slug": "foundation",
                         "sector": sector, "stage": stage, "taken_at": when, "asked": 5, "correct": right})
            for tag in ("identifies-trafficking", "knows-hotline"):
                tags.append({"assessment_id": aid, "indicator": tag, "asked": 1, "correct": rng.randint(0, 1)})
    db.session.execute(insert(Assessment), rows)
    db.session.execute(insert(AssessmentIndicator), tags)
    db.session.execute(insert(Feedback), [
        {"community_id": community_id, "course_slug": "foundation", "relevance": rng.randint(3, 5),
         "confidence_before": 2, "confidence_after": 4, "will_do": "", "comment": "",
         "submitted_at": datetime(2026, 4, 1, tzinfo=UTC)} for _ in range(300)])
    db.session.commit()
    return len(rows)


def measure(url: str, runs: int) -> dict:
    from academy.courses.catalog import curriculum
    from academy.coverage import access, periods, report

    app = create_app({"TESTING": True, "SECRET_KEY": "bench", "SQLALCHEMY_DATABASE_URI": url,
                      "INSTANCE_PATH": "/tmp/academy-report-bench-instance",  # noqa: S108 (a throwaway benchmark)
                      "ACADEMY_CURRICULA": str(coverage_bench.ROOT / "curricula")})
    with app.app_context(), app.test_request_context():
        largest = coverage_bench.communities_by_size()[0]
        assessments = add_evidence(largest)
        community = db.session.get(Community, largest)
        sectors, courses = list(curriculum().sectors.values()), access.course_sectors()
        period = periods.parse(coverage_bench.PERIOD)
        counter = coverage_bench.QueryCounter(db.engine)
        before = counter.count
        built = report.build(community, period, sectors, courses)
        queries = counter.count - before
        timing = coverage_bench.timed(lambda: report.build(community, period, sectors, courses), runs)
        result = {"people": db.session.scalar(select(func.count(User.id))),
                  "certificates": db.session.scalar(select(func.count(Certificate.id))),
                  "assessments": assessments, "queries": queries, "report": timing,
                  "trained": built.dash.total.counts.trained, "learners": built.gain_total.learners}
        db.session.remove()
        db.engine.dispose()
    return result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--backends", default="sqlite,postgresql")
    parser.add_argument("--runs", type=int, default=7)
    parser.add_argument("--people", type=int, default=PEOPLE)
    parser.add_argument("--reuse", action="store_true", help="keep the data of an earlier run (same --people)")
    args = parser.parse_args()
    for backend in args.backends.split(","):
        url = coverage_bench.SQLITE if backend == "sqlite" else coverage_bench.POSTGRES
        if backend != "sqlite":
            coverage_bench.ensure_postgres_database(url)
        if not args.reuse:
            coverage_data.generate(url, args.people)
        found = measure(url, args.runs)
        t = found["report"]
        print(f"{backend}: {found['people']:,} people, {found['certificates']:,} certificates; largest community "
              f"{found['trained']:,} trained, {found['learners']:,} pre/post pairs ({found['assessments']:,} "
              f"assessments); {found['queries']} queries; report median {t['median']:.0f} ms, "
              f"min {t['min']:.0f}, worst {t['worst']:.0f}, CPU {t['cpu']:.0f} ms")


if __name__ == "__main__":
    main()
