"""The live check-in count is worded by the server (plural and number format of the reader's language), so the
display's script only puts the phrase in; the first render of the roster and display says the same."""

from __future__ import annotations

import pytest

from academy.extensions import db
from academy.sessions import service
from tests.sessions_fixtures import (  # noqa: F401  (fixtures)
    app_config_fixture,
    make_person_fixture,
    make_session_fixture,
    sessions_curricula_fixture,
)


@pytest.fixture
def trainer(login):
    return login("trainer")


@pytest.mark.parametrize(("locale", "one", "two"), [
    ("en", "1 checked in", "2 checked in"),
    ("es", "1 registrado", "2 registrados"),
    ("fr", "1 enregistré", "2 enregistrés"),
])
def test_the_count_phrase_takes_plurals_in_the_json_and_the_first_render(client, trainer, make_session,
                                                                          make_person, locale, one, two):
    trainer.locale = locale if locale != "en" else None
    db.session.commit()
    session = make_session(trainers=[trainer])
    service.check_in(session, make_person("Ana One"), method="qr")
    db.session.commit()
    data = client.get(f"/sessions/{session.id}/display.json").get_json()
    assert data["count"] == 1 and data["checked_in_text"] == one
    for url, element in ((f"/sessions/{session.id}/display", "display-count"),
                         (f"/sessions/{session.id}", "roster-count")):
        assert f'<strong id="{element}">{one}</strong>' in client.get(url).get_data(as_text=True)
    service.check_in(session, make_person("Bo Two"), method="code")
    db.session.commit()
    data = client.get(f"/sessions/{session.id}/display.json").get_json()
    assert data["count"] == 2 and data["checked_in_text"] == two
    assert f'<strong id="roster-count">{two}</strong>' in client.get(f"/sessions/{session.id}").get_data(as_text=True)


def test_the_script_puts_the_phrase_in_as_text_never_html():
    from pathlib import Path

    script = (Path(__file__).parents[2] / "academy" / "static" / "sessions.js").read_text()
    assert "count.textContent = data.checked_in_text" in script and "innerHTML" not in script
