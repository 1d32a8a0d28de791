"""Baselines for bench/verify_api.py: a bare Flask route, and a route doing one indexed SELECT.

Run by the benchmark under gunicorn with DATABASE_URL set; it shares only the database with the academy.
"""

from __future__ import annotations

import os

from flask import Flask, jsonify
from sqlalchemy import create_engine, text

import academy.database  # noqa: F401  (the same SQLite pragmas as the academy: WAL, busy timeout)
from academy.config import normalise_db_url

URL = normalise_db_url(os.environ["DATABASE_URL"])
# The academy's own engine options (academy/config.py): a server database is pinged at checkout, SQLite is not.
engine = create_engine(URL, pool_pre_ping=not URL.startswith("sqlite"))
app = Flask(__name__)

ONE_SELECT = text(
    "SELECT code, course_slug, course_title, sector, version, issued_at, expires_at "
    "FROM certificate WHERE code = :code"
)


@app.get("/bare")
def bare():
    """Answer without touching anything."""
    return jsonify(status="ok")


@app.get("/select/<code>")
def one_select(code: str):
    """Answer with one row found through the unique index on certificate.code."""
    with engine.connect() as conn:
        row = conn.execute(ONE_SELECT, {"code": code}).first()
    if row is None:
        return jsonify(error="not found"), 404
    return jsonify(
        code=row.code,
        course=row.course_slug,
        title=row.course_title,
        sector=row.sector,
        version=row.version,
        issued_at=str(row.issued_at),
        expires_at=str(row.expires_at),
    )
