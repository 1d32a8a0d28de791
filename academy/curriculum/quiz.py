"""quiz.md to questions: a `##` heading, a task list of options, a `>` block quote explaining the answer."""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from markdown_it.token import Token

from academy.curriculum.model import Option, Question, QuestionKind
from academy.curriculum.render import render_inline_tokens, render_tokens
from academy.curriculum.source import Report

_BOX = re.compile(r"^\[([ xX])\]\s*")
_SELECT_ALL = re.compile(r"\(select all that apply\)\s*$", re.IGNORECASE)
_LISTS = ("bullet_list_open", "ordered_list_open")


@dataclass
class QuizParts:
    intro_html: str
    questions: tuple[Question, ...]


def _close(tokens: list[Token], start: int) -> int:
    """Return the index just past the block that opens at tokens[start]."""
    depth = 0
    for i in range(start, len(tokens)):
        depth += tokens[i].nesting
        if depth == 0:
            return i + 1
    return len(tokens)


def _blocks(tokens: list[Token], start: int, end: int) -> list[tuple[int, int]]:
    """Split tokens[start:end] into top-level blocks, as (start, end) pairs."""
    blocks, i = [], start
    while i < end:
        j = _close(tokens, i) if tokens[i].nesting == 1 else i + 1
        blocks.append((i, j))
        i = j
    return blocks


def parse_quiz(tokens: list[Token], env: dict[str, Any], rel: str, body_line: int, report: Report) -> QuizParts:
    """Turn a parsed quiz body into questions, reporting every malformed one."""
    headings = [i for i, t in enumerate(tokens) if t.type == "heading_open" and t.tag == "h2" and t.level == 0]
    intro_end = headings[0] if headings else len(tokens)
    questions = []
    for n, start in enumerate(headings):
        end = headings[n + 1] if n + 1 < len(headings) else len(tokens)
        question = _question(tokens, start, end, f"q{n + 1}", env, rel, body_line, report)
        if question:
            questions.append(question)
    if not headings:
        report.add(rel, body_line, 'the quiz has no questions: start each question with a "## " heading')
    return QuizParts(render_tokens(tokens[:intro_end], env), tuple(questions))


def _question(tokens: list[Token], start: int, end: int, qid: str, env: dict[str, Any], rel: str,
              body_line: int, report: Report) -> Question | None:
    heading = tokens[start + 1]
    line = body_line + (heading.map[0] if heading.map else 0)
    prompt = heading.content.strip()
    label = f'question "{prompt[:80]}…"' if len(prompt) > 80 else f'question "{prompt}"'
    blocks = _blocks(tokens, start + 3, end)
    list_at = next((k for k, (b, _) in enumerate(blocks) if tokens[b].type in _LISTS), None)
    if list_at is None:
        report.add(rel, line, f"{label} has no options: list them as - [x] right answer, - [ ] wrong answer")
        return None
    context = [t for b, e in blocks[:list_at] for t in tokens[b:e]]
    options = _options(tokens, *blocks[list_at], qid, env, rel, body_line, report)
    after = blocks[list_at + 1 :]
    quote = next(((b, e) for b, e in after if tokens[b].type == "blockquote_open"), None)
    ok = True
    if len(options) < 2:
        report.add(rel, line, f"{label} needs at least two options")
        ok = False
    correct = sum(o.correct for o in options)
    if options and not correct:
        report.add(rel, line, f"{label} has no correct option: mark it - [x]")
        ok = False
    if quote is None:
        report.add(rel, line, f'{label} has no explanation: add a block quote ("> ...") after the options')
        ok = False
    for b, e in after:
        if (b, e) != quote:
            extra = body_line + (tokens[b].map[0] if tokens[b].map else 0)
            report.add(rel, extra, f"{label}: only one option list and one block quote may follow the heading")
            ok = False
            break
    if not ok or quote is None:
        return None
    return Question(
        id=qid,
        kind=_kind(prompt, options),
        prompt_html=render_inline_tokens(heading.children or [], env),
        options=tuple(options),
        explanation_html=render_tokens(tokens[quote[0] + 1 : quote[1] - 1], env),
        context_html=render_tokens(context, env),
    )


def _options(tokens: list[Token], start: int, end: int, qid: str, env: dict[str, Any], rel: str,
             body_line: int, report: Report) -> list[Option]:
    options: list[Option] = []
    items = [i for i in range(start, end) if tokens[i].type == "list_item_open" and tokens[i].level == 1]
    for n, item in enumerate(items):
        line = body_line + (tokens[item].map[0] if tokens[item].map else 0)
        inline = next((t for t in tokens[item:end] if t.type == "inline"), None)
        match = _BOX.match(inline.content) if inline else None
        if inline is None or match is None or not inline.children:
            report.add(rel, line, "an option must start with [ ] (wrong) or [x] (right)")
            continue
        children = list(inline.children)
        first = children[0]
        if first.type != "text" or not _BOX.match(first.content):
            report.add(rel, line, "an option must start with [ ] (wrong) or [x] (right)")
            continue
        children[0] = Token("text", "", 0, content=_BOX.sub("", first.content, count=1))
        html = render_inline_tokens(children, env).strip()
        if not html:
            report.add(rel, line, "an option has no text")
            continue
        letter = chr(ord("a") + n) if n < 26 else f"o{n + 1}"
        options.append(Option(f"{qid}-{letter}", html, match.group(1) != " "))
    return options


def _kind(prompt: str, options: list[Option]) -> QuestionKind:
    correct = sum(o.correct for o in options)
    if correct > 1 or _SELECT_ALL.search(prompt):
        return "multiple"
    if sorted(o.html.strip().lower() for o in options) == ["false", "true"]:
        return "true_false"
    return "single"
