"""Markdown to safe HTML, once at load: callouts, heading anchors, resource and lesson links.

One MarkdownIt instance serves every file. Raw HTML is off, so `<script>` shows as text, and markdown-it's
validateLink drops javascript:, vbscript:, file: and data: links. While rendering, the links, headings and
words of each file are collected so the loader can check them.
"""

from __future__ import annotations

import posixpath
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import unquote

from markdown_it import MarkdownIt
from markdown_it.common.utils import escapeHtml
from markdown_it.rules_core import StateCore
from markdown_it.token import Token
from mdit_py_plugins.anchors import anchors_plugin
from mdit_py_plugins.container import container_plugin

from academy.curriculum.model import Resource

CALLOUTS = {
    "note": "Note",
    "tip": "Tip",
    "warning": "Warning",
    "scenario": "Scenario",
    "do": "What to do",
    "dont": "What not to do",
    "notice": "What you might notice",
}
# The box titles in a translated lesson, in its language (English above is the fallback).
CALLOUT_TITLES = {
    "es": {
        "note": "Nota",
        "tip": "Consejo",
        "warning": "Atención",
        "scenario": "Caso práctico",
        "do": "Qué hacer",
        "dont": "Qué no hacer",
        "notice": "Qué puede notar",
    },
    "fr": {
        "note": "Remarque",
        "tip": "Conseil",
        "warning": "Attention",
        "scenario": "Mise en situation",
        "do": "Ce qu’il faut faire",
        "dont": "Ce qu’il ne faut pas faire",
        "notice": "Ce que vous pourriez remarquer",
    },
}
# 01-what-is-trafficking.md, or its translation 01-what-is-trafficking.es.md
LESSON_FILE = re.compile(r"^(\d+)-([a-z0-9]+(?:-[a-z0-9]+)*)(?:\.([a-z]{2,3}(?:-[A-Za-z0-9]{2,8})?))?\.md$")
_WORD = re.compile(r"\w+(?:[.'’-]\w+)*")  # s.279.01, 57.22 and forced-labour are one word each
_SCHEME = re.compile(r"^([a-z][a-z0-9+.-]*):", re.IGNORECASE)


@dataclass(frozen=True)
class RenderContext:
    """Where the text comes from: its course folder, the resources it may link, its first line in the file."""

    folder: str | None = None
    resources: Mapping[str, Resource] = field(default_factory=dict)
    line: int = 1
    language: str = "en"  # of the text: callout titles are written in it


@dataclass(frozen=True)
class Link:
    """A link found while rendering. kind: resource, file, unsupported, outside or scheme."""

    kind: str
    href: str
    line: int
    target: str = ""  # resource id, or the linked file relative to the curricula folder ("" = this file)
    anchor: str = ""


@dataclass
class Collected:
    """What rendering a file found: links, heading ids, words, stray callout markers."""

    context: RenderContext
    links: list[Link] = field(default_factory=list)
    anchors: set[str] = field(default_factory=set)
    words: int = 0
    stray_callouts: list[tuple[int, str]] = field(default_factory=list)


def lesson_url(course: str, filename: str) -> str | None:
    """Return the site path of a course's file, or None when the file is not one a link can open."""
    if filename == "course.md":
        return f"/courses/{course}"
    if filename == "quiz.md":
        return f"/courses/{course}/quiz"
    match = LESSON_FILE.match(filename)
    return f"/courses/{course}/lessons/{match.group(2)}" if match else None


def _classify(href: str, line: int, context: RenderContext) -> tuple[str | None, Link | None]:
    """Return the href to render (None to leave it) and the link to check (None for plain web links)."""
    raw = unquote(href)
    scheme = _SCHEME.match(raw)
    if scheme:
        name = scheme.group(1).lower()
        if name == "resource":
            ident = raw[len("resource:") :]
            return f"/resources#{ident}", Link("resource", raw, line, ident)
        if name in ("http", "https", "mailto"):
            return None, None
        return None, Link("scheme", raw, line)
    if raw.startswith("/"):
        return None, None
    path, _, anchor = raw.partition("#")
    if not path:
        return None, Link("file", raw, line, "", anchor)
    if context.folder is None:
        return None, Link("unsupported", raw, line)
    target = posixpath.normpath(posixpath.join(context.folder, path))
    parts = target.split("/")
    if target.startswith("..") or len(parts) != 2:
        return None, Link("outside", raw, line, target)
    url = lesson_url(parts[0], parts[1])
    if url is None:
        return None, Link("unsupported", raw, line, target)
    return url + (f"#{anchor}" if anchor else ""), Link("file", raw, line, target, anchor)


