"""quiz.md to questions: a `##` heading, a task list of options, a `>` block quote explaining the answer."""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from markdown_it.token import Token

from academy.curriculum.model import Option, Question, QuestionKind
from academy.curriculum.render import render_inline_tokens, render_tokens
from academy.curriculum.source import Report, suggest

_BOX = re.compile(r"^\[([ xX])\]\s*")
# What makes a question multiple choice or true/false, in each language the checker knows. A translated
# quiz in another language takes its questions' kinds from the English quiz.
SELECT_ALL = {
    "en": "(select all that apply)",
    "es": "(seleccione todas las que correspondan)",
    "fr": "(plusieurs réponses possibles)",
}
TRUE_FALSE = {"en": ("True", "False"), "es": ("Verdadero", "Falso"), "fr": ("Vrai", "Faux")}
_LISTS = ("bullet_list_open", "ordered_list_open")
_NO_BOX = "an option must start with [ ] (wrong) or [x] (right)"
# "indicator: knows-hotline" or "indicators: knows-hotline, identifies-trafficking", a paragraph of its own
_INDICATOR = re.compile(r"^indicators?:\s*(\S.*?)\s*$", re.IGNORECASE)
_TAG = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")


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


def parse_quiz(
    tokens: list[Token],
    env: dict[str, Any],
    rel: str,
    body_line: int,
    report: Report,
    language: str = "en",
    indicators: Mapping[str, str] | None = None,
) -> QuizParts:
    """Turn a parsed quiz body into questions, reporting every malformed one.

    indicators are the tags questions may carry (from indicators.yml); None when the curriculum has no list.
    """
    return _Reader(tokens, env, rel, body_line, report, language, indicators).read()


