"""The curriculum held by each process: cached renders, and a broken reload never half-loads."""

from __future__ import annotations

import re
import shutil

import pytest

import academy.courses.catalog as catalog_module
from academy.courses.catalog import Catalog, content_digest
from tests.conftest import APP_CURRICULA


@pytest.fixture(autouse=True)
def _uncached_loader(monkeypatch):
    """These tests change files in place, so bypass the per-path memo that conftest puts on the loader."""
    loader = getattr(catalog_module.load_curriculum, "__wrapped__", catalog_module.load_curriculum)
    monkeypatch.setattr(catalog_module, "load_curriculum", loader)


def _copy(tmp_path):
    target = tmp_path / "curricula"
    shutil.copytree(APP_CURRICULA, target)
    return target


@pytest.fixture
def renders(monkeypatch):
    """Count the loads that render the Markdown: the catalog calls the module's `load_curriculum` to render."""
    calls = []
    render = catalog_module.load_curriculum

    def counted(path):
        calls.append(path)
        return render(path)

    monkeypatch.setattr(catalog_module, "load_curriculum", counted)
    return calls


def test_second_load_comes_from_the_cache_and_equals_the_first(tmp_path, renders):
    folder, cache = _copy(tmp_path), tmp_path / "cache"
    first = Catalog(str(folder), str(cache)).get()
    assert renders == [str(folder)]
    assert len(list(cache.glob("curriculum-*.pickle"))) == 1
    second = Catalog(str(folder), str(cache)).get()  # another worker: reads the render, does not redo it
    assert renders == [str(folder)]
    assert second is not first  # read back from the file, not the same object handed over
    assert second.courses["basics"].lessons == first.courses["basics"].lessons
    assert second.courses["basics"].version == first.courses["basics"].version


def test_a_damaged_cache_file_is_rendered_again(tmp_path, renders):
    folder, cache = _copy(tmp_path), tmp_path / "cache"
    first = Catalog(str(folder), str(cache)).get()
    next(cache.glob("curriculum-*.pickle")).write_bytes(b"not a pickle")
    again = Catalog(str(folder), str(cache)).get()
    assert renders == [str(folder), str(folder)]
    assert again.courses["basics"].lessons == first.courses["basics"].lessons


def test_a_changed_lesson_is_rendered_again_not_read_from_the_cache(tmp_path, renders):
    folder, cache = _copy(tmp_path), tmp_path / "cache"
    Catalog(str(folder), str(cache)).get()
    lesson = folder / "basics" / "02-second.md"
    lesson.write_text(lesson.read_text().replace("does not require", "never requires"))
    Catalog(str(folder), str(cache)).get()
    assert len(renders) == 2


def test_changing_a_lesson_changes_the_digest_and_the_render(tmp_path):
    folder, cache = _copy(tmp_path), tmp_path / "cache"
    before = content_digest(str(folder))
    Catalog(str(folder), str(cache)).get()
    lesson = folder / "basics" / "02-second.md"
    lesson.write_text(lesson.read_text().replace("does not require", "never requires"))
    assert content_digest(str(folder)) != before
    html = Catalog(str(folder), str(cache)).get().courses["basics"].lesson("second").html
    assert "never requires" in html


def test_a_broken_reload_keeps_the_last_good_curriculum(tmp_path):
    folder = _copy(tmp_path)
    catalog = Catalog(str(folder), str(tmp_path / "cache"))
    good = catalog.get()
    (folder / "basics" / "course.md").write_text("---\nslug: [broken\n---\n")
    assert catalog.reload() is good
    assert catalog.last_error is not None
    assert any("basics/course.md:3: YAML error" in str(p) for p in catalog.last_error.problems)


# --- a broken curriculum: refuse to start without a good one; otherwise serve the last good one, degraded ---


BREAKAGES = {
    "front matter": ("basics/01-first.md", "---\ntitle: [unclosed\n---\n\nText.\n"),
    "empty sectors": ("sectors.yml", ""),
    "garbage quiz": ("basics/quiz.md", "\x00\x01 not a quiz at all"),
}


def _break(folder, what: str) -> None:
    name, content = BREAKAGES[what]
    path = folder / name
    if what == "garbage quiz" and not path.exists():
        path = next(folder.glob("*/quiz.md"))
    path.write_text(content)


@pytest.mark.parametrize("what", sorted(BREAKAGES))
def test_the_app_refuses_to_start_without_a_good_curriculum(_database, tmp_path, what):
    from academy.courses.catalog import NoGoodCurriculum
    from tests.conftest import make_app

    folder = _copy(tmp_path)
    _break(folder, what)
    with pytest.raises(NoGoodCurriculum) as refused:
        make_app(_database, tmp_path, ACADEMY_CURRICULA=str(folder))
    assert re.search(r"\S+:\d+: ", str(refused.value)), str(refused.value)  # path:line: message


def test_a_worker_started_on_broken_files_serves_the_last_good_version(_database, tmp_path, caplog):
    from academy.extensions import db
    from tests.conftest import make_app

    folder = _copy(tmp_path)
    first = make_app(_database, tmp_path, ACADEMY_CURRICULA=str(folder))
    assert first.test_client().get("/healthz").get_json() == {"status": "ok"}
    _break(folder, "front matter")
    worker = make_app(_database, tmp_path, ACADEMY_CURRICULA=str(folder))  # same instance folder: a restart
    client = worker.test_client()
    with worker.app_context():
        health = client.get("/healthz")
        assert health.status_code == 200 and health.get_json()["status"] == "degraded"
        assert "last good" in health.get_json()["curriculum"] and "01-first" not in health.get_json()["curriculum"]
        assert client.get("/courses").status_code == 200
        db.session.remove()
    assert any("01-first.md" in r.getMessage() for r in caplog.records if r.levelname == "ERROR")


def test_a_broken_reload_is_shown_to_admins_only(app, client, login, tmp_path):
    from academy.courses.catalog import EXTENSION_KEY

    catalog = app.extensions[EXTENSION_KEY]
    folder = _copy(tmp_path)
    catalog.path = str(folder)
    catalog.reload()
    _break(folder, "front matter")
    catalog.reload()
    assert client.get("/healthz").get_json()["status"] == "degraded"
    login("trainee")
    assert "curriculum files have problems" not in client.get("/courses").get_data(as_text=True)
    client.post("/logout")
    login("admin")
    page = client.get("/courses").get_data(as_text=True)
    assert "curriculum files have problems" in page and "01-first.md" in page
