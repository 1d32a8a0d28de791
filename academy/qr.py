"""Drawing QR codes: one way for certificates, the check-in display and anything else that prints a link."""

from __future__ import annotations

import base64
import io

import qrcode
from qrcode.constants import ERROR_CORRECT_M


def png(data: str, box_size: int = 10, border: int = 4) -> bytes:
    """Return a QR code of the data as PNG bytes: black modules on white with the standard quiet zone."""
    code = qrcode.QRCode(error_correction=ERROR_CORRECT_M, box_size=box_size, border=border)
    code.add_data(data)
    code.make(fit=True)
    buffer = io.BytesIO()
    code.make_image(fill_color="black", back_color="white").save(buffer, format="PNG")
    return buffer.getvalue()


def data_uri(data: str, box_size: int = 8) -> str:
    """Return the QR code as a data: URI for an <img> (allowed by the CSP's img-src data:)."""
    return "data:image/png;base64," + base64.b64encode(png(data, box_size)).decode("ascii")