@dataclass
class _Reader:
    tokens: list[Token]
    env: dict[str, Any]
    rel: str
    body_line: int
    report: Report
    language: str = "en"
    indicators: Mapping[str, str] | None = None

    def line(self, index: int) -> int:
        token = self.tokens[index]
        return self.body_line + (token.map[0] if token.map else 0)

    def read(self) -> QuizParts:
        tokens = self.tokens
        headings = [i for i, t in enumerate(tokens) if t.type == "heading_open" and t.tag == "h2" and t.level == 0]
        intro_end = headings[0] if headings else len(tokens)
        for start, end in _blocks(tokens, 0, intro_end):
            if tokens[start].type in _LISTS and self._has_box(start, end):
                self.report.add(
                    self.rel,
                    self.line(start),
                    'options before the first question: start each question with a "## " heading',
                )
        if not headings:
            self.report.add(
                self.rel,
                self.body_line,
                'the quiz has no questions: start each question with a "## " heading',
            )
        bounds = zip(headings, [*headings[1:], len(tokens)], strict=False)  # no headings: no questions
        questions = [self._question(start, end, f"q{n + 1}") for n, (start, end) in enumerate(bounds)]
        intro = render_tokens(tokens[:intro_end], self.env)
        return QuizParts(intro, tuple(q for q in questions if q))

    def _has_box(self, start: int, end: int) -> bool:
        inline = next((t for t in self.tokens[start:end] if t.type == "inline"), None)
        return bool(inline and _BOX.match(inline.content))

    def _question(self, start: int, end: int, qid: str) -> Question | None:
        heading = self.tokens[start + 1]
        prompt = heading.content.strip()
        label = f'question "{prompt[:80]}…"' if len(prompt) > 80 else f'question "{prompt}"'
        blocks = _blocks(self.tokens, start + 3, end)
        tags = self._tags(blocks, label)
        blocks = [b for b in blocks if self._indicator_line(b) is None]
        at = next((k for k, (b, _) in enumerate(blocks) if self.tokens[b].type in _LISTS), None)
        if at is None:
            self.report.add(
                self.rel,
                self.line(start),
                f"{label} has no options: list them as - [x] right answer, - [ ] wrong answer",
            )
            return None
        options = self._options(*blocks[at], qid)
        quote = next(((b, e) for b, e in blocks[at + 1 :] if self.tokens[b].type == "blockquote_open"), None)
        extra = next((b for b, e in blocks[at + 1 :] if (b, e) != quote), None)
        problems = [
            "needs at least two options" if len(options) < 2 else "",
            "has no correct option: mark it - [x]" if options and not any(o.correct for o in options) else "",
            'has no explanation: add a block quote ("> ...") after the options' if quote is None else "",
        ]
        for problem in filter(None, problems):
            self.report.add(self.rel, self.line(start), f"{label} {problem}")
        if extra is not None:
            self.report.add(
                self.rel,
                self.line(extra),
                f"{label}: only one option list and one block quote may follow the heading",
            )
        if any(problems) or extra is not None or quote is None:
            return None
        return Question(
            id=qid,
            kind=question_kind(prompt, options, self.language),
            prompt_html=render_inline_tokens(heading.children or [], self.env),
            options=tuple(options),
            explanation_html=render_tokens(self.tokens[quote[0] + 1 : quote[1] - 1], self.env),
            context_html=render_tokens([t for b, e in blocks[:at] for t in self.tokens[b:e]], self.env),
            line=self.line(start),
            indicators=tags,
        )

    def _indicator_line(self, block: tuple[int, int]) -> str | None:
        """Return the tag text of a paragraph that is only "indicator: ...", else None."""
        start, end = block
        if self.tokens[start].type != "paragraph_open" or end - start != 3:
            return None
        match = _INDICATOR.match(self.tokens[start + 1].content)
        return match.group(1) if match else None

    def _tags(self, blocks: list[tuple[int, int]], label: str) -> tuple[str, ...]:
        """Read a question's indicator tags, reporting malformed and unknown ones."""
        tags: list[str] = []
        for block in blocks:
            text = self._indicator_line(block)
            if text is None:
                continue
            line = self.line(block[0])
            for tag in (t.strip() for t in text.split(",")):
                if not _TAG.match(tag):
                    self.report.add(self.rel, line, f'{label}: indicator "{tag}" must be an id like knows-hotline')
                elif self.indicators is None:
                    self.report.add(
                        self.rel, line, f'{label}: indicator "{tag}" needs a list of indicators: add indicators.yml'
                    )
                elif tag not in self.indicators:
                    self.report.add(
                        self.rel,
                        line,
                        f'{label}: unknown indicator "{tag}"{suggest(tag, self.indicators)}: '
                        "add it to indicators.yml first",
                    )
                elif tag in tags:
                    self.report.add(self.rel, line, f'{label}: indicator "{tag}" is given twice')
                else:
                    tags.append(tag)
        return tuple(tags)

    def _options(self, start: int, end: int, qid: str) -> list[Option]:
        items = [i for i in range(start, end) if self.tokens[i].type == "list_item_open" and self.tokens[i].level == 1]
        options: list[Option] = []
        for n, item in enumerate(items):
            inline = next((t for t in self.tokens[item:end] if t.type == "inline"), None)
            children = list(inline.children or []) if inline else []
            match = _BOX.match(children[0].content) if children and children[0].type == "text" else None
            if match is None:
                self.report.add(self.rel, self.line(item), _NO_BOX)
                continue
            children[0] = Token("text", "", 0, content=children[0].content[match.end() :])
            html = render_inline_tokens(children, self.env).strip()
            if not html:
                self.report.add(self.rel, self.line(item), "an option has no text")
                continue
            letter = chr(ord("a") + n) if n < 26 else f"o{n + 1}"
            options.append(Option(f"{qid}-{letter}", html, match.group(1) != " ", self.line(item)))
        return options


def question_kind(prompt: str, options: list[Option], language: str = "en") -> QuestionKind:
    """Tell a question's kind from its options and heading, in English or the quiz's own language."""
    languages = {"en", language}
    correct = sum(o.correct for o in options)
    ending = prompt.rstrip().lower()
    if correct > 1 or any(ending.endswith(SELECT_ALL[lang]) for lang in languages if lang in SELECT_ALL):
        return "multiple"
    texts = sorted(o.html.strip().lower() for o in options)
    if any(texts == sorted(w.lower() for w in TRUE_FALSE[lang]) for lang in languages if lang in TRUE_FALSE):
        return "true_false"
    return "single"
