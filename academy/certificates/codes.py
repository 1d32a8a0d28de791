"""Certificate codes: 80 random bits in Crockford base32 and one check symbol, read aloud in groups.

A code is 16 data symbols of Crockford's base32 alphabet (16 x 5 = 80 random bits) and one check symbol,
printed as ``7KQ2-M9XD-4T1B-8HNC-V``. Typing forgives case, separators of any kind and the look-alikes
O -> 0 and I, L -> 1.

The check symbol (decided before the first certificate was printed for real)
---------------------------------------------------------------------------------
Codes used to end in Crockford's mod-37 check symbol, whose alphabet adds ``* ~ $ = U`` to the 32 data
symbols. About one code in seven (5 in 37) then ended in a symbol that is awkward to read aloud over the phone
and that must be escaped in a URL (``$``, ``=``) or is easily lost (``~``). New codes therefore use a check
symbol from the same 32-symbol alphabet as the data: the Damm algorithm over GF(32).

- Multiplication is in GF(2^5) with the modulus x^5 + x^2 + 1; the quasigroup is ``x * y = A·x XOR y`` with
  ``A = 2`` (any constant other than 0 and 1 works; 2 is the generator x, so multiplying is a shift).
- Folding the data symbols through ``s = s * y``, starting from 0, gives an interim value ``s``; the check
  symbol is ``c = A·s``, so that ``s * c = 0``: folding all 17 symbols of a good code ends at 0.
- A single substitution anywhere (data or check) changes the running value from that position on and the
  change never cancels, because ``y -> A·s XOR y`` and ``s -> A·s XOR y`` are both bijections (A is not 0).
- Swapping neighbours ``x y`` (including the last data symbol and the check symbol) changes the result by
  ``(A + 1)·(x XOR y)``, which is not 0 when ``x != y`` because A is not 1. The same argument covers twin
  errors (``xx -> yy``) and, with ``(A^2 + 1) = (A + 1)^2``, jump transpositions (``xzy -> yzx``).
  tests/unit/test_codes.py checks all of these exhaustively.

Mod-37 catches the same two classes of error; what it cannot do is stay inside 32 symbols, because a check
symbol over a prime modulus needs a prime-sized alphabet. A Damm quasigroup needs no prime, only a field.

Codes issued with the old mod-37 symbol exist in demo and development databases, so ``canonical`` still
accepts a code whose last symbol satisfies the old check (``legacy_check_symbol``); only new codes use the new
check. The price: about 1 typo in 37 of a new code passes as a well-formed old code. No pure check can avoid
that (changing the last symbol of any string reaches a valid code), but such a typo then finds no certificate
in the register, since random 80-bit codes are never one typo apart, and the pages and the API answer "not
found" for a failed check and an unknown code alike. ``canonical(text, legacy=False)`` accepts new codes only.
When no database with old codes remains, the legacy branch can go.
"""

from __future__ import annotations

import secrets
import unicodedata

DATA_ALPHABET = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"
CHECK_ALPHABET = DATA_ALPHABET  # new codes: the check symbol is one of the 32 data symbols
LEGACY_CHECK_ALPHABET = DATA_ALPHABET + "*~$=U"  # Crockford's mod-37 symbols, on codes issued before
DATA_LENGTH = 16  # 16 symbols x 5 bits = 80 random bits
GROUP = 4
# Crockford's decoding rules: look-alike letters read as the digits they resemble.
LOOK_ALIKES = {"O": "0", "I": "1", "L": "1"}
# Longer input cannot be a code; stop before doing any work on it.
MAX_INPUT = 128

GF32_MODULUS = 0b100101  # x^5 + x^2 + 1, irreducible (and primitive) over GF(2)
DAMM_A = 2  # the quasigroup's constant: not 0 (substitutions) and not 1 (transpositions)
_VALUE = {char: value for value, char in enumerate(DATA_ALPHABET)}


def gf32_multiply(x: int, y: int) -> int:
    """Multiply two elements of GF(2^5), each a 5-bit integer."""
    product = 0
    for _ in range(5):
        if y & 1:
            product ^= x
        y >>= 1
        x <<= 1
        if x & 0b100000:
            x ^= GF32_MODULUS
    return product


# The quasigroup x * y = A·x XOR y, tabulated: _STEP[x] = A·x.
_STEP = tuple(gf32_multiply(DAMM_A, x) for x in range(32))


def damm_fold(symbols: str) -> int:
    """Fold canonical symbols through the quasigroup from 0; a code with its check symbol folds to 0."""
    interim = 0
    for char in symbols:
        interim = _STEP[interim] ^ _VALUE[char]
    return interim


def check_symbol(data: str) -> str:
    """Return the Damm check symbol (one of the 32 data symbols) for canonical data symbols."""
    return DATA_ALPHABET[_STEP[damm_fold(data)]]


def legacy_check_symbol(data: str) -> str:
    """Return Crockford's mod-37 check symbol, which codes issued before the Damm check carry."""
    value = 0
    for char in data:
        value = value * 32 + _VALUE[char]
    return LEGACY_CHECK_ALPHABET[value % 37]


def is_valid_key(key: str, *, legacy: bool = True) -> bool:
    """Tell whether a canonical 17-symbol key carries a right check symbol (new, or old when legacy)."""
    if len(key) != DATA_LENGTH + 1:
        return False
    data, check = key[:DATA_LENGTH], key[DATA_LENGTH]
    if any(char not in _VALUE for char in data):
        return False
    if check in _VALUE and damm_fold(key) == 0:
        return True
    return legacy and check in LEGACY_CHECK_ALPHABET and legacy_check_symbol(data) == check


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


def canonical(code: str, *, legacy: bool = True) -> str | None:
    """Return the ungrouped upper-case 17-symbol key for the database, or None if the code is not valid."""
    if not isinstance(code, str) or len(code) > MAX_INPUT:
        return None
    symbols = _symbols(code)
    if symbols is None or not is_valid_key(symbols, legacy=legacy):
        return None
    return symbols


def normalize_code(text: str, *, legacy: bool = True) -> str | None:
    """Return the grouped form of a typed code if its check symbol matches, else None; never raises."""
    key = canonical(text, legacy=legacy)
    return group(key) if key is not None else None
