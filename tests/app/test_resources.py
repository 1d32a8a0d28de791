"""The resource directory: every entry with its details and anchor, filtered by jurisdiction."""

from __future__ import annotations

import pytest

from academy.courses.catalog import curriculum

US = ("us-nhth", "us-hsi-tipline", "us-ncmec", "us-911")
CA = ("ca-hotline", "ca-crime-stoppers", "ca-911")
BC = ("bc-victimlink", "bc-octip")


def shown(html: str) -> set[str]:
    return {rid for rid in US + CA + BC if f'id="{rid}"' in html}


def test_everything_is_listed_with_its_details_for_visitors(client):
    response = client.get("/resources")
    html = response.get_data(as_text=True)
    assert response.status_code == 200
    assert shown(html) == set(US + CA + BC)
    assert html.index("United States") < html.index("Canada") < html.index("British Columbia")
    hotline = curriculum().resources["us-nhth"]
    for value in (hotline.name, hotline.phone, hotline.text, hotline.url, hotline.hours, hotline.languages,
                  hotline.verified_on):
        assert value in html
    assert "Operated by Polaris" in html and 'href="tel:1-888-373-7888"' in html
    assert "humantraffickinghotline.org, &#34;What We Do&#34;" in html  # the source, escaped
    assert '<form method="get"' in html and 'name="jurisdiction"' in html


@pytest.mark.parametrize(("jurisdiction", "expected"), [
    ("us", US),
    ("ca", CA),
    ("ca-bc", CA + BC),  # a province's page keeps the national services
    ("", US + CA + BC),
    ("atlantis", US + CA + BC),  # unknown: everything, not an error
])
def test_filter_by_jurisdiction(client, jurisdiction, expected):
    html = client.get(f"/resources?jurisdiction={jurisdiction}").get_data(as_text=True)
    assert shown(html) == set(expected)


def test_signed_in_users_see_their_communitys_jurisdiction_first(client, login, make_community):
    community = make_community("fraser", jurisdiction="ca-bc")
    login("trainee", community=community)
    html = client.get("/resources").get_data(as_text=True)
    assert shown(html) == set(CA + BC)
    assert '<option selected value="ca-bc">' in html
    assert shown(client.get("/resources?jurisdiction=").get_data(as_text=True)) == set(US + CA + BC)


def test_signed_in_users_without_a_community_see_everything(client, login):
    login("trainee")
    assert shown(client.get("/resources").get_data(as_text=True)) == set(US + CA + BC)
