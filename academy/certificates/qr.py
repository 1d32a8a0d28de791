"""QR codes for certificates: the URL of the public verification page (drawn by academy.qr)."""

from __future__ import annotations

from academy.certificates import codes
from academy.qr import data_uri, png  # noqa: F401 (certificates draw their QR codes through this module)


def verify_url(public_url: str, code: str) -> str:
    """Return the public verification URL printed on a certificate (grouped code, easy to read aloud)."""
    return f"{public_url.rstrip('/')}/verify/{codes.group(codes.canonical(code) or code)}"
