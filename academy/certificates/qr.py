"""QR codes for certificates: the URL of the public verification page, as PNG at a scale scanners read."""

from __future__ import annotations

import base64
import io

import qrcode
from qrcode.constants import ERROR_CORRECT_M

from academy.certificates import codes


def verify_url(public_url: str, code: str) -> str:
    """Return the public verification URL printed on a certificate (grouped code, easy to read aloud)."""
    return f"{public_url.rstrip('/')}/verify/{codes.group(codes.canonical(code) or code)}"


def png(data: str, box_size: int = 10, border: int = 4) -> bytes:
    """Return a QR code of the data as PNG bytes: black modules on white with the standard quiet zone."""
    qr = qrcode.QRCode(error_correction=ERROR_CORRECT_M, box_size=box_size, border=border)
    qr.add_data(data)
    qr.make(fit=True)
    buffer = io.BytesIO()
    qr.make_image(fill_color="black", back_color="white").save(buffer, format="PNG")
    return buffer.getvalue()


def data_uri(data: str, box_size: int = 8) -> str:
    """Return the QR code as a data: URI for an <img> (allowed by the CSP's img-src data:)."""
    return "data:image/png;base64," + base64.b64encode(png(data, box_size)).decode("ascii")
