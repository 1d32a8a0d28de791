"""What the WSGI fast path tests share: a raw WSGI call, and a record of the requests Flask itself handled."""

from __future__ import annotations

import pytest
from flask import request, request_started
from werkzeug.test import EnvironBuilder, run_wsgi_app

ADDRESS = "192.0.2.10"


@pytest.fixture
def flask_requests(app):
    """Record the paths of the requests Flask itself handled: a fast path pushes no request context."""
    seen: list[str] = []

    def _started(sender, **extra) -> None:
        seen.append(request.path)

    request_started.connect(_started, app)
    yield seen
    request_started.disconnect(_started, app)


def call(wsgi_app, path: str, method: str = "GET", **kwargs) -> tuple[str, list[tuple[str, str]], bytes]:
    """Send one request straight to a WSGI app; return its status line, headers in order, and body."""
    environ = EnvironBuilder(path=path, method=method, **kwargs).get_environ()
    environ["REMOTE_ADDR"] = ADDRESS
    app_iter, status, headers = run_wsgi_app(wsgi_app, environ, buffered=True)
    return status, headers.to_wsgi_list(), b"".join(app_iter)
