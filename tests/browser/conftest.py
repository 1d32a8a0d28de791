"""Browser tests: the app served on a free port in a thread, driven by the system Chromium."""

from __future__ import annotations

import os
import shutil
import threading
from pathlib import Path

import pytest
from werkzeug.serving import make_server

from tests.conftest import PASSWORD, ROOT, make_app

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
AXE = ROOT / "node_modules" / "axe-core" / "axe.min.js"
SCREENSHOTS = ROOT / "test-results" / "screenshots"


def pytest_collection_modifyitems(config, items):
    """Skip browser tests with a reason when Chromium is missing, except on CI where they must run."""
    if os.path.exists(CHROMIUM):
        return
    if os.environ.get("CI") == "true":
        raise pytest.UsageError(f"CI=true but no Chromium at {CHROMIUM}: install the `chromium` package")
    skip = pytest.mark.skip(reason=f"no Chromium at {CHROMIUM} (apt-get install chromium)")
    for item in items:
        if "browser" in str(item.fspath):
            item.add_marker(skip)


@pytest.fixture(scope="session")
def browser_type_launch_args():
    return {
        "executable_path": CHROMIUM,
        "args": ["--no-sandbox", "--headless", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync", "--no-first-run", "--disable-quic"],
    }


@pytest.fixture
def live_config() -> dict:
    """Override in a test module to change the served app's configuration."""
    return {}


@pytest.fixture
def live_server(_database, tmp_path, live_config):
    """Serve the app on 127.0.0.1 on a free port; yield an object with .url and .app."""
    from tests.conftest import _wipe

    config = {"WTF_CSRF_ENABLED": True, "ACADEMY_PUBLIC_URL": "http://127.0.0.1:0"}
    config.update(live_config)
    app = make_app(_database, tmp_path, **config)
    with app.app_context():
        _wipe()
    server = make_server("127.0.0.1", 0, app, threaded=True)
    port = server.server_port
    app.config["ACADEMY_PUBLIC_URL"] = f"http://127.0.0.1:{port}"
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()

    class Live:
        url = f"http://127.0.0.1:{port}"

    Live.app = app
    yield Live
    server.shutdown()
    thread.join(timeout=5)


@pytest.fixture
def screenshot(request):
    """Save a full-page screenshot under test-results/screenshots/<test>-<name>.png and return its path."""
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)

    def _shot(page, name: str) -> Path:
        path = SCREENSHOTS / f"{request.node.name}-{name}.png"
        page.screenshot(path=str(path), full_page=True)
        return path

    return _shot


def run_axe(page) -> list[dict]:
    """Run axe-core for WCAG 2.1 A/AA in the page and return the violations."""
    if not AXE.exists():
        pytest.fail(f"axe-core missing at {AXE}: run `npm install axe-core` (make test does)")
    page.add_script_tag(content=AXE.read_text())
    return page.evaluate(
        """async () => (await axe.run(document, {runOnly: {type: 'tag',
             values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa']}})).violations
             .map(v => ({id: v.id, impact: v.impact, help: v.help,
                         nodes: v.nodes.slice(0, 3).map(n => n.target.join(' '))}))"""
    )


@pytest.fixture
def browser_context_args(browser_context_args):
    # axe is injected as a script tag, which the app's strict CSP would block.
    return {**browser_context_args, "bypass_csp": True}


def sign_in(page, url: str, email: str, password: str = PASSWORD) -> None:
    """Sign in through the form, by field ids so it works in every interface language."""
    page.goto(f"{url}/login")
    page.locator("#email").fill(email)
    page.locator("#password").fill(password)
    page.locator("main button[type=submit]").click()
    page.wait_for_url(f"{url}/")
