"""The shared lists beside the courses: sectors.yml, resources.yml and terms.yml."""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from academy.curriculum.fields import SLUG, Fields, check_url
from academy.curriculum.model import Resource, Sector, SubRole
from academy.curriculum.source import LineDict, LineList, Report, describe, load_yaml, read_text

SECTORS_FILE, RESOURCES_FILE, TERMS_FILE = "sectors.yml", "resources.yml", "terms.yml"
INDICATORS_FILE = "indicators.yml"


@dataclass(frozen=True)
class Term:
    """A word the checker rejects, with the better wording and the reason."""

    term: str
    suggestion: str
    reason: str
    pattern: re.Pattern[str]
    key: str = ""  # the term's longest word, lowercase: a fast first test before the pattern

    @classmethod
    def make(cls, term: str, suggestion: str, reason: str) -> Term:
        key = max(re.split(r"[\s-]+", term.strip().lower()), key=len)
        return cls(term, suggestion, reason, term_pattern(term), key)


def _load_list(root: Path, name: str, report: Report, *, required: bool = True) -> Any:
    path = root / name
    if not path.is_file():
        if required:
            report.add(name, 0, f"missing {name}: the curricula folder needs one")
        return None
    text = read_text(path, name, report)
    if text is None:
        return None
    data, ok = load_yaml(text, name, report)
    return data if ok else None


def _entries(data: Any, name: str, report: Report, what: str) -> list[LineDict]:
    """Return the mappings of a YAML list, reporting everything else."""
    if data is None:
        return []
    if not isinstance(data, LineList):
        line = getattr(data, "line", 1)
        report.add(name, line, f"{name} must be a list of {what}, not {describe(data)}")
        return []
    entries = []
    for i, item in enumerate(data):
        if isinstance(item, LineDict):
            entries.append(item)
        else:
            report.add(name, data.line_of(i), f"each entry of {name} must be a set of fields, not {describe(item)}")
    return entries


def _id(fields: Fields, seen: dict[str, int], what: str) -> str | None:
    ident = fields.text("id")
    if ident is None:
        return None
    if not SLUG.match(ident):
        fields.error("id", f'{what} id "{ident}" must use only lowercase letters, digits and hyphens')
        return None
    if ident in seen:
        fields.error("id", f'duplicate {what} id "{ident}" (also on line {seen[ident]})')
        return None
    seen[ident] = fields.line("id")
    return ident


def load_sectors(root: Path, report: Report) -> dict[str, Sector]:
    """Load sectors.yml, in file order."""
    sectors: dict[str, Sector] = {}
    seen: dict[str, int] = {}
    for entry in _entries(_load_list(root, SECTORS_FILE, report), SECTORS_FILE, report, "sectors"):
        fields = Fields(
            entry,
            SECTORS_FILE,
            report,
            allowed=("id", "label", "description", "shared", "subroles"),
            required=("id", "label", "description"),
        )
        ident, label, description = (
            _id(fields, seen, "sector"),
            fields.text("label"),
            fields.text("description"),
        )
        shared = fields.boolean("shared")
        subroles = _subroles(fields)
        if ident and label and description:
            sectors[ident] = Sector(ident, label, description, subroles, shared)
    shared = [s.id for s in sectors.values() if s.shared]
    if len(shared) > 1:
        report.add(SECTORS_FILE, 1, f"only one sector can be shared, not {', '.join(shared)}")
    return sectors


def _subroles(fields: Fields) -> tuple[SubRole, ...]:
    return tuple(SubRole(ident, label) for ident, label in _id_labels(fields, "subroles", "sub-role"))


def _id_labels(fields: Fields, key: str, what: str) -> list[tuple[str, str]]:
    """Return a list field of {id, label} pairs, reporting bad and duplicate entries."""
    result: list[tuple[str, str]] = []
    seen: dict[str, int] = {}
    for item, line in fields.items(key):
        if not isinstance(item, LineDict):
            fields.report.add(fields.rel, line, f"a {what} must be {{id: ..., label: ...}}, not {describe(item)}")
            continue
        entry = Fields(
            item,
            fields.rel,
            fields.report,
            allowed=("id", "label"),
            required=("id", "label"),
            where=f"a {what}",
        )
        ident, label = _id(entry, seen, what), entry.text("label")
        if ident and label:
            result.append((ident, label))
    return result


_RESOURCE_FIELDS = (
    "id",
    "name",
    "jurisdiction",
    "phone",
    "text",
    "url",
    "hours",
    "languages",
    "description",
    "source",
    "verified_on",
)


