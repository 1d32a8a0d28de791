"""Whole lesson pages, verified session cookies and signed CSRF tokens are remembered per worker: each reader must
still see their own progress, language, role, messages and token, and a cookie must still expire and be checked."""

import re
import shutil
from pathlib import Path

import pytest
from flask_wtf.csrf import generate_csrf

import academy.courses.catalog as catalog_module
import academy.web
from academy.courses.catalog import EXTENSION_KEY, curriculum
from academy.fragments import CSRF_MARK, NEXT_MARK, PAGES_KEY, cached_page
from tests.conftest import APP_CURRICULA, PASSWORD

LESSON = "/courses/basics/lessons/{}"


@pytest.fixture
def app_config(tmp_path):
    folder = tmp_path / "curricula"  # a copy, so one test can change a lesson and reload
    shutil.copytree(APP_CURRICULA, folder)
    return {"WTF_CSRF_ENABLED": True, "ACADEMY_CURRICULA": str(folder)}


def _sign_in(client, user):
    page = client.get("/login").get_data(as_text=True)
    token = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', page).group(1)
    response = client.post("/login", data={"csrf_token": token, "email": user.email, "password": PASSWORD})
    assert response.status_code == 302


def _reader(app, make_user, role="trainee"):
    client = app.test_client()
    _sign_in(client, make_user(role))
    return client


def _lessons() -> list[str]:
    return [lesson.slug for lesson in curriculum().courses["basics"].lessons]


def _form_token(html: str) -> str:
    """The token of the lesson's own form (mark complete), not the header's."""
    form = re.search(r'<form method="post" action="/courses/basics/lessons/[^"]+/complete">(.*?)</form>', html, re.S)
    return re.search(r'name="csrf_token" value="([^"]+)"', form.group(1)).group(1)


def _progress(html: str) -> str:
    return re.search(r'<div class="course-progress">(.*?)</div>', html, re.S).group(1)


def _cached_pages(app) -> list:
    return [key for key in app.extensions[PAGES_KEY] if key != "source"]


def test_two_readers_of_one_lesson_each_see_their_own_progress_and_token(app, make_user):
    first, second = _lessons()[:2]
    ahead, behind = _reader(app, make_user), _reader(app, make_user)
    page = ahead.get(LESSON.format(first)).get_data(as_text=True)
    assert ahead.post(f"/courses/basics/lessons/{first}/complete",
                      data={"csrf_token": _form_token(page)}).status_code == 302

    mine = ahead.get(LESSON.format(second)).get_data(as_text=True)
    theirs = behind.get(LESSON.format(second)).get_data(as_text=True)  # the same lesson, other progress
    assert "1 of 3 steps done" in _progress(mine) and "0 of 3 steps done" in _progress(theirs)
    assert _form_token(mine) != _form_token(theirs)
    assert CSRF_MARK not in mine + theirs and NEXT_MARK not in mine + theirs
    # Served again, now from the cache: still apart, and each token is accepted only in its own session.
    again = behind.get(LESSON.format(second)).get_data(as_text=True)
    assert _cached_pages(app)
    assert "0 of 3 steps done" in _progress(again) and _form_token(again) == _form_token(theirs)
    complete = f"/courses/basics/lessons/{second}/complete"
    assert behind.post(complete, data={"csrf_token": _form_token(mine)}).status_code == 400
    assert behind.post(complete, data={"csrf_token": _form_token(theirs)}).status_code == 302


def test_a_cached_lesson_shows_completed_once_it_is_marked(app, make_user):
    reader = _reader(app, make_user)
    lesson = _lessons()[0]
    page = reader.get(LESSON.format(lesson)).get_data(as_text=True)
    assert "You have completed this lesson." not in page
    reader.get(LESSON.format(lesson))  # from the cache
    reader.post(f"/courses/basics/lessons/{lesson}/complete", data={"csrf_token": _form_token(page)})
    page = reader.get(LESSON.format(lesson)).get_data(as_text=True)
    assert "You have completed this lesson." in page and "1 of 3 steps done" in _progress(page)


