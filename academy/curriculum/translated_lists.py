"""Translations of the shared lists: sectors.es.yml and resources.es.yml, entry by entry, by id."""

from __future__ import annotations

import dataclasses
import re
from pathlib import Path

from academy.curriculum.fields import Fields
from academy.curriculum.model import Resource, Sector, SubRole
from academy.curriculum.registry import RESOURCES_FILE, SECTORS_FILE, _entries, _id, _load_list
from academy.curriculum.source import LineDict, Report, describe, suggest

# sectors.es.yml, resources.fr.yml: the same language tags as lesson translations
_LANGUAGE = r"\.([a-z]{2,3}(?:-[A-Za-z0-9]{2,8})?)\.yml$"
SECTOR_WORDS = ("label", "description")
RESOURCE_WORDS = ("name", "hours", "languages", "description")


def _files(root: Path, stem: str) -> list[tuple[str, str]]:
    """Return (language, file name) of each translation of a list, by language."""
    pattern = re.compile(re.escape(stem) + _LANGUAGE)
    found = [(m.group(1), p.name) for p in root.iterdir() if p.is_file() and (m := pattern.match(p.name))]
    return sorted(found)


def load_sector_translations(root: Path, report: Report, sectors: dict[str, Sector]) -> None:
    """Attach each sectors.<language>.yml to the sectors, warning about sectors and sub-roles it leaves out."""
    for lang, name in _files(root, "sectors"):
        seen: dict[str, int] = {}
        for entry in _entries(_load_list(root, name, report), name, report, "sectors"):
            fields = Fields(entry, name, report, allowed=("id", *SECTOR_WORDS, "subroles"), required=("id", "label"))
            ident = _id(fields, seen, "sector")
            if ident is None:
                continue
            sector = sectors.get(ident)
            if sector is None:
                fields.error("id", f'unknown sector "{ident}"{suggest(ident, sectors)}: it must be in {SECTORS_FILE}')
                continue
            labels = _subrole_labels(fields, sector)
            subroles = tuple(SubRole(r.id, labels.get(r.id, r.label)) for r in sector.subroles)
            sector.translations[lang] = dataclasses.replace(
                sector,
                label=fields.text("label") or sector.label,
                description=fields.text("description") or sector.description,
                subroles=subroles,
                translations={},
                language=lang,
            )
            for subrole in sector.subroles:
                if subrole.id not in labels:
                    report.warn(name, entry.line, f'untranslated: no "{lang}" label for sub-role "{subrole.id}"')
        for sector in sectors.values():
            if sector.id not in seen:
                report.warn(name, 1, f'untranslated: no "{lang}" label for sector "{sector.id}"')


def _subrole_labels(fields: Fields, sector: Sector) -> dict[str, str]:
    known = [r.id for r in sector.subroles]
    labels: dict[str, str] = {}
    for item, line in fields.items("subroles"):
        if not isinstance(item, LineDict):
            fields.report.add(fields.rel, line, f"a sub-role must be {{id: ..., label: ...}}, not {describe(item)}")
            continue
        entry = Fields(
            item, fields.rel, fields.report, allowed=("id", "label"), required=("id", "label"), where="a sub-role"
        )
        ident, label = entry.text("id"), entry.text("label")
        if ident and ident not in known:
            entry.error("id", f'unknown sub-role "{ident}" of sector "{sector.id}"{suggest(ident, known)}')
        elif ident in labels:
            entry.error("id", f'duplicate sub-role id "{ident}"')
        elif ident and label:
            labels[ident] = label
    return labels


def load_resource_translations(root: Path, report: Report, resources: dict[str, Resource]) -> None:
    """Attach each resources.<language>.yml to the resources it names."""
    for lang, name in _files(root, "resources"):
        data = _load_list(root, name, report)
        if data is None:
            continue
        if not isinstance(data, LineDict):
            report.add(name, 1, f'{name} must have "resources", like {RESOURCES_FILE}, not {describe(data)}')
            continue
        Fields(data, name, report, allowed=("resources",), required=("resources",))
        seen: dict[str, int] = {}
        for entry in _entries(data.get("resources"), name, report, "resources"):
            fields = Fields(entry, name, report, allowed=("id", *RESOURCE_WORDS), required=("id", "description"))
            ident = _id(fields, seen, "resource")
            if ident is None:
                continue
            resource = resources.get(ident)
            if resource is None:
                fields.error(
                    "id", f'unknown resource "{ident}"{suggest(ident, resources)}: it must be in {RESOURCES_FILE}'
                )
                continue
            words = {key: fields.text(key) for key in RESOURCE_WORDS if key in entry}
            resource.translations[lang] = dataclasses.replace(
                resource,
                **{key: value for key, value in words.items() if value},
                translations={},
                language=lang,
            )


def warn_untranslated_resources(report: Report, resources: dict[str, Resource], linked: dict) -> None:
    """Warn once per resource and language when a translated lesson links a resource not translated into it.

    linked maps (resource id, language) to the first translated lesson linking it.
    """
    for (ident, lang), rel in sorted(linked.items()):
        resource = resources.get(ident)
        if resource is not None and lang not in resource.translations:
            report.warn(
                rel,
                1,
                f'untranslated: resource "{ident}" has no "{lang}" description in resources.{lang}.yml, '
                f"so readers of this translation see it in English",
            )
