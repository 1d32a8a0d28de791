"""What the wrk benchmarks share: a free port, gunicorn started and stopped, waiting until it answers, one wrk run.

Imported as a sibling module (`import _server`) by bench/pages.py and bench/verify_api.py.
"""

from __future__ import annotations

import os
import re
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterable
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
GUNICORN = str(Path(sys.executable).parent / "gunicorn")


def free_port() -> int:
    """Return a TCP port on 127.0.0.1 that nothing listens on right now."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def start_gunicorn(args: list[str], env: dict, cwd: Path = ROOT) -> subprocess.Popen:
    """Start gunicorn with 2 sync workers in its own process group (so stop() ends the workers too)."""
    return subprocess.Popen(
        [GUNICORN, "-w", "2", "-k", "sync", "--log-level", "warning", *args],
        env=env,
        cwd=cwd,
        start_new_session=True,
    )


def stop(servers: Iterable[subprocess.Popen]) -> None:
    """Stop each gunicorn (master and workers) and wait for it to exit."""
    for server in servers:
        os.killpg(server.pid, signal.SIGTERM)
        server.wait(timeout=30)


def wait_ready(url: str, timeout: float = 30) -> None:
    """Wait until a GET of url answers 200; exit with a message if it does not within timeout seconds."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            with urllib.request.urlopen(url, timeout=2) as response:  # noqa: S310 (local bench server)
                if response.status == 200:
                    return
        except OSError:
            time.sleep(0.2)
    raise SystemExit(f"server at {url} did not start")


def run_wrk(url: str, seconds: int, options: list[str] | None = None) -> float:
    """Run wrk (1 thread, 4 connections) and return requests per second; refuse a run with errors or redirects.

    options go to wrk before the others, e.g. ["-s", script] or ["-H", "Cookie: ..."].
    """
    command = ["wrk", *(options or []), "-t", "1", "-c", "4", "-d", f"{seconds}s", url]
    output = subprocess.run(command, capture_output=True, text=True, check=True, timeout=seconds + 30).stdout
    if "Non-2xx" in output or "Socket errors" in output:
        raise SystemExit(f"wrk saw errors on {url}:\n{output}")
    return float(re.search(r"Requests/sec:\s+([\d.]+)", output).group(1))
