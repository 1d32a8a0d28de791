"""Content checks (typed phone numbers, stigmatising terms, lesson length) and prerequisite order."""

from __future__ import annotations

import heapq
import re
from collections.abc import Callable, Iterable, Iterator, Mapping

from academy.curriculum.model import Resource
from academy.curriculum.registry import Term
from academy.curriculum.source import Report

# North-American numbers: 1-888-373-7888, (604) 555-1234, 888.373.7888, +1 888 373 7888, 8883737888,
# vanity toll-free numbers (1-800-THE-LOST) and international numbers written with a +.
# Not years, percentages, statutes (s.279.01), money ($57.22 M), counts (22,326) or dates (2026-11-01).
_PHONE = re.compile(
    r"""
    (?<![\w$€£¥.,/§#-])
    (?:
        (?:\+?1[\s.-]?)?(?:\(\d{3}\)[\s.-]?|\d{3}[\s.-])\d{3}[\s.-]\d{4}
      | (?:\+?1[\s.-]?)?8(?:00|33|44|55|66|77|88)[\s.-][A-Z0-9]{3}[\s.-]?[A-Z0-9]{4}
      | \+?1?[2-9]\d{2}[2-9]\d{6}
      | \+\d{1,3}(?:[\s.-]?\(?\d{1,4}\)?){2,5}
    )
    (?!\w|[.,/-]\d)
    """,
    re.VERBOSE,
)
# SMS short codes: "text 233733", "Text BEFREE to 233733"
_SHORT_CODE = re.compile(
    r"\b(?:text|txt|sms)(?:ing)?\b[^\d\n.;]{0,25}?(?<![\d,.])(\d{5,6})(?![\d,.]\d|\w)", re.IGNORECASE
)
_THREE_DIGITS = re.compile(r"\d\d\d")
_FENCE = re.compile(r"^\s{0,3}(```|~~~)")
# spans where a term may be cited on purpose: `code`, "double quotes", 'single quotes'
_QUOTED = re.compile(r"`[^`]*`|\"[^\"]*\"|“[^”]*”|‘[^’]*’|(?<!\w)'[^'\n]*'(?!\w)")


def _digits(text: str) -> str:
    digits = re.sub(r"\D", "", text)
    return digits[1:] if len(digits) == 11 and digits.startswith("1") else digits


def find_phones(text: str) -> list[str]:
    """Return the phone numbers and SMS short codes typed into a line of text."""
    found = []
    for match in _PHONE.finditer(text):
        count = len(_digits(match.group()))
        letters = any(c.isalpha() for c in match.group())
        if count == 10 or (letters and count >= 3) or (match.group().startswith("+") and 8 <= count <= 15):
            found.append(match.group().strip())
    found.extend(m.group(0).strip() for m in _SHORT_CODE.finditer(text))
    return found


def phone_index(resources: Mapping[str, Resource]) -> dict[str, Resource]:
    """Map the digits of every resource's phone and text number to the resource."""
    index: dict[str, Resource] = {}
    for resource in resources.values():
        for number in (resource.phone, resource.text):
            if number and len(_digits(number)) >= 5:
                index.setdefault(_digits(number), resource)
    return index


def _phone_message(number: str, index: Mapping[str, Resource]) -> str:
    resource = index.get(_digits(number))
    if resource is None:
        resource = next((r for digits, r in index.items() if len(digits) <= 6 and number.endswith(digits)), None)
    if resource:
        hint = f"link the resource instead: [{resource.name}](resource:{resource.id})"
    else:
        hint = "add it to resources.yml and link it as [name](resource:ID)"
    return f'phone number "{number}" typed into the text: {hint}'


def text_lines(body: str, first_line: int) -> Iterator[tuple[int, str, bool]]:
    """Yield (file line, text, inside a fenced code block) for each line of a body."""
    fence: str | None = None
    for i, text in enumerate(body.split("\n")):
        match = _FENCE.match(text)
        if match and (fence is None or match.group(1) == fence):
            fence = match.group(1) if fence is None else None
            yield first_line + i, text, True
            continue
        yield first_line + i, text, fence is not None


