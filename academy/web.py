"""Old import path, kept so code written against it still imports: use academy.ids and academy.errors."""

from academy.errors import wants_json  # noqa: F401
from academy.ids import DB_INT_MAX, DatabaseInt, parse_id  # noqa: F401
from academy.security import HSTS, SECURITY_HEADERS  # noqa: F401
