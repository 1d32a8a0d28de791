"""The curriculum held by each process: cached renders, and a broken reload never half-loads."""

from __future__ import annotations

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


def test_second_load_comes_from_the_cache_and_equals_the_first(tmp_path):
    folder, cache = _copy(tmp_path), tmp_path / "cache"
    first = Catalog(str(folder), str(cache)).get()
    assert len(list(cache.glob("curriculum-*.pickle"))) == 1
    second = Catalog(str(folder), str(cache)).get()
    assert second.courses["basics"].lessons == first.courses["basics"].lessons
    assert second.courses["basics"].version == first.courses["basics"].version


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
