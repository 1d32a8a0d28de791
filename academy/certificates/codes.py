"""Certificate codes: 80 random bits in Crockford base32 with a mod-37 check symbol, read aloud in groups."""

from __future__ import annotations

import secrets
import unicodedata

DATA_ALPHABET = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"
CHECK_ALPHABET = DATA_ALPHABET + "*~$=U"
DATA_LENGTH = 16  # 16 symbols x 5 bits = 80 random bits
GROUP = 4
# Crockford's decoding rules: look-alike letters read as the digits they resemble.
LOOK_ALIKES = {"O": "0", "I": "1", "L": "1"}
# Longer input cannot be a code; stop before doing any work on it.
MAX_INPUT = 128


def check_symbol(data: str) -> str:
    """Return Crockford's mod-37 check symbol for canonical data symbols."""
    value = 0
    for char in data:
        value = value * 32 + DATA_ALPHABET.index(char)
    return CHECK_ALPHABET[value % 37]


def group(canonical_code: str) -> str:
    """Format a canonical 17-symbol code in hyphenated groups of four, check symbol last."""
    data, check = canonical_code[:DATA_LENGTH], canonical_code[DATA_LENGTH:]
    parts = [data[i : i + GROUP] for i in range(0, len(data), GROUP)]
    return "-".join([*parts, check])


def new_code() -> str:
    """Return a fresh random code in its grouped form, e.g. 7KQ2-M9XD-4T1B-8HNC-V."""
    data = "".join(secrets.choice(DATA_ALPHABET) for _ in range(DATA_LENGTH))
    return group(data + check_symbol(data))


def _is_separator(char: str) -> bool:
    """Tell whether a character only separates groups (space, hyphen, dash, dot, slash...)."""
    if char.isspace() or char in "-_.,/:;|+":
        return True
    return unicodedata.category(char) in {"Pd", "Zs", "Cf"}


def _symbols(text: str) -> str | None:
    """Strip separators, upper-case and undo look-alikes; None if a foreign character remains."""
    out = []
    for char in unicodedata.normalize("NFKC", text):
        if _is_separator(char):
            continue
        if not char.isascii():
            return None
        char = char.upper()
        out.append(LOOK_ALIKES.get(char, char))
    return "".join(out)


def canonical(code: str) -> str | None:
    """Return the ungrouped upper-case 17-symbol key for the database, or None if the code is not valid."""
    if not isinstance(code, str) or len(code) > MAX_INPUT:
        return None
    symbols = _symbols(code)
    if symbols is None or len(symbols) != DATA_LENGTH + 1:
        return None
    data, check = symbols[:DATA_LENGTH], symbols[DATA_LENGTH]
    if any(char not in DATA_ALPHABET for char in data) or check not in CHECK_ALPHABET:
        return None
    return symbols if check_symbol(data) == check else None


def normalize_code(text: str) -> str | None:
    """Return the grouped form of a typed code if its check symbol matches, else None; never raises."""
    key = canonical(text)
    return group(key) if key is not None else None
