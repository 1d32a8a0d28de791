"""Certificate codes: format, check symbol, look-alikes, and robustness against any typed text."""

from __future__ import annotations

import re

import pytest
from hypothesis import given
from hypothesis import strategies as st

from academy.certificates.codes import (
    CHECK_ALPHABET,
    DATA_ALPHABET,
    canonical,
    check_symbol,
    group,
    new_code,
    normalize_code,
)

GROUPED = re.compile(r"^[0-9A-HJKMNP-TV-Z]{4}(-[0-9A-HJKMNP-TV-Z]{4}){3}-[0-9A-HJKMNP-TV-Z*~$=U]$")
FIXED = ["0110ABCDEFGHJKMN", "ZZZZZZZZZZZZZZZZ", "0000000000000000", "7KQ2M9XD4T1B8HNC"]
data_strings = st.text(alphabet=DATA_ALPHABET, min_size=16, max_size=16)


def reference_check(data: str) -> str:
    """Compute the check symbol independently, through Python's own base-32 integer parsing."""
    digits = data.translate(str.maketrans(DATA_ALPHABET, "0123456789abcdefghijklmnopqrstuv"))
    return CHECK_ALPHABET[int(digits, 32) % 37]


def test_new_code_has_the_grouped_form_and_round_trips():
    for _ in range(200):
        code = new_code()
        assert GROUPED.match(code), code
        assert normalize_code(code) == code
        assert canonical(code) == code.replace("-", "")
        assert group(canonical(code)) == code


def test_new_codes_do_not_repeat():
    assert len({new_code() for _ in range(2000)}) == 2000


@pytest.mark.parametrize(
    ("data", "check"),
    [
        ("0000000000000000", "0"),
        ("0000000000000001", "1"),
        ("000000000000000Z", "Z"),
        ("0000000000000010", "*"),
        ("0000000000000011", "~"),
        ("0000000000000012", "$"),
        ("0000000000000013", "="),
        ("0000000000000014", "U"),
        ("0000000000000015", "0"),
    ],
)
def test_check_symbol_follows_crockford_mod_37(data, check):
    assert check_symbol(data) == check


@given(data_strings)
def test_check_symbol_matches_an_independent_computation(data):
    assert check_symbol(data) == reference_check(data)


@pytest.mark.parametrize("data", FIXED)
def test_every_single_character_substitution_is_detected(data):
    code = data + check_symbol(data)
    for position, original in enumerate(code):
        alphabet = DATA_ALPHABET + "U" if position < 16 else CHECK_ALPHABET
        for replacement in alphabet:
            if replacement != original:
                typo = code[:position] + replacement + code[position + 1 :]
                assert normalize_code(typo) is None, typo


@pytest.mark.parametrize("data", FIXED)
def test_every_adjacent_transposition_of_data_is_detected(data):
    code = data + check_symbol(data)
    for position in range(15):
        if code[position] != code[position + 1]:
            swapped = code[:position] + code[position + 1] + code[position] + code[position + 2 :]
            assert normalize_code(swapped) is None, swapped


@given(data_strings)
def test_any_data_round_trips(data):
    code = group(data + check_symbol(data))
    assert normalize_code(code) == code
    assert normalize_code(code.lower()) == code


def test_look_alikes_case_and_separators_are_accepted():
    data = "0110ABCDEFGHJKMN"
    code = group(data + check_symbol(data))
    for typed in [
        "oIlo abcd efgh jkmn " + code[-1],
        "OiLO-ABCD-EFGH-JKMN-" + code[-1],
        code.replace("-", ""),
        "  " + code.lower() + "\n",
        code.replace("-", "\u2013"),  # en dash from a word processor
        code.replace("-", "\u00a0"),  # no-break space
        "\uff10\uff11\uff11\uff10" + code[4:],  # full-width digits from an input method
        code.replace("-", "."),
    ]:
        assert normalize_code(typed) == code, typed


def test_check_symbol_may_be_a_look_alike_too():
    data = "0000000000000001"
    assert normalize_code("0000-0000-0000-0001-l") == group(data + "1")
    assert normalize_code("0000-0000-0000-0014-u") == "0000-0000-0000-0014-U"


def test_letters_from_other_scripts_are_not_taken_for_look_alikes():
    data = "1000000000000000"
    code = group(data + check_symbol(data))
    assert normalize_code(code) == code
    assert normalize_code("\u0131" + code[1:]) is None  # Turkish dotless i, which upper-cases to I
    assert normalize_code("\u0406" + code[1:]) is None  # Cyrillic I


@pytest.mark.parametrize(
    "text",
    [
        "",
        "-",
        "0000-0000-0000-0000",
        "0000-0000-0000-0000-00",
        "0000-0000-0000-000U-U",
        "U000-0000-0000-0000-0",
        "0000-0000-0000-0000-1",
        "Ä000-0000-0000-0000-0",
        "0000-0000-0000-0000-#",
        "ı000-0000-0000-0000-0",
        "0" * 10_000,
        "\x00" * 17,
        "\ud800" * 17,
    ],
)
def test_invalid_text_gives_none(text):
    assert normalize_code(text) is None
    assert canonical(text) is None


@pytest.mark.parametrize("value", [None, 17, b"0000000000000000" + b"0", ["0" * 17]])
def test_non_strings_give_none(value):
    assert normalize_code(value) is None


@given(st.text())
def test_arbitrary_text_never_raises(text):
    result = normalize_code(text)
    assert result is None or (GROUPED.match(result) and normalize_code(result) == result)


@given(
    data_strings,
    st.lists(st.sampled_from([" ", "-", "\t", "\u2014", "/"]), min_size=17, max_size=17),
    st.lists(st.booleans(), min_size=17, max_size=17),
)
def test_separators_and_case_anywhere_are_ignored(data, separators, lower):
    code = data + check_symbol(data)
    typed = "".join(
        sep + (char.lower() if low else char) for sep, char, low in zip(separators, code, lower, strict=True)
    )
    assert normalize_code(typed) == group(code)
