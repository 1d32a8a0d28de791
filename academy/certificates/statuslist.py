"""W3C Bitstring Status List v1.0: the bitstring and its (unsigned) status list credential, for any purpose.

Certificates use revocation lists only; the organisation credential (academy/organisations) uses a revocation
list and a suspension list at the same index (suspended while its rule does not hold).

The academy publishes numbered lists of MIN_SIZE entries at /api/v1/status-lists/<n>. A credential gets a
random index in the newest list; once that list holds LIST_CAPACITY credentials (half its entries) the next
one opens. Why stop at half: a random free index then costs at most two draws on average (the unique
constraint on (list, index) refuses a taken one and the issuer draws again), and every list keeps a crowd of
65,536 credentials whose holders a verifier fetching it cannot tell apart (the spec's herd privacy). Which list
a credential is in says roughly when it was issued, which its validFrom says anyway.
"""

from __future__ import annotations

import base64
import gzip
import secrets
import zlib
from collections.abc import Collection

MIN_SIZE = 131_072  # bits: the spec's minimum of 16 KB, so one list hides each entry in a crowd
LIST_CAPACITY = MIN_SIZE // 2  # credentials per list before the next opens: never more than half full
FIRST_LIST_ID = 1
MAX_BYTES = 16 * 1024 * 1024  # refuse to inflate more than this from a list fetched from elsewhere
CONTEXT_V2 = "https://www.w3.org/ns/credentials/v2"


