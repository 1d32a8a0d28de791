"""WSGI fast paths: a few hot GET requests answered without Flask's machinery; every other request goes to Flask.

Two requests are answered this way: the one-code certificate look-up (`certificates/fastpath.py`), hit by every QR
scan and auditor script, and a signed-in reader's lesson page (`courses/fastpath.py`). Flask's own request context,
session, extension hooks and response object cost each of them more than the work the request asks for.

The rules every fast path keeps:
- its answer is the Flask view's answer, byte for byte: status, headers in the same order, body; the Flask view
  stays the reference and a test compares the two for every case the fast path takes;
- it never changes the session (a cookie to refresh, a message to show, a reader to sign out: Flask does that), and
  writes to the database only what the view writes, through the same service function, as its last step;
- whenever it is unsure it answers nothing and the request goes on to Flask unchanged: any other method or path,
  configuration under which Flask would answer otherwise, and any exception (Flask then does the work again and
  reports an error its usual way).
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from collections.abc import Callable, Iterable

from flask import Flask
from sqlalchemy.engine import Engine
from sqlalchemy.sql import CompoundSelect, Select

from academy.extensions import db
from academy.web import HSTS, SECURITY_HEADERS

WSGIApp = Callable[[dict, Callable], Iterable[bytes]]
# Flask adds Vary: Cookie to every answer once Flask-Login's hooks have read the session, after the app's headers.
VARY_COOKIE = ("Vary", "Cookie")


class FastPath(ABC):
    """WSGI middleware answering the requests `answer` accepts; every other request goes to `wsgi_app` (Flask's)."""

    extension_key: str
    methods: tuple[str, ...] = ("GET", "HEAD")
    prefix: str = "/"

    def __init__(self, app: Flask, wsgi_app: WSGIApp) -> None:
        self.app = app
        self.wsgi_app = wsgi_app  # Flask's own WSGI app (or the next fast path): every other request goes here
        self._engine: Engine | None = None

    def __call__(self, environ: dict, start_response: Callable) -> Iterable[bytes]:
        response = None
        if environ.get("REQUEST_METHOD") in self.methods and environ.get("PATH_INFO", "").startswith(self.prefix):
            try:
                response = self.answer(environ)
            except Exception:  # Flask answers instead, and reports any error its own way
                response = None
        if response is None:
            return self.wsgi_app(environ, start_response)
        return response(environ, start_response)

    @abstractmethod
    def answer(self, environ: dict) -> WSGIApp | None:
        """Return the answer to this request as a WSGI app, or None to leave the request to Flask."""

    def flask_only(self) -> bool:
        """Tell whether the app's configuration makes Flask answer differently from any fast path."""
        app = self.app
        return bool(
            app.config["TRUSTED_HOSTS"] is not None  # Flask checks the Host header
            or app.url_map.host_matching  # routes that depend on the host
            or app.subdomain_matching
            or not app.secret_key  # no session at all, so Flask sends no Vary: Cookie
            or app.config.get("REMEMBER_COOKIE_REFRESH_EACH_REQUEST")  # Flask-Login writes the session
        )

    @property
    def engine(self) -> Engine:
        """The app's engine (Flask-SQLAlchemy hands it out inside an app context only), looked up once."""
        if self._engine is None:
            with self.app.app_context():
                self._engine = db.engine
        return self._engine

    def closing_headers(self, environ: dict) -> list[tuple[str, str]]:
        """The headers Flask's after-request hooks add to every answer: security headers, HSTS, Vary: Cookie."""
        headers = list(SECURITY_HEADERS)
        secure = environ.get("wsgi.url_scheme") in ("https", "wss")  # as request.is_secure, after any ProxyFix
        if secure or self.app.config["ACADEMY_PUBLIC_URL"].startswith("https://"):
            headers.append(HSTS)
        headers.append(VARY_COOKIE)
        return headers


class PreparedSelect:
    """A SELECT compiled once for an engine's database and run straight on a pooled driver connection.

    On the lesson page, SQLAlchemy's `Connection.execute` and its Row objects cost about 30 microseconds more than
    the query itself (SQLite, in-process): a third of the whole fast path. This keeps what matters of SQLAlchemy:
    the SQL it compiles for the dialect, the bound parameters in its order, the pool (pre-ping, reset on return)
    and each column type's own result conversion; it skips the execution context, engine events and Row objects,
    and returns plain tuples. Statements whose parameters need converting or expanding, and engines with cursor
    events (query recording), run through `Connection.execute` as usual.
    """

    def __init__(self, engine: Engine, statement: Select | CompoundSelect) -> None:
        dialect = engine.dialect
        compiled = statement.compile(dialect=dialect)
        self.engine, self.statement, self.compiled, self.sql = engine, statement, compiled, compiled.string
        self.order = compiled.positiontup if compiled.positional else None
        self.convert = [column.type.dialect_impl(dialect).result_processor(dialect, None)
                        for column in statement.selected_columns]
        self.direct = not (
            any(bind.type.dialect_impl(dialect).bind_processor(dialect) for bind in compiled.binds.values())
            or compiled.post_compile_params or compiled.literal_execute_params
            or engine.dispatch.before_cursor_execute or engine.dispatch.after_cursor_execute
        )

    def rows(self, params: dict) -> list[tuple]:
        """Run the query with these parameters; return every row as a tuple of converted values."""
        if not self.direct:
            with self.engine.connect() as connection:
                return [tuple(row) for row in connection.execute(self.statement, params)]
        values = self.compiled.construct_params(params)
        if self.order is not None:
            values = tuple(values[name] for name in self.order)
        connection = self.engine.raw_connection()  # through the pool: pre-ping, and a rollback on return
        try:
            cursor = connection.cursor()
            try:
                cursor.execute(self.sql, values)
                fetched = cursor.fetchall()
            finally:
                cursor.close()
        finally:
            connection.close()
        convert = self.convert
        return [tuple(c(value) if c else value for c, value in zip(convert, row, strict=True)) for row in fetched]


def install(app: Flask, fastpath: type[FastPath]) -> FastPath:
    """Wrap the app's WSGI app in a fast path; call before any ProxyFix, which must stay outermost."""
    layer = fastpath(app, app.wsgi_app)
    app.wsgi_app = layer
    app.extensions[fastpath.extension_key] = layer
    return layer