def load_resources(root: Path, report: Report, declared: set[str]) -> dict[str, Resource]:
    """Load resources.yml: its jurisdictions, then its resources; add every id it declares to declared."""
    data = _load_list(root, RESOURCES_FILE, report)
    if data is None:
        return {}
    if not isinstance(data, LineDict):
        report.add(
            RESOURCES_FILE,
            1,
            f'{RESOURCES_FILE} must have "jurisdictions" and "resources", not {describe(data)}',
        )
        return {}
    top = Fields(data, RESOURCES_FILE, report, allowed=("jurisdictions", "resources"), required=("resources",))
    jurisdictions = {ident for ident, _ in _id_labels(top, "jurisdictions", "jurisdiction")}
    resources: dict[str, Resource] = {}
    seen: dict[str, int] = {}
    entries = _entries(data.get("resources"), RESOURCES_FILE, report, "resources")
    for entry in entries:
        resource = _resource(entry, report, seen, jurisdictions)
        if resource:
            resources[resource.id] = resource
    declared.update(seen)
    return resources


def _resource(entry: LineDict, report: Report, seen: dict[str, int], jurisdictions: set[str]) -> Resource | None:
    fields = Fields(
        entry,
        RESOURCES_FILE,
        report,
        allowed=_RESOURCE_FIELDS,
        required=("id", "name", "jurisdiction", "description", "source", "verified_on"),
    )
    ident = _id(fields, seen, "resource")
    values = {
        key: fields.text(key)
        for key in ("name", "jurisdiction", "phone", "text", "hours", "languages", "description", "source")
    }
    url = check_url(fields, "url")
    jurisdiction = values["jurisdiction"]
    if jurisdiction and jurisdictions and jurisdiction not in jurisdictions:
        fields.error("jurisdiction", f'unknown jurisdiction "{jurisdiction}": add it to "jurisdictions" first')
    verified = _date(fields, "verified_on")
    if not {"phone", "text", "url"} & set(entry) and "id" in entry:
        report.warn(RESOURCES_FILE, entry.line, f'resource "{entry["id"]}" has no phone, text or url')
    required = (ident, values["name"], jurisdiction, values["description"], values["source"], verified)
    if not all(required):
        return None
    return Resource(id=ident, url=url, verified_on=verified, **values)  # type: ignore[arg-type]


def _date(fields: Fields, key: str) -> str | None:
    value = fields.data.get(key)
    if value is None:
        return None
    if isinstance(value, dt.date) and not isinstance(value, dt.datetime):
        return value.isoformat()
    if isinstance(value, str):
        try:
            return dt.date.fromisoformat(value.strip()).isoformat()
        except ValueError:
            pass
    fields.error(key, f'"{key}" must be a date like 2026-11-01, not {describe(value)}')
    return None


def load_terms(root: Path, report: Report) -> list[Term]:
    """Load terms.yml (optional): the terms the checker rejects."""
    terms = []
    seen: set[str] = set()
    for entry in _entries(_load_list(root, TERMS_FILE, report, required=False), TERMS_FILE, report, "terms"):
        fields = Fields(
            entry,
            TERMS_FILE,
            report,
            allowed=("term", "suggestion", "reason"),
            required=("term", "suggestion", "reason"),
        )
        term, suggestion, reason = fields.text("term"), fields.text("suggestion"), fields.text("reason")
        if term and term.lower() in seen:
            fields.error("term", f'duplicate term "{term}"')
        elif term and suggestion and reason:
            seen.add(term.lower())
            terms.append(Term.make(term, suggestion, reason))
    return terms


def load_indicators(root: Path, report: Report) -> dict[str, str] | None:
    """Load indicators.yml (optional): the tags quiz questions may carry, id to label; None without the file."""
    if not (root / INDICATORS_FILE).is_file():
        return None
    indicators: dict[str, str] = {}
    seen: dict[str, int] = {}
    data = _load_list(root, INDICATORS_FILE, report)
    for entry in _entries(data, INDICATORS_FILE, report, "indicators"):
        fields = Fields(
            entry,
            INDICATORS_FILE,
            report,
            allowed=("id", "label", "description"),
            required=("id", "label"),
        )
        ident, label = _id(fields, seen, "indicator"), fields.text("label")
        fields.text("description")
        if ident and label:
            indicators[ident] = label
    return indicators


def term_pattern(term: str) -> re.Pattern[str]:
    """Match the term and its plural as whole words, case-insensitive, spaces matching spaces or hyphens."""
    words = [re.escape(word) for word in re.split(r"[\s-]+", term.strip())]
    return re.compile(r"(?<![\w-])" + r"[\s-]+".join(words) + r"(?:s|es)?(?![\w-])", re.IGNORECASE)
