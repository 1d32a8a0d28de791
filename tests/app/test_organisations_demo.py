"""`academy demo` shows the trained-organisation credential: a rule, an awarded organisation, one below it."""

import pytest
from sqlalchemy import func, select

from academy.extensions import db
from academy.organisations import awards
from academy.organisations.models import CredentialRule, Organisation, OrganisationAward
from tests.conftest import REAL_CURRICULA


@pytest.fixture
def app_config() -> dict:
    return {"ACADEMY_CURRICULA": str(REAL_CURRICULA)}


def test_the_demo_has_a_rule_an_awarded_organisation_and_one_below_it(client, auth, make_community, make_user):
    from academy.coverage import demo as coverage_demo
    from academy.organisations import demo

    riverside = make_community("riverside", "Riverside Coalition")
    coordinator = make_user("coordinator", sector=None, subrole=None, community=riverside, coordinates=[riverside])
    ctx = {"communities": {"riverside": riverside, "fraser-valley": make_community("fraser-valley")},
           "users": {"coordinator": coordinator}}
    coverage_demo.populate(ctx)
    db.session.commit()
    lines = demo.populate(ctx)
    db.session.commit()
    rule = db.session.scalar(select(CredentialRule))
    assert rule.community_id == riverside.id and rule.sector == "law-enforcement"
    assert f"/organisations/credential-rules/{rule.id}" in "\n".join(lines)
    results = {e.organisation.name: e for e in awards.evaluate(rule)}
    assert results["Riverside Police Department"].holds and results["Riverside Police Department"].members >= 5
    assert not results["Riverside County Sheriff's Office"].holds
    award = db.session.scalar(select(OrganisationAward))
    assert award.organisation.name == "Riverside Police Department" and award.status() == "valid"

    demo.populate(ctx)  # idempotent
    db.session.commit()
    assert [db.session.scalar(select(func.count()).select_from(model))
            for model in (CredentialRule, Organisation, OrganisationAward)] == [1, 2, 1]

    auth.login(coordinator)
    page = client.get(f"/organisations/credential-rules/{rule.id}").get_data(as_text=True)
    assert "Riverside Police Department" in page and "Riverside County Sheriff" in page and "Valid" in page

