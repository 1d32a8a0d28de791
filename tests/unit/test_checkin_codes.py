"""Rotating check-in codes and check-in tickets: pure functions, no app."""

from __future__ import annotations

import ast
import hashlib
import hmac
import time
from datetime import UTC, datetime
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from academy.sessions import checkin, codes

SECRET = "a" * 64
T0 = 1_700_000_010.0  # the start of a 15-second step (1_700_000_010 = 15 * 113_333_334)


def test_t0_is_a_step_boundary():
    assert T0 % codes.STEP == 0


def test_code_is_stable_within_a_step_and_changes_at_the_boundary():
    first = codes.code_at(SECRET, 7, T0)
    assert codes.code_at(SECRET, 7, T0 + 14.999) == first
    assert codes.code_at(SECRET, 7, T0 + 15) != first
    assert codes.code_at(SECRET, 7, T0 - 0.001) != first


def test_code_is_an_hmac_of_session_and_step():
    """Nothing stored per code: anyone holding the secret derives the same code (any number of screens)."""
    token, _short = codes.code_at(SECRET, 7, T0)
    digest = hmac.new(SECRET.encode(), b"academy.checkin.v1:7:%d" % (T0 // 15), hashlib.sha256).digest()
    import base64

    assert token == base64.urlsafe_b64encode(digest[:18]).decode().rstrip("=")
    assert codes.code_at(SECRET.encode(), 7, T0) == codes.code_at(SECRET, 7, T0)


@given(st.integers(min_value=1, max_value=10**9), st.floats(min_value=0, max_value=4e9))
def test_short_code_uses_only_the_unambiguous_alphabet(session_id, t):
    token, short = codes.code_at(SECRET, session_id, t)
    assert len(short) == 6 and set(short) <= set(codes.ALPHABET)
    assert len(token) == 24 and token.isascii() and "/" not in token and "+" not in token


def test_alphabet_has_no_look_alikes():
    assert not set("01OIL") & set(codes.ALPHABET)
    assert len(set(codes.ALPHABET)) == len(codes.ALPHABET) == 31


@pytest.mark.parametrize("kind", [0, 1])  # 0: QR token, 1: short code
@pytest.mark.parametrize(("shown_at", "checked_at", "accepted"), [
    (T0, T0, True),  # same moment
    (T0, T0 + 14.9, True),  # same step
    (T0, T0 + 15, True),  # one step later: the grace step
    (T0 + 14.9, T0 + 29.9, True),  # end of the grace step
    (T0, T0 + 30, False),  # two steps later: replay of an old code refused
    (T0, T0 + 300, False),  # much later
    (T0 + 15, T0, False),  # a code from the future is not accepted
])
def test_verify_accepts_the_current_and_previous_step_only(kind, shown_at, checked_at, accepted):
    given_code = codes.code_at(SECRET, 7, shown_at)[kind]
    assert codes.verify(SECRET, 7, given_code, checked_at) is accepted


def test_grace_is_configurable_and_zero_means_current_step_only():
    old = codes.code_at(SECRET, 7, T0)[0]
    assert not codes.verify(SECRET, 7, old, T0 + 15, grace=0)
    assert codes.verify(SECRET, 7, old, T0 + 30, grace=2)


def test_wrong_session_or_secret_is_refused():
    token, short = codes.code_at(SECRET, 7, T0)
    assert not codes.verify(SECRET, 8, token, T0)
    assert not codes.verify(SECRET, 8, short, T0)
    assert not codes.verify("b" * 64, 7, token, T0)


def test_short_code_is_forgiving_about_case_spaces_and_dashes():
    _token, short = codes.code_at(SECRET, 7, T0)
    assert codes.verify(SECRET, 7, f" {short[:3].lower()} - {short[3:]} ", T0)


@pytest.mark.parametrize("junk", ["", "x", "A" * 6, "A" * 65, "é" * 6, "../../etc", "\x00" * 24])
def test_junk_is_refused_without_error(junk):
    assert codes.verify(SECRET, 7, junk, T0) is False


def test_qr_token_is_case_sensitive():
    token, _short = codes.code_at(SECRET, 7, T0)
    flipped = token.swapcase()
    assert flipped != token and not codes.verify(SECRET, 7, flipped, T0)


def test_seconds_left_counts_down_to_the_rotation():
    assert codes.seconds_left(T0) == 15
    assert codes.seconds_left(T0 + 10) == pytest.approx(5)


def test_codes_rotate_in_real_time():
    now = time.time()
    assert codes.verify(SECRET, 1, codes.code_at(SECRET, 1, now)[1], time.time())


# --- tickets ------------------------------------------------------------------------------------------------


def test_ticket_round_trip_keeps_session_method_binding_and_time():
    before = datetime.now(UTC).replace(microsecond=0)
    token = checkin.make_ticket("key", 42, "qr", "bind")
    ticket = checkin.read_ticket("key", token)
    assert (ticket.session_id, ticket.method, ticket.binding) == (42, "qr", "bind")
    assert before <= ticket.issued_at <= datetime.now(UTC)
    assert checkin.seconds_remaining(ticket, ticket.issued_at) == 600


def test_ticket_with_another_key_or_tampered_is_refused():
    token = checkin.make_ticket("key", 42, "qr", "bind")
    assert checkin.read_ticket("other", token) is None
    assert checkin.read_ticket("key", token[:-2] + ("AA" if token[-2:] != "AA" else "BB")) is None
    assert checkin.read_ticket("key", "") is None


def test_ticket_expires(monkeypatch):
    token = checkin.make_ticket("key", 42, "code", "bind")
    assert checkin.read_ticket("key", token, max_age=600) is not None
    real = time.time
    monkeypatch.setattr(time, "time", lambda: real() + 601)
    assert checkin.read_ticket("key", token, max_age=600) is None


def test_unknown_method_is_refused():
    with pytest.raises(ValueError):
        checkin.make_ticket("key", 1, "telepathy", "bind")


@pytest.mark.parametrize("module", ["codes.py", "checkin.py"])
def test_pure_modules_import_no_flask_or_sqlalchemy(module):
    source = (Path(codes.__file__).parent / module).read_text()
    names = set()
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Import):
            names |= {a.name.split(".")[0] for a in node.names}
        elif isinstance(node, ast.ImportFrom):
            names.add((node.module or "").split(".")[0])
    assert not names & {"flask", "flask_login", "flask_sqlalchemy", "sqlalchemy", "academy"}
