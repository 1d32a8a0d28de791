"""Numbered revocation status lists: a full list opens the next, each served and signed at its own URL."""

from __future__ import annotations

import json
import threading
from datetime import UTC, datetime

import pytest
from sqlalchemy import func, select

from academy.certificates import credentials, service, statuslist
from academy.certificates.models import Certificate
from academy.certificates.statuslist import StatusList
from academy.extensions import db
from tests.certificates_fixtures import course, issue, signing_key  # noqa: F401 (fixtures)

CAPACITY = 3


@pytest.fixture
def app_config():
    return {"ACADEMY_STATUS_LIST_CAPACITY": CAPACITY}


@pytest.fixture
def draws(monkeypatch):
    """Script the random status indexes: the given ones first, then random ones as usual."""
    script: list[int] = []
    lock = threading.Lock()
    real = statuslist.random_index

    def _next(size: int = statuslist.MIN_SIZE) -> int:
        with lock:
            return script.pop(0) if script else real(size)

    monkeypatch.setattr(statuslist, "random_index", _next)
    return script


def served(client, list_id: int) -> dict:
    response = client.get(f"/api/v1/status-lists/{list_id}")
    assert response.status_code == 200, response.data
    return response.get_json()


def bit(status_list: dict, index: int) -> bool:
    return StatusList.decode(status_list["credentialSubject"]["encodedList"]).get(index)


def credential_of(client, cert) -> dict:
    return client.get(f"/api/v1/certificates/{cert.code}/credential").get_json()


def test_a_full_list_overflows_into_the_next(client, issue, make_user, signing_key):
    assert client.get("/api/v1/status-lists/2").status_code == 404
    certs = [issue(make_user("trainee")) for _ in range(CAPACITY + 2)]
    assert [c.status_list_id for c in certs] == [1] * CAPACITY + [2, 2]
    assert all(0 <= c.status_index < statuslist.MIN_SIZE for c in certs)
    second = served(client, 2)
    assert second["id"] == "https://academy.test/api/v1/status-lists/2"
    assert credentials.verify(second).ok and StatusList.decode(second["credentialSubject"]["encodedList"]).size
    assert client.get("/api/v1/status/2").get_json() == second
    assert client.get("/api/v1/status-lists/3").status_code == 404


def test_revoking_in_list_2_flips_its_bit_there_and_not_in_list_1(client, issue, make_user, signing_key, draws):
    draws.extend([7, 8, 9, 7])  # the fourth certificate opens list 2 at the index a list-1 certificate holds
    first, *_, fourth = [issue(make_user("trainee")) for _ in range(CAPACITY + 1)]
    assert (first.status_list_id, first.status_index) == (1, 7)
    assert (fourth.status_list_id, fourth.status_index) == (2, 7)
    document = credential_of(client, fourth)
    assert credentials.verify(document).ok
    assert document["credentialStatus"]["statusListCredential"] == "https://academy.test/api/v1/status-lists/2"
    assert document["credentialStatus"]["statusListIndex"] == "7"
    list_1_before = served(client, 1)
    assert credentials.check_status(document, served(client, 2), now=datetime.now(UTC)) == "ok"

    service.revoke_certificate(fourth, make_user("admin"), "issued in error")
    db.session.commit()

    list_1, list_2 = served(client, 1), served(client, 2)
    assert bit(list_2, 7) and not bit(list_1, 7)
    assert list_1 == list_1_before
    assert credentials.verify(list_2).ok
    now = datetime.now(UTC)
    assert credentials.check_status(document, list_2, now=now) == "revoked"
    assert credentials.check_status(credential_of(client, first), list_1, now=now) == "ok"
    assert credentials.check_status(document, list_1, now=now) == "the status list is not the one the credential names"


def test_cli_verifies_credentials_of_both_lists(client, runner, issue, make_user, signing_key, tmp_path):
    certs = [issue(make_user("trainee")) for _ in range(CAPACITY + 1)]
    old, new = certs[0], certs[-1]
    assert (old.status_list_id, new.status_list_id) == (1, 2)

    def verify(cert, list_id: int):
        document, status = tmp_path / f"credential-{cert.id}.json", tmp_path / f"list-{list_id}.json"
        document.write_text(json.dumps(credential_of(client, cert)))
        status.write_text(json.dumps(served(client, list_id)))
        return runner.invoke(args=["credentials", "verify", str(document), "--status-list", str(status)])

    for cert, list_id in ((old, 1), (new, 2)):
        result = verify(cert, list_id)
        assert result.exit_code == 0 and "ok   status: not revoked" in result.output, result.output
    service.revoke_certificate(new, make_user("admin"), "x")
    db.session.commit()
    revoked = verify(new, 2)
    assert revoked.exit_code == 1 and "FAIL status: revoked" in revoked.output
    assert verify(old, 1).exit_code == 0
    wrong = verify(new, 1)
    assert wrong.exit_code == 4 and "the status list is not the one the credential names" in wrong.output
    assert wrong.output.rstrip().endswith("status unknown")


def test_a_taken_index_is_drawn_again(issue, make_user, draws):
    draws.extend([5, 5, 6])
    first, second = issue(make_user("trainee")), issue(make_user("trainee"))
    assert (first.status_index, second.status_index) == (5, 6)
    assert db.session.scalar(select(func.count(Certificate.id))) == 2


def test_two_workers_issuing_at_once_get_different_places(app, make_user, course, draws):
    """Both draw index 11: the unique constraint refuses the later INSERT, which draws again (SQLite: waits)."""
    from academy.accounts.models import User

    draws.extend([11, 11])
    user_ids = [make_user("trainee").id for _ in range(2)]
    barrier, results, errors = threading.Barrier(2), [], []

    def worker(user_id: int) -> None:
        try:
            with app.app_context():
                user = db.session.get(User, user_id)
                barrier.wait(timeout=10)
                cert = service.issue_certificate(user, course("basics"), via="self-paced")
                db.session.commit()
                results.append((cert.status_list_id, cert.status_index))
        except Exception as error:  # noqa: BLE001 (reported to the main thread below)
            errors.append(error)

    threads = [threading.Thread(target=worker, args=(user_id,)) for user_id in user_ids]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    assert errors == [] and len(results) == 2
    assert len(set(results)) == 2 and (1, 11) in results


def test_an_issue_rolled_back_leaves_nothing_behind(issue, make_user, course):
    """The savepoint around the INSERT must not commit it early (pysqlite's outermost SAVEPOINT would)."""
    service.issue_certificate(make_user("trainee"), course("basics"), via="self-paced")
    db.session.rollback()
    assert db.session.scalar(select(func.count(Certificate.id))) == 0


@pytest.mark.parametrize(("configured", "capacity"), [(CAPACITY, CAPACITY), (10**6, 65_536), (0, 1)])
def test_a_list_never_takes_more_than_half_its_entries(app, configured, capacity):
    app.config["ACADEMY_STATUS_LIST_CAPACITY"] = configured
    assert service.status_list_capacity() == capacity


def test_by_default_a_list_takes_65536_credentials(app):
    del app.config["ACADEMY_STATUS_LIST_CAPACITY"]
    assert service.status_list_capacity() == 65_536 == statuslist.MIN_SIZE // 2