def test_a_waiting_message_is_shown_once_on_a_cached_lesson_and_to_no_one_else(app, make_user):
    reader = _reader(app, make_user)
    url = LESSON.format(_lessons()[0])
    reader.get(url)  # cached now
    with reader.session_transaction() as session:
        session["_flashes"] = [("info", "A message for this reader")]
    assert "A message for this reader" in reader.get(url).get_data(as_text=True)
    assert "A message for this reader" not in reader.get(url).get_data(as_text=True)
    assert "A message for this reader" not in _reader(app, make_user).get(url).get_data(as_text=True)


def test_each_reader_gets_their_language_and_their_roles_header(app, make_user):
    url = LESSON.format(_lessons()[0])
    english = _reader(app, make_user).get(url).get_data(as_text=True)
    spanish = _reader(app, make_user).get(url, headers={"Accept-Language": "es"}).get_data(as_text=True)
    coordinator = _reader(app, make_user, role="coordinator").get(url).get_data(as_text=True)
    assert '<html lang="en">' in english and '<html lang="es">' in spanish
    assert ">Cursos<" in spanish and ">Cursos<" not in english
    assert ">Coverage<" in coordinator and ">Coverage<" not in english


def test_a_return_path_is_this_requests_own_and_escaped(app, make_user):
    reader = _reader(app, make_user)
    url = LESSON.format(_lessons()[0])
    reader.get(url)
    html = reader.get(url + '?from="><script>x</script>').get_data(as_text=True)
    assert "<script>x</script>" not in html
    assert 'name="next" value="/courses/basics/lessons/' in html and "&#34;&gt;&lt;script&gt;" in html


def test_reloading_a_changed_curriculum_drops_the_cached_pages(app, make_user, monkeypatch):
    loader = getattr(catalog_module.load_curriculum, "__wrapped__", catalog_module.load_curriculum)
    monkeypatch.setattr(catalog_module, "load_curriculum", loader)  # conftest memoises loads per folder
    reader = _reader(app, make_user)
    lesson = curriculum().courses["basics"].lessons[0]
    url = LESSON.format(lesson.slug)
    assert "A sentence added after publishing." not in reader.get(url).get_data(as_text=True)
    path = next((Path(app.config["ACADEMY_CURRICULA"]) / "basics").glob("01-*.md"))
    path.write_text(path.read_text().rstrip("\n") + "\n\nA sentence added after publishing.\n")
    app.extensions[EXTENSION_KEY].reload()
    assert "A sentence added after publishing." in reader.get(url).get_data(as_text=True)


def test_a_remembered_session_cookie_still_expires(app, make_user, monkeypatch):
    reader = _reader(app, make_user)
    url = LESSON.format(_lessons()[0])
    assert reader.get(url).status_code == 200  # the cookie is verified and remembered
    later = academy.web.time.time() + app.permanent_session_lifetime.total_seconds() + 60
    monkeypatch.setattr(academy.web.time, "time", lambda: later)
    response = reader.get(url)
    assert response.status_code == 302 and "/login" in response.location


def test_a_changed_session_cookie_is_refused_after_the_real_one_was_remembered(app, make_user):
    reader = _reader(app, make_user)
    url = LESSON.format(_lessons()[0])
    assert reader.get(url).status_code == 200
    cookie = reader.get_cookie("session").value
    forged = app.test_client()
    forged.set_cookie("session", cookie[:-3] + ("xyz" if not cookie.endswith("xyz") else "abc"))
    response = forged.get(url)
    assert response.status_code == 302 and "/login" in response.location


def test_a_page_whose_form_wrote_its_own_token_is_not_cached(app):
    with app.test_request_context("/somewhere"):
        html = cached_page(("own-token",), lambda: f'<input name="csrf_token" value="{generate_csrf()}">')
        assert CSRF_MARK not in html and generate_csrf() in html
    assert not any(key[0] == ("own-token",) for key in _cached_pages(app))
