"""`academy demo` fills the demo communities so the dashboard, chart and projections mean something, once."""

import pytest
from sqlalchemy import func, select

from academy.certificates.models import Certificate
from academy.coverage.models import Target
from academy.extensions import db
from academy.sessions.models import TrainingSession
from tests.conftest import REAL_CURRICULA
from tests.coverage_fixtures import figures_fixture  # noqa: F401 (fixture)


@pytest.fixture
def app_config() -> dict:
    return {"ACADEMY_CURRICULA": str(REAL_CURRICULA)}


def count(model) -> int:
    return db.session.scalar(select(func.count()).select_from(model))


def test_demo_coverage_is_meaningful_and_idempotent(make_community, figures):
    from academy.coverage import demo

    ctx = {
        "communities": {
            "riverside": make_community("riverside"),
            "fraser-valley": make_community("fraser-valley"),
        },
        "users": {},
    }
    lines = demo.populate(ctx)
    db.session.commit()
    assert any("170 people" in line for line in lines)
    before = (count(Certificate), count(Target), count(TrainingSession))
    assert before[0] > 400 and before[1] > 30 and before[2] > 20
    demo.populate(ctx)
    db.session.commit()
    assert (count(Certificate), count(Target), count(TrainingSession)) == before

    from academy.coverage.access import current_period

    dash = figures(ctx["communities"]["riverside"], str(current_period()))
    history = dash.total.counts.history
    assert history[0] < history[-1] and dash.total.counts.lapsed > 0
    assert {row.projection.status for row in dash.with_target} & {"on-pace", "reached"}
    assert any(row.counts.in_person for row in dash.rows) and any(row.counts.self_paced for row in dash.rows)
    assert dash.activity.sessions > 0


def test_the_demo_logs_every_certificate_it_issues_and_revokes(app):
    from academy import demo
    from academy.certificates.models import AuditEvent

    demo.populate()

    def events(action: str) -> int:
        return db.session.scalar(select(func.count()).select_from(AuditEvent).where(AuditEvent.action == action))

    revoked = db.session.scalar(
        select(func.count()).select_from(Certificate).where(Certificate.revoked_at.is_not(None)))
    assert events("certificate.issued") == count(Certificate)
    # the certificates demo's own revocation and the coverage data's
    assert events("certificate.revoked") == revoked >= 2
