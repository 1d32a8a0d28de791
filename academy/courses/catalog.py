"""The loaded curriculum, held once per process: rendered at load, never per request."""

from __future__ import annotations

import hashlib
import logging
import os
import pickle
import tempfile
import threading
import time
from pathlib import Path

from flask import Flask, current_app

from academy.curriculum import CurriculumError, load_curriculum
from academy.curriculum.model import Course, Curriculum

log = logging.getLogger(__name__)

EXTENSION_KEY = "academy.catalog"


RETRY_AFTER = 30.0  # seconds between load attempts while no curriculum is loaded (lazy mode only)
LAST_GOOD = "last-good"  # names the render cache file of the last curriculum that loaded


class CurriculumUnavailable(Exception):
    """No good curriculum has been loaded in this process."""


class NoGoodCurriculum(RuntimeError):
    """The app cannot start: the curriculum is broken and no good version was ever loaded here."""


class Catalog:
    """Holds the last good curriculum; a broken reload leaves it in place and is reported as degraded.

    The last good version is also kept in the cache folder, so a worker started (or restarted) while the files
    are broken serves it too, instead of starting without courses.
    """

    def __init__(self, path: str, cache_dir: str | None = None):
        self.path = path
        self.cache_dir = cache_dir
        self._curriculum: Curriculum | None = None
        self._lock = threading.Lock()
        self._last_attempt = float("-inf")
        self._digest: str | None = None
        self.last_error: CurriculumError | None = None

    def get(self) -> Curriculum:
        if self._curriculum is None and time.monotonic() - self._last_attempt >= RETRY_AFTER:
            self.reload()  # at most once per RETRY_AFTER, not once per request
        if self._curriculum is None:
            raise CurriculumUnavailable(str(self.last_error))
        return self._curriculum

    @property
    def current(self) -> Curriculum | None:
        """The curriculum loaded now, without loading one (None before the first load)."""
        return self._curriculum

    @property
    def degraded(self) -> bool:
        """True when the files on disk are broken and an older good version is being served."""
        return self.last_error is not None and self._curriculum is not None

    def reload(self) -> Curriculum | None:
        """Load the curriculum again; on errors keep the previous (or the saved last good) one and log why."""
        with self._lock:
            self._last_attempt = time.monotonic()
            try:
                self._curriculum = self._load()
                self.last_error = None
                self._save_last_good(self._curriculum)
            except CurriculumError as exc:
                self.last_error = exc
                if self._curriculum is None:
                    self._curriculum = self._read_last_good()
                log.error("curriculum at %s has %d problem(s); %s:\n%s", self.path, len(exc.problems),
                          "serving the last good version" if self._curriculum else "no good version to serve",
                          exc)
        return self._curriculum

    def _save_last_good(self, curriculum: Curriculum) -> None:
        if not self.cache_dir:
            return
        name = f"curriculum-{self._digest or content_digest(self.path)}.pickle"
        pointer = Path(self.cache_dir) / LAST_GOOD
        try:
            if pointer.read_text() == name:
                return
        except OSError:
            pass
        if not (Path(self.cache_dir) / name).exists():  # saved beside the render cache, under its own name
            _write_atomically(Path(self.cache_dir) / name, pickle.dumps(curriculum, protocol=pickle.HIGHEST_PROTOCOL))
        _write_atomically(pointer, name.encode())

    def _read_last_good(self) -> Curriculum | None:
        if not self.cache_dir:
            return None
        try:
            name = (Path(self.cache_dir) / LAST_GOOD).read_text().strip()
            if not name.startswith("curriculum-") or "/" in name:
                return None
            with (Path(self.cache_dir) / name).open("rb") as fh:
                return pickle.load(fh)  # noqa: S301 - written by this app into its own instance folder
        except (OSError, pickle.PickleError, EOFError, AttributeError, ImportError, TypeError):
            return None

    def _load(self) -> Curriculum:
        """Load through the render cache: rendering runs once per content change, not once per worker."""
        if not self.cache_dir:
            return load_curriculum(self.path)
        self._digest = content_digest(self.path)
        cache_file = Path(self.cache_dir) / f"curriculum-{self._digest}.pickle"
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
    if not app.config.get("ACADEMY_LAZY_CURRICULUM") and catalog.reload() is None:
        raise NoGoodCurriculum(f"Refusing to start: the curriculum at {catalog.path} has problems and no good "
                               f"version was loaded before. Fix these (`academy curricula check`):\n"
                               f"{catalog.last_error}")

    @app.context_processor
    def _curriculum_health() -> dict:
        return {"curriculum_problems": catalog.last_error.problems if catalog.degraded else ()}


def health(app: Flask) -> dict:
    """The curriculum's part of /healthz: nothing when fine; a count (paths stay private) when degraded."""
    catalog = app.extensions.get(EXTENSION_KEY)
    if catalog is None or catalog.last_error is None:
        return {}
    return {"status": "degraded",
            "curriculum": f"{len(catalog.last_error.problems)} problem(s); "
                          + ("serving the last good version" if catalog.current else "no curriculum loaded")}


def curriculum() -> Curriculum:
    """Return the current app's curriculum."""
    return current_app.extensions[EXTENSION_KEY].get()


def get_course(slug: str) -> Course | None:
    return curriculum().courses.get(slug)
