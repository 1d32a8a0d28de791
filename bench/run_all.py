"""Run every benchmark in bench/, one after another, and print each one's figures.

    .venv/bin/python bench/run_all.py [--quick | --full] [--only NAME,...] [--timeout SECONDS]

--quick (the default) gives each benchmark short settings, enough to see that it runs and roughly where it
stands (a few minutes in all); --full runs each with its own defaults, for figures worth comparing. Some need
wrk and PostgreSQL on 127.0.0.1 (see each script's docstring).

A missed target is not a failure here: the figures say "MISSED" and the summary says "target missed". This
exits non-zero only when a benchmark could not run: it crashed, stopped with a message, was given bad
arguments or timed out. A benchmark tells a missed target apart by ending with a plain `sys.exit(1)` (or
`return 1` from main), whereas it stops with a message (`raise SystemExit("...")`) when it cannot run.
"""

from __future__ import annotations

import argparse
import signal
import subprocess
import sys
import time
from pathlib import Path

BENCH = Path(__file__).resolve().parent
ROOT = BENCH.parent

# Short settings per benchmark for --quick; --full passes none, so each runs with its own defaults.
QUICK = {
    "pages": ["--seconds", "2", "--rounds", "1"],
    "verify_api": ["--seconds", "2", "--rounds", "1", "--certificates", "2000"],
    "checkin_load": ["--attendees", "150", "--seconds", "2", "--workers", "2", "--threads", "32"],
    "load": ["--seconds", "4", "--workers", "2"],
    "coverage_bench": ["--people", "3334", "--runs", "3"],
    "reminders_bench": ["--people", "3334", "--mails", "200"],
}
NOT_BENCHMARKS = {"run_all", "baseline_app", "coverage_data"}  # this runner, a served baseline, a data generator
MISSED = 3  # the wrapper's exit status for "ran to the end and reported a missed target"

# Runs one benchmark as __main__ and turns a plain exit status 1 (a missed target, reported in the figures)
# into MISSED, so that it cannot be confused with a crash or `raise SystemExit("message")`, which also exit 1.
WRAPPER = """
import runpy, sys
script = sys.argv[1]
sys.argv = sys.argv[1:]
sys.path.insert(0, {bench!r})
try:
    runpy.run_path(script, run_name="__main__")
except SystemExit as exc:
    if exc.code == 1:
        sys.exit({missed})
    raise
"""


def benchmarks() -> list[str]:
    """Return the names of the benchmark scripts in bench/: the known ones first, then any new one."""
    found = {path.stem for path in BENCH.glob("*.py") if not path.stem.startswith("_")} - NOT_BENCHMARKS
    return [name for name in QUICK if name in found] + sorted(found - set(QUICK))


def run_one(name: str, args: list[str], timeout: float | None) -> int:
    """Run bench/<name>.py with its output shown as it comes; return the wrapper's exit status."""
    script = str(BENCH / f"{name}.py")
    code = WRAPPER.format(bench=str(BENCH), missed=MISSED)
    proc = subprocess.Popen([sys.executable, "-c", code, script, *args], cwd=ROOT)
    try:
        return proc.wait(timeout=timeout)
    except subprocess.TimeoutExpired:
        print(f"\n{name}: still running after {timeout:.0f} s; interrupting it", flush=True)
        proc.send_signal(signal.SIGINT)  # its own clean-up stops the servers it started
        try:
            proc.wait(timeout=60)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()
        return -1


def verdict(status: int) -> str:
    if status == 0:
        return "ran"
    if status == MISSED:
        return "ran; target missed (see its figures)"
    if status == -1:
        return "FAILED: timed out"
    return f"FAILED: exit status {status}"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    mode = parser.add_mutually_exclusive_group()
    mode.add_argument("--quick", action="store_true", help="short settings for every benchmark (the default)")
    mode.add_argument("--full", action="store_true", help="every benchmark with its own default settings")
    parser.add_argument("--only", default="", help="comma-separated benchmark names, e.g. pages,load")
    parser.add_argument("--timeout", type=float, help="seconds per benchmark (default: 900 quick, none full)")
    args = parser.parse_args()
    names = benchmarks()
    if args.only:
        wanted = [name.strip().removesuffix(".py") for name in args.only.split(",") if name.strip()]
        unknown = sorted(set(wanted) - set(names))
        if unknown:
            parser.error(f"no such benchmark: {', '.join(unknown)} (there are: {', '.join(names)})")
        names = [name for name in names if name in wanted]
    timeout = args.timeout if args.timeout is not None else (None if args.full else 900.0)
    results = []
    for name in names:
        extra = [] if args.full else QUICK.get(name, [])
        print(f"\n=== bench/{name}.py {' '.join(extra)}".rstrip(), flush=True)
        began = time.monotonic()
        status = run_one(name, extra, timeout)
        results.append((name, status, time.monotonic() - began))
    print("\n=== summary")
    for name, status, seconds in results:
        print(f"  {name:<16} {seconds:6.0f} s  {verdict(status)}")
    failed = [name for name, status, _ in results if status not in (0, MISSED)]
    if failed:
        print(f"could not run: {', '.join(failed)}")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
