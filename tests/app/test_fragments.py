"""The shared header and footer are cached per language and role: each visitor must still see their own."""

import re

import pytest

from academy.fragments import CSRF_MARK, NEXT_MARK


@pytest.fixture
def app_config():
    return {"WTF_CSRF_ENABLED": True}


def _csrf(html: str) -> str:
    return re.search(r'name="csrf_token" value="([^"]+)"', html).group(1)


def _nav(html: str) -> str:
    return re.search(r'<nav aria-label="[^"]*" class="main-nav">(.*?)</nav>', html, re.S).group(1)


def _sign_in(client, user):
    page = client.get("/login").get_data(as_text=True)
    token = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', page).group(1)
    response = client.post("/login", data={"csrf_token": token, "email": user.email, "password": "correct-horse-1"})
    assert response.status_code == 302


def test_each_role_sees_its_own_navigation_after_another_role_filled_the_cache(app, make_user):
    trainee = make_user("trainee", password="correct-horse-1")
    auditor = make_user("auditor", password="correct-horse-1")
    first, second = app.test_client(), app.test_client()
    _sign_in(first, trainee)
    _sign_in(second, auditor)
    trainee_nav = _nav(first.get("/courses").get_data(as_text=True))
    auditor_nav = _nav(second.get("/courses").get_data(as_text=True))
    assert "Audit" not in trainee_nav and "My learning" in trainee_nav
    assert "Audit" in auditor_nav and "Coverage" in auditor_nav
    # Again, now that both are cached: still apart.
    assert "Audit" not in _nav(first.get("/courses").get_data(as_text=True))
    visitor_nav = _nav(app.test_client().get("/courses").get_data(as_text=True))
    assert "Sign in" in visitor_nav and "Sign out" not in visitor_nav


def test_the_cached_header_carries_this_visitors_token_and_return_path(app, make_user):
    trainee = make_user("trainee", password="correct-horse-1")
    client = app.test_client()
    _sign_in(client, trainee)
    html = client.get("/resources?jurisdiction=us").get_data(as_text=True)
    assert CSRF_MARK not in html and NEXT_MARK not in html
    assert 'name="next" value="/resources?jurisdiction=us"' in html
    # The header's sign-out form works: its token is this session's.
    assert client.post("/logout", data={"csrf_token": _csrf(html)}).status_code == 302
    assert "Sign in" in _nav(client.get("/courses").get_data(as_text=True))


def test_a_return_path_is_escaped_in_the_cached_header(client):
    html = client.get('/resources?q="><script>alert(1)</script>').get_data(as_text=True)
    assert "<script>alert(1)" not in html
    assert "&#34;&gt;&lt;script&gt;" in html or "&quot;&gt;&lt;script&gt;" in html


def test_the_header_and_footer_follow_the_language(client):
    client.get("/courses")  # English cached first
    page = client.get("/courses", headers={"Accept-Language": "es"}).get_data(as_text=True)
    assert "Cursos" in _nav(page)
    footer = page[page.index("<footer") :]
    assert "911" in footer and "Hotlines and services" not in footer
    english = client.get("/courses", headers={"Accept-Language": "en"}).get_data(as_text=True)
    assert "Hotlines and services" in english[english.index("<footer") :]
