"""The loaded curriculum, held once per process: rendered at load, never per request."""

from __future__ import annotations

import hashlib
import logging
import os
import pickle
import tempfile
import threading
from pathlib import Path

from flask import Flask, current_app

from academy.curriculum import CurriculumError, load_curriculum
from academy.curriculum.model import Course, Curriculum

log = logging.getLogger(__name__)

EXTENSION_KEY = "academy.catalog"


class CurriculumUnavailable(Exception):
    """No good curriculum has been loaded in this process."""


class Catalog:
    """Holds the last good curriculum; a broken reload leaves it in place."""

    def __init__(self, path: str, cache_dir: str | None = None):
        self.path = path
        self.cache_dir = cache_dir
        self._curriculum: Curriculum | None = None
        self._lock = threading.Lock()
        self.last_error: CurriculumError | None = None

    def get(self) -> Curriculum:
        if self._curriculum is None:
            self.reload()
        if self._curriculum is None:
            raise CurriculumUnavailable(str(self.last_error))
        return self._curriculum

    @property
    def current(self) -> Curriculum | None:
        """The curriculum loaded now, without loading one (None before the first load)."""
        return self._curriculum

    def reload(self) -> Curriculum | None:
        """Load the curriculum again; on errors keep the previous one and remember the errors."""
        with self._lock:
            try:
                self._curriculum = self._load()
                self.last_error = None
            except CurriculumError as exc:
                self.last_error = exc
                log.error("curriculum at %s has %d problem(s); keeping the last good one", self.path,
                          len(exc.problems))
        return self._curriculum


    def _load(self) -> Curriculum:
        """Load through the render cache: rendering runs once per content change, not once per worker."""
        if not self.cache_dir:
            return load_curriculum(self.path)
        cache_file = Path(self.cache_dir) / f"curriculum-{content_digest(self.path)}.pickle"
        try:
            with cache_file.open("rb") as fh:
                return pickle.load(fh)  # noqa: S301 - written by this app into its own instance folder
        except (OSError, pickle.PickleError, EOFError, AttributeError, ImportError):
            pass
        curriculum = load_curriculum(self.path)
        _write_atomically(cache_file, pickle.dumps(curriculum, protocol=pickle.HIGHEST_PROTOCOL))
        return curriculum


_ENGINE_DIR = Path(__file__).resolve().parent.parent / "curriculum"


def content_digest(path: str) -> str:
    """Hash every curriculum file and the engine's own source, so either changing invalidates the cache."""
    digest = hashlib.sha256()
    for root in (Path(path), _ENGINE_DIR):
        for file in sorted(p for p in root.rglob("*") if p.is_file() and not p.name.startswith(".")):
            if file.suffix == ".pyc":
                continue
            digest.update(str(file.relative_to(root)).encode() + b"\0" + file.read_bytes() + b"\0")
    return digest.hexdigest()[:20]


def _write_atomically(target: Path, data: bytes) -> None:
    try:
        target.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(dir=target.parent, prefix=".tmp-")
        with os.fdopen(fd, "wb") as fh:
            fh.write(data)
        os.replace(tmp, target)
    except OSError as exc:  # a read-only instance folder only costs speed
        log.warning("could not write the curriculum cache %s: %s", target, exc)


def init_app(app: Flask) -> None:
    cache_dir = app.config.get("ACADEMY_CURRICULUM_CACHE", os.path.join(app.instance_path, "cache"))
    catalog = Catalog(app.config["ACADEMY_CURRICULA"], cache_dir or None)
    app.extensions[EXTENSION_KEY] = catalog
    if not app.config.get("ACADEMY_LAZY_CURRICULUM"):
        catalog.reload()


def curriculum() -> Curriculum:
    """Return the current app's curriculum."""
    return current_app.extensions[EXTENSION_KEY].get()


def get_course(slug: str) -> Course | None:
    return curriculum().courses.get(slug)