def _rewrite_links(children: list[Token], line: int, found: Collected) -> list[Token]:
    result: list[Token] = []
    pending_contact: Token | None = None
    for child in children:
        if child.type in ("softbreak", "hardbreak"):
            line += 1
        elif child.type in ("text", "code_inline"):
            found.words += len(_WORD.findall(child.content))
        elif child.type == "link_open":
            pending_contact = _link_open(child, line, found)
        elif child.type == "link_close" and pending_contact is not None:
            if result and result[-1].type == "link_open":  # [](resource:id): show the resource's name
                result.append(Token("text", "", 0, content=pending_contact.meta["name"]))
            result.append(child)
            result.append(pending_contact)
            pending_contact = None
            continue
        result.append(child)
    return result


def _link_open(token: Token, line: int, found: Collected) -> Token | None:
    href, link = _classify(str(token.attrGet("href") or ""), line, found.context)
    if link:
        found.links.append(link)
    if href is not None:
        token.attrSet("href", href)
    if link is None and str(token.attrGet("href") or "").lower().startswith(("http:", "https:", "//")):
        token.attrSet("rel", "noopener")
    if link is None or link.kind != "resource":
        return None
    token.attrSet("class", "resource-link")
    resource = found.context.resources.get(link.target)
    if resource is not None:  # [](resource:id) in a translated lesson shows the name in its language
        resource = resource.in_language(found.context.language)
    contact = resource and (resource.phone or resource.text)
    return Token(
        "resource_contact",
        "",
        0,
        content=contact or "",
        meta={"name": resource.name if resource else link.target},
    )


def _academy_rule(state: StateCore) -> None:
    found = state.env.get("academy")
    if not isinstance(found, Collected):
        found = state.env["academy"] = Collected(RenderContext())
    tokens = state.tokens
    for i, token in enumerate(tokens):
        if token.type == "heading_open" and token.attrGet("id"):
            found.anchors.add(str(token.attrGet("id")))
        if token.type != "inline" or token.children is None:
            continue
        line = found.context.line + (token.map[0] if token.map else 0)
        if i and tokens[i - 1].type == "paragraph_open" and token.content.startswith(":::"):
            found.stray_callouts.append((line, token.content.split("\n", 1)[0]))
        token.children = _rewrite_links(token.children, line, found)


def _render_contact(self: Any, tokens: Sequence[Token], idx: int, options: Any, env: Any) -> str:
    contact = tokens[idx].content
    return f' <span class="resource-contact">({escapeHtml(contact)})</span>' if contact else ""


def _callout_kind(params: str, *args: Any) -> bool:
    return params.strip().split(" ", 1)[0] in CALLOUTS


def _render_callout(self: Any, tokens: Sequence[Token], idx: int, options: Any, env: Any) -> str:
    if tokens[idx].nesting != 1:
        return "</aside>\n"
    kind = tokens[idx].info.strip().split(" ", 1)[0]
    found = env.get("academy") if isinstance(env, dict) else None
    language = found.context.language if isinstance(found, Collected) else "en"
    title = CALLOUT_TITLES.get(language, {}).get(kind, CALLOUTS[kind])
    return f'<aside class="callout callout-{kind}" role="note"><p class="callout-title">{escapeHtml(title)}</p>\n'


def _build() -> MarkdownIt:
    md = MarkdownIt("commonmark", {"html": False, "linkify": False, "typographer": False})
    md.enable(["table", "strikethrough"])
    md.disable(["html_block", "html_inline"])  # no-ops with html off; skipping them saves time on every line
    container_plugin(md, "callout", validate=_callout_kind, render=_render_callout)
    anchors_plugin(md, min_level=2, max_level=3)
    md.core.ruler.push("academy", _academy_rule)
    md.add_render_rule("resource_contact", _render_contact)
    return md


MD = _build()


def parse(text: str, context: RenderContext | None = None) -> tuple[list[Token], dict[str, Any]]:
    """Parse Markdown into tokens, with links rewritten; the env's "academy" entry holds what was found."""
    env: dict[str, Any] = {"academy": Collected(context or RenderContext())}
    return MD.parse(text, env), env


def render_tokens(tokens: Sequence[Token], env: dict[str, Any]) -> str:
    return MD.renderer.render(tokens, MD.options, env)


def render_inline_tokens(children: Sequence[Token], env: dict[str, Any]) -> str:
    return MD.renderer.renderInline(children, MD.options, env)


def render_markdown(text: str, context: RenderContext | None = None) -> str:
    """Render Markdown to safe HTML."""
    tokens, env = parse(text, context)
    return render_tokens(tokens, env)


def collected(env: dict[str, Any]) -> Collected:
    return env["academy"]
