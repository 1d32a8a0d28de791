"""The curriculum engine stays pure: no Flask, no SQLAlchemy, no other part of the app."""

import ast
from pathlib import Path

import pytest

import academy.curriculum

PACKAGE = Path(academy.curriculum.__file__).parent
FORBIDDEN = ("flask", "flask_sqlalchemy", "flask_login", "flask_wtf", "flask_babel", "sqlalchemy", "werkzeug")


def imported_modules(source: str) -> set[str]:
    modules = set()
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Import):
            modules.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            modules.add(node.module)
        elif isinstance(node, ast.ImportFrom) and node.level > 1:  # from .. import x: outside the package
            modules.add(f"academy.{node.module or ''}")
    return modules


MODULES = sorted(PACKAGE.glob("*.py"))


def test_the_package_has_its_modules():
    assert {"loader.py", "render.py", "checks.py", "model.py"} <= {p.name for p in MODULES}


@pytest.mark.parametrize("path", MODULES, ids=lambda p: p.name)
def test_module_imports_no_web_or_database_code(path):
    for module in imported_modules(path.read_text()):
        top = module.split(".")[0]
        assert top not in FORBIDDEN, f"{path.name} imports {module}"
        if top == "academy":
            assert module.startswith("academy.curriculum"), f"{path.name} imports {module}"


def test_the_check_itself_sees_imports():
    source = (
        "import flask\ndef f():\n    from sqlalchemy.orm import Session\n"
        "from academy.courses import catalog\nfrom ..quizzes import grading\nfrom .model import Course\n"
    )
    assert imported_modules(source) == {"flask", "sqlalchemy.orm", "academy.courses", "academy.quizzes"}
