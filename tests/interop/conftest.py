"""Interop tests: the academy's credentials checked by real verifiers (pinned npm packages run under Node)."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import threading
from pathlib import Path

import pytest
from werkzeug.serving import make_server

from tests.conftest import ROOT, make_app

NODE = "/usr/bin/node" if os.path.exists("/usr/bin/node") else shutil.which("node")
NPM = shutil.which("npm")
HARNESS = Path(__file__).with_name("verify.mjs")
# The verifiers, pinned in package.json (devDependencies): the version each test run uses is the one named there.
PACKAGES = [
    "@digitalcredentials/verifier-core",
    "@digitalbazaar/vc",
    "@digitalbazaar/data-integrity",
    "@digitalbazaar/eddsa-rdfc-2022-cryptosuite",
    "@digitalbazaar/eddsa-jcs-2022-cryptosuite",
]


def _installed_versions() -> dict[str, str | None]:
    found = {}
    for name in PACKAGES:
        manifest = ROOT / "node_modules" / name / "package.json"
        found[name] = json.loads(manifest.read_text())["version"] if manifest.exists() else None
    return found


def _pinned_versions() -> dict[str, str]:
    declared = json.loads((ROOT / "package.json").read_text())["devDependencies"]
    return {name: declared[name] for name in PACKAGES}


@pytest.fixture(scope="session")
def verifiers() -> dict[str, str]:
    """Make sure the pinned verifiers are installed (npm install from package.json); return their versions."""
    if NODE is None or NPM is None:
        if os.environ.get("CI") == "true":
            pytest.fail("CI=true but node or npm is missing: the interop tests must run (apt-get install npm)")
        pytest.skip("node or npm is missing, so the real verifiers cannot run (apt-get install npm)")
    pinned = _pinned_versions()
    if _installed_versions() != pinned:
        subprocess.run(  # noqa: S603 (fixed arguments)
            [NPM, "install", "--no-audit", "--no-fund", "--silent"], cwd=ROOT, check=True, timeout=600
        )
    installed = _installed_versions()
    assert installed == pinned, f"npm installed {installed}, package.json pins {pinned}"
    return installed


@pytest.fixture
def academy(_database, tmp_path):
    """Serve a test academy on a free loopback port, with its public URL set to it; yield its app and URL."""
    from tests.conftest import _wipe

    app = make_app(_database, tmp_path, ACADEMY_PUBLIC_URL="http://127.0.0.1:0")
    with app.app_context():
        _wipe()
    server = make_server("127.0.0.1", 0, app, threaded=True)
    app.config["ACADEMY_PUBLIC_URL"] = f"http://127.0.0.1:{server.server_port}"
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()

    class Served:
        url = app.config["ACADEMY_PUBLIC_URL"]

    Served.app = app
    yield Served
    server.shutdown()
    thread.join(timeout=5)
    server.server_close()


def run_verifier(verifier: str, credential: dict, **options) -> dict:
    """Run the Node harness with one verifier on one credential; return what it reported."""
    payload = json.dumps({"verifier": verifier, "credential": credential, **options})
    done = subprocess.run(  # noqa: S603 (fixed arguments)
        [NODE, str(HARNESS)], input=payload, capture_output=True, text=True, cwd=ROOT, timeout=120, check=False
    )
    assert done.returncode == 0, done.stderr
    result = json.loads(done.stdout)
    assert "crashed" not in result, result
    return result
