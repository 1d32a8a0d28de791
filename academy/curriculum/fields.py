"""Typed access to YAML fields that reports every missing, unknown or mistyped field with its line."""

from __future__ import annotations

import re
from collections.abc import Iterable
from typing import Any

from academy.curriculum.model import Source
from academy.curriculum.source import LineDict, LineList, Report, describe, suggest

SLUG = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")
_URL = re.compile(r"^https?://[^\s/$.?#][^\s]*$", re.IGNORECASE)


class Fields:
    """One YAML mapping being validated: unknown and missing fields are reported on construction."""

    def __init__(
        self,
        data: LineDict,
        rel: str,
        report: Report,
        *,
        allowed: Iterable[str],
        required: Iterable[str] = (),
        where: str = "",
    ):
        self.data, self.rel, self.report = data, rel, report
        self.where = f" in {where}" if where else ""
        allowed = list(allowed)
        for key in data:
            if key not in allowed:
                self.error(key, f'unknown field "{key}"{self.where}{suggest(key, allowed)}')
        for key in required:
            if key not in data:
                report.add(rel, data.line, f'missing required field "{key}"{self.where}')

    def line(self, key: Any) -> int:
        return self.data.line_of(key)

    def error(self, key: Any, message: str) -> None:
        self.report.add(self.rel, self.line(key), message)

    def _wrong(self, key: str, value: Any, wanted: str) -> None:
        hint = " (put it in quotes)" if wanted == "text" and value is not None else ""
        self.error(key, f'"{key}"{self.where} must be {wanted}, not {describe(value)}{hint}')

    def text(self, key: str, default: str | None = None) -> str | None:
        """Return a non-empty string, or default when absent; None after reporting a bad value."""
        if key not in self.data:
            return default
        value = self.data[key]
        if not isinstance(value, str) or not value.strip():
            self._wrong(key, value, "text")
            return None
        return value.strip()

    def integer(
        self, key: str, default: int | None = None, *, low: int | None = None, high: int | None = None
    ) -> int | None:
        """Return a whole number within [low, high], or default when absent or null."""
        value = self.data.get(key)
        if value is None:
            return default
        if isinstance(value, bool) or not isinstance(value, int):
            self._wrong(key, value, "a whole number")
            return None
        if (low is not None and value < low) or (high is not None and value > high):
            bounds = f"between {low} and {high}" if high is not None else f"at least {low}"
            self.error(key, f'"{key}"{self.where} must be {bounds}, not {value}')
            return None
        return value

    def number(self, key: str) -> float | None:
        """Return a positive number, or None when absent or bad."""
        value = self.data.get(key)
        if value is None:
            return None
        if isinstance(value, bool) or not isinstance(value, int | float) or not 0 < value < 10_000:
            self._wrong(key, value, "a positive number")
            return None
        return float(value)

    def boolean(self, key: str, default: bool = False) -> bool:
        value = self.data.get(key, default)
        if not isinstance(value, bool):
            self._wrong(key, value, "true or false")
            return default
        return value

    def items(self, key: str) -> list[tuple[Any, int]]:
        """Return a list field's items with their lines; [] when absent, null or not a list."""
        value = self.data.get(key)
        if value is None:
            return []
        if not isinstance(value, LineList):
            self._wrong(key, value, "a list, like [a, b]")
            return []
        return [(item, value.line_of(i)) for i, item in enumerate(value)]

    def ids(self, key: str) -> tuple[tuple[str, int], ...]:
        """Return a list of slugs (ids) with their lines, reporting anything that is not one."""
        result = []
        for item, line in self.items(key):
            if isinstance(item, str) and SLUG.match(item):
                result.append((item, line))
            else:
                self.report.add(
                    self.rel,
                    line,
                    f'"{key}"{self.where} must list ids (lowercase letters, digits, hyphens), not {describe(item)}',
                )
        return tuple(result)

    def mapping(self, key: str, *, allowed: Iterable[str]) -> Fields | None:
        value = self.data.get(key)
        if value is None:
            return None
        if not isinstance(value, LineDict):
            self._wrong(key, value, "a set of fields")
            return None
        return Fields(value, self.rel, self.report, allowed=allowed, where=f'"{key}"')

    def sources(self, key: str = "sources") -> tuple[Source, ...]:
        """Return the sources: each a text, or a mapping with title and an optional url."""
        result = []
        for item, line in self.items(key):
            if isinstance(item, str) and item.strip():
                result.append(Source(item.strip()))
            elif isinstance(item, LineDict):
                source = self._source(item)
                if source:
                    result.append(source)
            else:
                self.report.add(self.rel, line, f"a source must be text, or a title and a url, not {describe(item)}")
        return tuple(result)

    def _source(self, item: LineDict) -> Source | None:
        fields = Fields(item, self.rel, self.report, allowed=("title", "url"), required=("title",), where="a source")
        title, url = fields.text("title"), fields.text("url")
        if url and not _URL.match(url):
            fields.error("url", f'source url "{url}" must start with https:// or http://')
            url = None
        return Source(title, url) if title else None


def check_url(fields: Fields, key: str) -> str | None:
    """Return an http(s) URL field, reporting anything else."""
    url = fields.text(key)
    if url and not _URL.match(url):
        fields.error(key, f'"{key}" must start with https:// or http://, not "{url}"')
        return None
    return url
