"""The loaded curriculum, held once per process: rendered at load, never per request."""

from __future__ import annotations

import logging
import threading

from flask import Flask, current_app

from academy.curriculum import CurriculumError, load_curriculum
from academy.curriculum.model import Course, Curriculum

log = logging.getLogger(__name__)

EXTENSION_KEY = "academy.catalog"


class CurriculumUnavailable(Exception):
    """No good curriculum has been loaded in this process."""


class Catalog:
    """Holds the last good curriculum; a broken reload leaves it in place."""

    def __init__(self, path: str):
        self.path = path
        self._curriculum: Curriculum | None = None
        self._lock = threading.Lock()
        self.last_error: CurriculumError | None = None

    def get(self) -> Curriculum:
        if self._curriculum is None:
            self.reload()
        if self._curriculum is None:
            raise CurriculumUnavailable(str(self.last_error))
        return self._curriculum

    def reload(self) -> Curriculum | None:
        """Load the curriculum again; on errors keep the previous one and remember the errors."""
        with self._lock:
            try:
                self._curriculum = load_curriculum(self.path)
                self.last_error = None
            except CurriculumError as exc:
                self.last_error = exc
                log.error("curriculum at %s has %d problem(s); keeping the last good one", self.path,
                          len(exc.problems))
        return self._curriculum


def init_app(app: Flask) -> None:
    catalog = Catalog(app.config["ACADEMY_CURRICULA"])
    app.extensions[EXTENSION_KEY] = catalog
    if not app.config.get("ACADEMY_LAZY_CURRICULUM"):
        catalog.reload()


def curriculum() -> Curriculum:
    """Return the current app's curriculum."""
    return current_app.extensions[EXTENSION_KEY].get()


def get_course(slug: str) -> Course | None:
    return curriculum().courses.get(slug)
