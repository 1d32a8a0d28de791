"""Content checks: typed phone numbers, stigmatising terms, prerequisite cycles and order."""

from pathlib import Path

import pytest

from academy.curriculum.checks import find_cycles, find_phones, find_terms, prerequisite_order
from academy.curriculum.registry import load_terms
from academy.curriculum.source import Report

CURRICULA = Path(__file__).parent.parent.parent / "curricula"


@pytest.mark.parametrize(
    ("text", "number"),
    [
        ("Call 1-888-373-7888 now.", "1-888-373-7888"),
        ("Call (604) 555-1234.", "(604) 555-1234"),
        ("Call 888.373.7888", "888.373.7888"),
        ("Call 1.888.373.7888", "1.888.373.7888"),
        ("Call +1 888 373 7888", "+1 888 373 7888"),
        ("Call 1 (800) 843-5678", "1 (800) 843-5678"),
        ("Call 604-555-1234, or", "604-555-1234"),
        ("phone:888-373-7888", "888-373-7888"),
        ("call 8883737888.", "8883737888"),
        ("Call 1-800-THE-LOST", "1-800-THE-LOST"),
        ("Call +44 20 7946 0958", "+44 20 7946 0958"),
        ("text 233733", "text 233733"),
        ("Text BEFREE to 233733.", "Text BEFREE to 233733"),
        ("or SMS 233733", "SMS 233733"),
    ],
)
def test_phone_numbers_are_found(text, number):
    assert find_phones(text) == [number]


@pytest.mark.parametrize(
    "text",
    [
        "In 2019, 45% of cases",
        "s.279.01 and s.279.011 of the Criminal Code",
        "$57.22 M in profits",
        "US$236 bn a year",
        "22,326 victims and 1,000 service providers",
        "on 2026-11-01",
        "49.6 M people, about 1 in 150",
        "204 goods from 82 countries",
        "the 2019–2024 strategy, 2010-2020",
        "P.L. 115-125 and CRS R47466",
        "Societies 14(2):29 (2024); report (43-2)",
        "18 U.S.C. § 1591",
        "ISBN 978-3-16-148410-0",
        "pages 123-456",
        "the text of the 2000 protocol",
        "Call 911 in an emergency",
        "10:30 to 12:45",
        "case no. 2024-123-4567",
    ],
)
def test_numbers_that_are_not_phone_numbers_pass(text):
    assert find_phones(text) == []


@pytest.fixture(scope="module")
def terms():
    report = Report("curricula")
    loaded = load_terms(CURRICULA, report)
    assert report.problems == []
    return loaded


def test_terms_file_covers_spanish_and_french(terms):
    languages = {t.language for t in terms}
    assert {"", "es", "fr"} <= languages
    assert {t.term for t in terms if t.language == "es"} >= {"prostituta infantil", "ilegales"}
    assert all(t.applies_to(t.language) and (t.language == "" or not t.applies_to("en")) for t in terms)


def test_terms_file_has_sensible_entries(terms):
    names = {t.term for t in terms}
    assert {
        "child prostitute",
        "teen prostitute",
        "underage prostitute",
        "child sex worker",
        "sex slave",
        "illegal alien",
        "illegal immigrant",
        "illegals",
    } <= names
    assert len(terms) >= 10
    assert all(t.reason and t.suggestion for t in terms)


@pytest.mark.parametrize(
    ("text", "term"),
    [
        ("She was treated as a child prostitute.", "child prostitute"),
        ("CHILD PROSTITUTES are victims", "child prostitute"),
        ("so-called child-prostitutes", "child prostitute"),
        ("a teen prostitute", "teen prostitute"),
        ("an underage prostitute", "underage prostitute"),
        ("a child sex worker", "child sex worker"),
        ("sold as a sex slave", "sex slave"),
        ("illegal aliens were", "illegal alien"),
        ("an illegal immigrant", "illegal immigrant"),
        ("the illegals", "illegals"),
        ("a mail order bride", "mail-order bride"),
        ('She said child prostitute and then "child prostitute".', "child prostitute"),
        ("an underage sex worker", "underage sex worker"),
        ("two teen sex workers", "teen sex worker"),
        ("a juvenile sex worker", "juvenile sex worker"),
        ("arrested the johns", "john"),
        ("hired illegal workers", "illegal worker"),
        ("the aliens in the truck", "alien"),
        ("her pimp", "pimp"),
        ("illegal aliens were", "illegal alien"),  # "alien" inside it is not reported twice
        ("la prostituta infantil", "prostituta infantil"),
        ("los ilegales", "ilegales"),
        ("une prostituée mineure", "prostituée mineure"),
        ("des clandestins", "clandestins"),
    ],
)
def test_terms_are_found(terms, text, term):
    assert [t.term for t in find_terms(text, terms)] == [term]


@pytest.mark.parametrize(
    "text",
    [
        'Never write "child prostitute".',
        "Never write 'child prostitute'.",
        "Never write “child prostitute”.",
        "Never write `child prostitute`.",
        "A children's advocate replaced 'sex slave' with survivor.",
        "Modern-day slavery is real; the rescue is the hotline's job.",
        "A trafficking victim may have entered illegally.",
        "Adults in prostitution can be trafficked.",
    ],
)
def test_quoted_or_acceptable_wording_passes(terms, text):
    assert find_terms(text, terms) == []


def test_cycles_are_named_once():
    graph = {"a": ["b"], "b": ["c"], "c": ["a"], "d": ["d"], "e": ["a"], "f": ["missing"]}
    assert find_cycles(graph) == [["a", "b", "c", "a"], ["d", "d"]]
    assert find_cycles({"a": [], "b": ["a"]}) == []


def test_prerequisites_come_first_then_key_order():
    graph = {"foundation": [], "aaa": ["zzz"], "zzz": ["foundation"], "mmm": []}
    order = prerequisite_order(graph, key=lambda slug: (slug != "foundation", slug))
    assert order == ["foundation", "mmm", "zzz", "aaa"]
    assert prerequisite_order({"b": ["a"], "a": ["b"], "c": []}, key=lambda s: s) == ["c", "a", "b"]
