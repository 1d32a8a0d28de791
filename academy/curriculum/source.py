"""Read curriculum files: bytes to text, front matter to YAML with line numbers, problems collected."""

from __future__ import annotations

import difflib
import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from academy.curriculum.model import Problem, Severity

_Loader: type[yaml.SafeLoader] = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


class LineDict(dict):
    """A YAML mapping that remembers its own line and the line of each key (1-based)."""

    line: int = 1
    lines: dict[Any, int]

    def line_of(self, key: Any) -> int:
        return self.lines.get(key, self.line)


class LineList(list):
    """A YAML sequence that remembers its own line and the line of each item (1-based)."""

    line: int = 1
    lines: list[int]

    def line_of(self, index: int) -> int:
        return self.lines[index] if index < len(self.lines) else self.line


class _LineLoader(_Loader):  # type: ignore[misc, valid-type]
    duplicates: list[tuple[str, int]]


def _construct_mapping(loader: _LineLoader, node: yaml.MappingNode):
    data = LineDict()
    data.line = node.start_mark.line + 1
    data.lines = {}
    yield data
    own = list(node.value)  # before merge keys (<<) are flattened in
    data.update(loader.construct_mapping(node, deep=True))
    for key_node, _ in own:
        if key_node.tag == "tag:yaml.org,2002:merge":
            continue
        key = loader.construct_object(key_node, deep=True)
        line = key_node.start_mark.line + 1
        if key in data.lines:
            loader.duplicates.append((str(key), line))
        data.lines[key] = line


def _construct_sequence(loader: _LineLoader, node: yaml.SequenceNode):
    data = LineList()
    data.line = node.start_mark.line + 1
    data.lines = [item.start_mark.line + 1 for item in node.value]
    yield data
    data.extend(loader.construct_sequence(node, deep=True))


_LineLoader.add_constructor("tag:yaml.org,2002:map", _construct_mapping)
_LineLoader.add_constructor("tag:yaml.org,2002:seq", _construct_sequence)


@dataclass
class Report:
    """Collects problems; `display` turns a path relative to the curricula folder into the one shown."""

    root: str
    problems: list[Problem] = field(default_factory=list)

    def display(self, rel: str) -> str:
        return f"{self.root}/{rel}" if rel else self.root

    def add(self, rel: str, line: int, message: str, severity: Severity = "error") -> None:
        self.problems.append(Problem(self.display(rel), line, message, severity))

    def warn(self, rel: str, line: int, message: str) -> None:
        self.add(rel, line, message, "warning")

    @property
    def errors(self) -> list[Problem]:
        return [p for p in self.problems if p.severity == "error"]

    @property
    def warnings(self) -> list[Problem]:
        return [p for p in self.problems if p.severity == "warning"]


def suggest(word: Any, choices: Iterable[str], cutoff: float = 0.6) -> str:
    """Return ' (did you mean "x"?)' when a choice is close to word, else ''."""
    close = difflib.get_close_matches(str(word), list(choices), n=1, cutoff=cutoff)
    return f' (did you mean "{close[0]}"?)' if close else ""


def read_text(path: Path, rel: str, report: Report) -> str | None:
    """Return the file as text with \\n line ends, or None after reporting why it cannot be read."""
    try:
        data = path.read_bytes()
    except OSError as exc:
        report.add(rel, 0, f"cannot read the file: {exc.strerror or exc}")
        return None
    return decode(data, rel, report)


def decode(data: bytes, rel: str, report: Report) -> str | None:
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = data.count(b"\n", 0, exc.start) + 1
        report.add(rel, line, f"not UTF-8 text (byte 0x{data[exc.start]:02x}): save the file as UTF-8")
        return None
    return text.replace("\r\n", "\n").replace("\r", "\n")


def load_yaml(text: str, rel: str, report: Report, *, first_line: int = 1) -> tuple[Any, bool]:
    """Parse YAML; return (data, ok). Lines in the data and in problems count from first_line."""
    loader = _LineLoader("\n" * (first_line - 1) + text)
    loader.duplicates = []
    try:
        data = loader.get_single_data()
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line = mark.line + 1 if mark else first_line
        message = exc.problem or exc.context or "invalid YAML"
        if exc.problem and exc.context and exc.context_mark and exc.context_mark.line + 1 != line:
            message += f" ({exc.context} on line {exc.context_mark.line + 1})"
        report.add(rel, line, f"YAML error: {message}")
        return None, False
    except (yaml.YAMLError, ValueError, TypeError, OverflowError, RecursionError) as exc:
        # bad dates (2026-13-45), unhashable keys, absurd nesting: report, never crash
        report.add(rel, first_line, f"YAML error: {str(exc).splitlines()[0] if str(exc) else 'invalid YAML'}")
        return None, False
    finally:
        loader.dispose()
    for key, line in loader.duplicates:
        report.add(rel, line, f'duplicate field "{key}"')
    return data, True


_FENCE = re.compile(r"^---[ \t]*$")
_END = re.compile(r"^(---|\.\.\.)[ \t]*$")


@dataclass(frozen=True)
class Document:
    """A Markdown file split into front matter and body."""

    meta: LineDict
    body: str
    body_line: int  # the file line the body's first line is on


def split_front_matter(text: str, rel: str, report: Report) -> Document | None:
    """Split `---` front matter from the body; report and return None when the file has no usable one."""
    lines = text.split("\n")
    if not _FENCE.match(lines[0]):
        report.add(rel, 1, 'missing front matter: start the file with a line "---", the fields, then "---"')
        return None
    end = next((i for i in range(1, len(lines)) if _END.match(lines[i])), None)
    if end is None:
        report.add(rel, 1, 'front matter is not closed: add a line "---" after the fields')
        return None
    meta, ok = load_yaml("\n".join(lines[1:end]), rel, report, first_line=2)
    if not ok:
        return None
    if meta is None:
        meta = LineDict()
        meta.lines = {}
    if not isinstance(meta, LineDict):
        report.add(rel, 2, f'front matter must be "field: value" lines, not {describe(meta)}')
        return None
    meta.line = 1
    return Document(meta, "\n".join(lines[end + 1 :]), end + 2)


def describe(value: Any) -> str:
    """Name a YAML value's type the way an author would."""
    if value is None:
        return "empty"
    if isinstance(value, bool):
        return f"{str(value).lower()} (a yes/no value)"
    if isinstance(value, dict):
        return "a set of fields"
    if isinstance(value, list):
        return "a list"
    if isinstance(value, int | float):
        return f"the number {value}"
    text = str(value)
    return f'"{text[:40]}…"' if len(text) > 40 else f'"{text}"'