class StatusList:
    """A fixed-size bitstring; index 0 is the left-most (most significant) bit of the first byte."""

    def __init__(self, size: int = MIN_SIZE) -> None:
        if size < MIN_SIZE or size % 8:
            raise ValueError(f"a status list holds a multiple of 8 bits, at least {MIN_SIZE}")
        self._bits = bytearray(size // 8)

    @property
    def size(self) -> int:
        """Return the number of bits."""
        return len(self._bits) * 8

    def _locate(self, index: int) -> tuple[int, int]:
        """Return the byte position and bit mask of an index."""
        if not isinstance(index, int) or isinstance(index, bool) or not 0 <= index < self.size:
            raise IndexError(f"status list index {index!r} is outside 0..{self.size - 1}")
        return index // 8, 0x80 >> (index % 8)

    def get(self, index: int) -> bool:
        """Return whether the bit at an index is set."""
        position, mask = self._locate(index)
        return bool(self._bits[position] & mask)

    def set(self, index: int, value: bool) -> None:
        """Set or clear the bit at an index."""
        position, mask = self._locate(index)
        if value:
            self._bits[position] |= mask
        else:
            self._bits[position] &= ~mask & 0xFF

    def to_bytes(self) -> bytes:
        """Return the raw bitstring."""
        return bytes(self._bits)

    def encode(self) -> str:
        """Return the encodedList value: 'u' + base64url without padding of the GZIP-compressed bits."""
        compressed = gzip.compress(bytes(self._bits), compresslevel=9, mtime=0)
        return "u" + base64.urlsafe_b64encode(compressed).rstrip(b"=").decode("ascii")

    @classmethod
    def decode(cls, encoded: str) -> StatusList:
        """Parse an encodedList value; raise ValueError if it is malformed or shorter than 16 KB."""
        raw = _inflate(_unbase64url(encoded))
        if len(raw) * 8 < MIN_SIZE:
            raise ValueError(f"the status list has {len(raw) * 8} bits, fewer than the minimum {MIN_SIZE}")
        status_list = cls(len(raw) * 8)
        status_list._bits[:] = raw
        return status_list


def _unbase64url(encoded: str) -> bytes:
    """Decode the multibase base64url ('u') text of an encoded list."""
    if not isinstance(encoded, str) or not encoded.startswith("u") or not encoded.isascii():
        raise ValueError("encodedList is not a multibase base64url string")
    body = encoded[1:]
    try:
        return base64.b64decode(body + "=" * (-len(body) % 4), altchars=b"-_", validate=True)
    except ValueError as error:  # binascii.Error is a ValueError
        raise ValueError(f"encodedList is not base64url: {error}") from error


def _inflate(compressed: bytes) -> bytes:
    """Decompress one GZIP member, refusing anything that inflates past MAX_BYTES."""
    inflater = zlib.decompressobj(wbits=16 + zlib.MAX_WBITS)
    try:
        raw = inflater.decompress(compressed, MAX_BYTES)
    except zlib.error as error:
        raise ValueError(f"encodedList is not GZIP data: {error}") from error
    if inflater.unconsumed_tail:
        raise ValueError("the status list is larger than this verifier accepts")
    if not inflater.eof:
        raise ValueError("the GZIP data of the status list is truncated")
    return raw


def random_index(size: int = MIN_SIZE) -> int:
    """Draw an index uniformly at random; the database's unique constraint says whether it is free."""
    return secrets.randbelow(size)


def random_free_index(used: Collection[int], size: int = MIN_SIZE) -> int:
    """Pick an unused index uniformly at random, so an index reveals nothing about issue order."""
    used = used if isinstance(used, set | frozenset) else set(used)
    for _ in range(64):  # rejection sampling: quick while the list is not nearly full
        index = secrets.randbelow(size)
        if index not in used:
            return index
    free = [index for index in range(size) if index not in used]
    if not free:
        raise ValueError("the status list is full")
    return free[secrets.randbelow(len(free))]


def status_list_url(public_url: str, list_id: str | int) -> str:
    """Return the URL a status list credential is published at."""
    return f"{public_url.rstrip('/')}/api/v1/status-lists/{list_id}"


def list_id_of(public_url: str, url: object) -> int | None:
    """Return the number of one of this academy's status lists from its URL, or None if it is not one."""
    prefix = status_list_url(public_url, "")
    if not isinstance(url, str) or not url.startswith(prefix):
        return None
    number = url[len(prefix) :]
    return int(number) if number.isascii() and number.isdigit() and len(number) < 10 else None


PURPOSES = ("revocation", "suspension")


def entry_at(list_url: str, index: int, purpose: str = "revocation") -> dict:
    """Return the credentialStatus entry pointing at one bit of the status list published at list_url."""
    if purpose not in PURPOSES:
        raise ValueError(f"unsupported status purpose {purpose!r}")
    return {
        "id": f"{list_url}#{index}",
        "type": "BitstringStatusListEntry",
        "statusPurpose": purpose,
        "statusListIndex": str(index),
        "statusListCredential": list_url,
    }


def status_entry(public_url: str, list_id: str | int, index: int) -> dict:
    """Return the credentialStatus entry pointing at one bit of a certificate revocation list."""
    return entry_at(status_list_url(public_url, list_id), index)


def build_status_list_credential(
    public_url: str, list_id: str | int, encoded: str, issuer_did: str, valid_from: str
) -> dict:
    """Return the unsigned BitstringStatusListCredential of a certificate revocation list."""
    return status_list_credential_at(status_list_url(public_url, list_id), encoded, issuer_did, valid_from)


def status_list_credential_at(
    url: str, encoded: str, issuer_did: str, valid_from: str, purpose: str = "revocation"
) -> dict:
    """Return the unsigned BitstringStatusListCredential of the list published at url, for a status purpose."""
    if purpose not in PURPOSES:
        raise ValueError(f"unsupported status purpose {purpose!r}")
    return {
        "@context": [CONTEXT_V2],
        "id": url,
        "type": ["VerifiableCredential", "BitstringStatusListCredential"],
        "issuer": issuer_did,
        "validFrom": valid_from,
        "credentialSubject": {
            "id": f"{url}#list",
            "type": "BitstringStatusList",
            "statusPurpose": purpose,
            "encodedList": encoded,
        },
    }
