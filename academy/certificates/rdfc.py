"""RDF Dataset Canonicalization (RDFC-1.0, URDNA2015) of JSON-LD documents, offline, for eddsa-rdfc-2022.

Only contexts bundled with the academy are ever loaded: signing and verifying never touch the network, and a
document naming any other context cannot be canonicalized (it fails verification instead of fetching a URL).
JSON-LD "safe mode" is applied too: a property or type that no context defines would silently drop out of the
canonical form, and so out of what is signed, so it is refused instead.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Mapping
from functools import cache
from pathlib import Path

CONTEXT_DIR = Path(__file__).with_name("contexts")
# The contexts the academy's credentials and status lists name: W3C VC 2.0 (which defines the Bitstring
# Status List and Data Integrity terms) and Open Badges 3.0.3.
BUNDLED = {
    "https://www.w3.org/ns/credentials/v2": "credentials-v2.jsonld",
    "https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json": "ob-context-3.0.3.json",
}


class CanonicalizationError(ValueError):
    """The document cannot be canonicalized offline: an unknown context, an undefined term, bad JSON-LD."""


@cache
def _bundled(url: str) -> str:
    """Return the text of a bundled context."""
    return (CONTEXT_DIR / BUNDLED[url]).read_text(encoding="utf-8")


def loader_for(contexts: Mapping[str, object]) -> Callable[[str, dict], dict]:
    """Return a pyld document loader that serves only the given URL -> JSON document map."""

    def load(url: str, options: dict | None = None) -> dict:
        if url not in contexts:
            raise CanonicalizationError(f"the context {url} is not one this verifier has; no network is used")
        return {
            "contentType": "application/ld+json",
            "contextUrl": None,
            "documentUrl": url,
            "document": json.loads(json.dumps(contexts[url])),  # a fresh copy: pyld may keep references
        }

    return load


def bundled_contexts() -> dict[str, object]:
    """Return the bundled contexts as parsed JSON, by URL."""
    return {url: json.loads(_bundled(url)) for url in BUNDLED}


def default_loader() -> Callable[[str, dict], dict]:
    """Return the loader of the bundled contexts."""
    return loader_for(bundled_contexts())


def _refuse_dropped(term: str | None) -> None:
    raise CanonicalizationError(f"the term {term!r} is not defined by the document's contexts")


def canonicalize(document: dict, loader: Callable[[str, dict], dict] | None = None) -> bytes:
    """Return the canonical N-Quads (RDFC-1.0) of a JSON-LD document as UTF-8 bytes."""
    from pyld import jsonld  # pyld and the HTTP stack it imports load with the first signature, not in every worker

    processor = jsonld.JsonLdProcessor(on_property_dropped=_refuse_dropped)
    options = {
        "algorithm": "URDNA2015",
        "format": "application/n-quads",
        "documentLoader": loader or default_loader(),
    }
    try:
        nquads = processor.normalize(document, options)
    except CanonicalizationError:
        raise
    except jsonld.JsonLdError as error:
        raise CanonicalizationError(_reason(error)) from error
    return nquads.encode("utf-8")


def _reason(error: BaseException) -> str:
    """Return what was wrong, from the innermost of the errors pyld wraps one in another."""
    from pyld import jsonld

    causes = [error]
    while causes[-1].__cause__ is not None and len(causes) < 20:
        causes.append(causes[-1].__cause__)
    for cause in causes:
        if isinstance(cause, CanonicalizationError):
            return str(cause)
    inner = causes[-1]
    if isinstance(inner, jsonld.JsonLdError):
        return f"not valid JSON-LD: {inner.args[0] if inner.args else inner.type} ({inner.code or inner.type})"
    return f"not valid JSON-LD: {inner}"