def check_phones(
    lines: Iterable[tuple[int, str, bool]], rel: str, index: Mapping[str, Resource], report: Report
) -> None:
    for line, text, _ in lines:
        if not _THREE_DIGITS.search(text):  # every number found has three digits in a row
            continue
        for number in find_phones(text):
            report.add(rel, line, _phone_message(number, index))


def find_terms(text: str, terms: Iterable[Term]) -> list[Term]:
    """Return the terms used in a line, except those cited in `code` or quotes."""
    lowered = text.lower()
    candidates = [term for term in terms if term.key in lowered]
    if not candidates:
        return []
    quoted = [m.span() for m in _QUOTED.finditer(text)]
    found, spans = [], []
    # longest first, so "alien" inside a reported "illegal alien" is not reported again
    for term in sorted(candidates, key=lambda t: -len(t.term)):
        for match in term.pattern.finditer(text):
            covered = quoted + spans
            if not any(start <= match.start() and match.end() <= end for start, end in covered):
                found.append(term)
                spans.append(match.span())
                break
    return sorted(found, key=candidates.index)


def check_terms(lines: Iterable[tuple[int, str, bool]], rel: str, terms: list[Term], report: Report) -> None:
    if not terms:
        return
    for line, text, in_code in lines:
        if in_code:
            continue
        for term in find_terms(text, terms):
            report.add(
                rel,
                line,
                f'"{term.term}": write "{term.suggestion}" instead ({term.reason}). '
                f'To cite the term on purpose, put it in "quotes" or `code`.',
            )


def check_words(words: int, bounds: tuple[int, int] | None, rel: str, report: Report) -> None:
    if bounds and not bounds[0] <= words <= bounds[1]:
        report.warn(rel, 1, f"the lesson has {words} words; aim for {bounds[0]} to {bounds[1]}")


def find_cycles(graph: Mapping[str, Iterable[str]]) -> list[list[str]]:
    """Return each prerequisite cycle once, as [a, b, ..., a] starting at its smallest slug."""
    state: dict[str, int] = {}  # 1 = on the stack, 2 = done
    stack: list[str] = []
    cycles: dict[frozenset[str], list[str]] = {}

    def visit(node: str) -> None:
        state[node] = 1
        stack.append(node)
        for nxt in graph.get(node, ()):
            if nxt not in graph:
                continue
            if state.get(nxt) == 1:
                cycle = stack[stack.index(nxt) :]
                first = cycle.index(min(cycle))
                cycle = cycle[first:] + cycle[:first]
                cycles.setdefault(frozenset(cycle), cycle + [cycle[0]])
            elif nxt not in state:
                visit(nxt)
        stack.pop()
        state[node] = 2

    for node in sorted(graph):
        if node not in state:
            visit(node)
    return sorted(cycles.values())


def prerequisite_order(graph: Mapping[str, Iterable[str]], key: Callable[[str], tuple]) -> list[str]:
    """Order nodes so prerequisites come first, otherwise by key; nodes in cycles go last, by key."""
    waiting = {node: {p for p in graph[node] if p in graph and p != node} for node in graph}
    needed_by: dict[str, list[str]] = {node: [] for node in graph}
    for node, prereqs in waiting.items():
        for p in prereqs:
            needed_by[p].append(node)
    ready = [(key(n), n) for n, prereqs in waiting.items() if not prereqs]
    heapq.heapify(ready)
    order: list[str] = []
    while ready:
        _, node = heapq.heappop(ready)
        order.append(node)
        for later in needed_by[node]:
            waiting[later].discard(node)
            if not waiting[later]:
                heapq.heappush(ready, (key(later), later))
    placed = set(order)
    return order + sorted((n for n in graph if n not in placed), key=key)
