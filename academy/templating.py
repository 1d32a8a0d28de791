"""What every template can use beyond Flask's own globals."""

from __future__ import annotations

from flask import Flask, current_app


def init_app(app: Flask) -> None:
    """Give templates the academy's name."""
    app.context_processor(_template_globals)


def _template_globals() -> dict:
    return {"academy_name": current_app.config["ACADEMY_NAME"]}
