"""Whatever a file holds, loading ends in a Curriculum or a CurriculumError, never another exception."""

import shutil
import tempfile
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from academy.curriculum import CurriculumError, check_curriculum, load_curriculum
from academy.curriculum.model import Curriculum

VALID = Path(__file__).parent.parent / "data" / "curricula" / "valid"
FILES = [
    "foundation/course.md",
    "foundation/01-what-is-trafficking.md",
    "foundation/02-signs.es.md",
    "foundation/quiz.md",
    "sectors.yml",
    "resources.yml",
    "terms.yml",
]

# text that looks a little like a curriculum file, so the fuzzing gets past the first check
PIECES = st.sampled_from(
    [
        "---\n",
        "title: x\n",
        "minutes: 5\n",
        "sources: [a]\n",
        "- [x] a\n",
        "- [ ] b\n",
        "> why\n",
        "## Q?\n",
        "::: note\n",
        ":::\n",
        "[l](02-signs.md#x)\n",
        "[r](resource:us-nhth)\n",
        "- id: a\n",
        "  label: b\n",
        "&a [*a]\n",
        "{",
        "[",
        ": ",
        "\t",
        "\x00",
        "\r",
        "\ufeff",
        "prerequisites: [foundation]\n",
        "1-888-373-7888 ",
        "child prostitute ",
        "`",
        '"',
    ]
)
CONTENT = st.one_of(
    st.binary(max_size=300),
    st.text(max_size=300).map(str.encode),
    st.lists(st.one_of(PIECES, st.text(max_size=20)), max_size=30).map(lambda parts: "".join(parts).encode()),
    st.text(max_size=200).map(lambda t: f"---\n{t}\n---\n\n{t}\n".encode()),
)


@pytest.fixture(scope="module")
def root():
    with tempfile.TemporaryDirectory() as tmp:
        copy = Path(tmp) / "cur"
        shutil.copytree(VALID, copy)
        yield copy


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(name=st.sampled_from(FILES), content=CONTENT)
def test_any_file_content_ends_in_a_curriculum_or_a_curriculum_error(root, name, content):
    path = root / name
    original = (VALID / name).read_bytes()
    path.write_bytes(content)
    try:
        try:
            result = load_curriculum(root, word_bounds=None)
            assert isinstance(result, Curriculum)
        except CurriculumError as exc:
            assert exc.problems and all(p.severity == "error" for p in exc.problems)
        problems = check_curriculum(root)
        assert all(p.line >= 0 and p.path.startswith(root.as_posix()) for p in problems)
        assert not [p for p in problems if "internal error" in p.message]
    finally:
        path.write_bytes(original)
