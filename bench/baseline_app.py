"""The idiomatic baseline: a small Flask app doing the same work as the academy pages it is compared with.

Served by gunicorn next to the academy (bench/pages.py, bench/verify_api.py), on the academy's database, in
flaskr's and microblog's shape: Flask-SQLAlchemy models, Flask-Login loading the user with `db.session.get`,
Flask-WTF's CSRF token in the page, Jinja templates with a base layout.

    /page            signed in: the user loaded, one query (their enrolments), a page of BASELINE_PAGE_BYTES
    /public/<code>   one indexed SELECT of a certificate, a page of BASELINE_PUBLIC_BYTES with a CSRF token
    /select/<code>   one indexed SELECT, answered as JSON
    /checked/<code>  the verify page's own work done the plain way: a Flask-Limiter limit, the code normalised,
                     one SELECT of the certificate with its holder, an audit line written, a Flask-WTF name form,
                     the page in the browser's language through Flask-Babel (the academy's catalogues), the
                     security headers and an ETag
    /bench-login/<id>  signs the benchmark's browser in (no password: this app serves 127.0.0.1 only)
"""

from __future__ import annotations

import hashlib
import os
from datetime import UTC, datetime
from pathlib import Path

from flask import Flask, abort, jsonify, render_template, request
from flask_babel import Babel
from flask_babel import gettext as _
from flask_limiter import Limiter
from flask_limiter.util import get_remote_address
from flask_login import LoginManager, UserMixin, current_user, login_required, login_user
from flask_sqlalchemy import SQLAlchemy
from flask_wtf import CSRFProtect, FlaskForm
from flask_wtf.csrf import generate_csrf
from sqlalchemy import JSON, ForeignKey, String, select
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column, relationship
from wtforms import StringField

import academy
import academy.database  # noqa: F401  (the same SQLite pragmas as the academy: WAL, busy timeout)
from academy.config import normalise_db_url


class Base(DeclarativeBase):
    pass


db = SQLAlchemy(model_class=Base)
login = LoginManager()
csrf = CSRFProtect()


class User(UserMixin, db.Model):
    __tablename__ = "user"
    id: Mapped[int] = mapped_column(primary_key=True)
    email: Mapped[str] = mapped_column(String(254))
    name: Mapped[str] = mapped_column(String(200))
    role: Mapped[str] = mapped_column(String(20))
    deleted_at: Mapped[datetime | None]


class Enrolment(db.Model):
    __tablename__ = "enrolment"
    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("user.id"))
    course_slug: Mapped[str] = mapped_column(String(64))


class Certificate(db.Model):
    __tablename__ = "certificate"
    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(32), unique=True)
    course_slug: Mapped[str] = mapped_column(String(64))
    course_title: Mapped[str] = mapped_column(String(200))
    sector: Mapped[str] = mapped_column(String(64))
    version: Mapped[str] = mapped_column(String(32))
    issued_at: Mapped[datetime]
    expires_at: Mapped[datetime | None]
    revoked_at: Mapped[datetime | None]
    holder_name: Mapped[str]
    user_id: Mapped[int | None] = mapped_column(ForeignKey("user.id"))
    user: Mapped[User | None] = relationship()


class AuditEvent(db.Model):
    __tablename__ = "audit_event"
    id: Mapped[int] = mapped_column(primary_key=True)
    at: Mapped[datetime]
    actor_id: Mapped[int | None]
    action: Mapped[str] = mapped_column(String(64))
    subject_type: Mapped[str] = mapped_column(String(32))
    subject_id: Mapped[str] = mapped_column(String(64))
    detail: Mapped[dict] = mapped_column(JSON)


class NameForm(FlaskForm):
    name = StringField("Name on the certificate")


def filler(size: int) -> list[str]:
    """Paragraphs that bring a page to about `size` bytes (the baseline's stand-in for lesson text)."""
    paragraph = "Trafficking indicators are signs, not proof; note what you see and call the hotline. "
    return [paragraph] * max(0, size // (len(paragraph) + 8))


url = normalise_db_url(os.environ["DATABASE_URL"])
app = Flask(__name__, template_folder="baseline_templates")
app.config.update(
    SECRET_KEY=os.environ.get("SECRET_KEY", "bench-baseline"),
    SQLALCHEMY_DATABASE_URI=url,
    SQLALCHEMY_ENGINE_OPTIONS={"hide_parameters": True, "pool_pre_ping": not url.startswith("sqlite")},
    WTF_CSRF_TIME_LIMIT=6 * 3600,
)
db.init_app(app)
login.init_app(app)
csrf.init_app(app)
LANGUAGES = ["en", "es", "fr"]
babel = Babel(app, locale_selector=lambda: request.accept_languages.best_match(LANGUAGES) or "en",
              default_translation_directories=str(Path(academy.__file__).parent / "translations"))
limiter = Limiter(get_remote_address, app=app, storage_uri="memory://")
PAGE = filler(int(os.environ.get("BASELINE_PAGE_BYTES", "20000")) - 1500)  # minus the layout's own size
PUBLIC = filler(int(os.environ.get("BASELINE_PUBLIC_BYTES", "5000")) - 1500)


@login.user_loader
def load_user(user_id: str) -> User | None:
    return db.session.get(User, int(user_id))


@app.get("/bare")
def bare():
    """Answer without touching anything."""
    return jsonify(status="ok")


@app.get("/bench-login/<int:user_id>")
def bench_login(user_id: int):
    login_user(db.get_or_404(User, user_id))
    generate_csrf()  # as a sign-in form would have: the session holds its CSRF secret from now on
    return "signed in"


@app.get("/page")
@login_required
def page():
    """A signed-in page: the user (Flask-Login), one query, a template of the lesson page's size."""
    enrolments = db.session.scalars(select(Enrolment).where(Enrolment.user_id == current_user.id)).all()
    return render_template("page.html", enrolments=enrolments, paragraphs=PAGE)


@app.get("/public/<code>")
def public(code: str):
    """A public page: one indexed SELECT, a template of the verify page's size with a form."""
    certificate = db.session.scalar(select(Certificate).where(Certificate.code == code))
    if certificate is None:
        abort(404)
    return render_template("public.html", cert=certificate, paragraphs=PUBLIC)


@app.get("/select/<code>")
def one_select(code: str):
    """Answer with one row found through the unique index on certificate.code."""
    row = db.session.execute(select(Certificate.code, Certificate.course_slug, Certificate.course_title,
                                    Certificate.sector, Certificate.version, Certificate.issued_at,
                                    Certificate.expires_at).where(Certificate.code == code)).first()
    if row is None:
        return jsonify(error="not found"), 404
    return jsonify(code=row.code, course=row.course_slug, title=row.course_title, sector=row.sector,
                   version=row.version, issued_at=str(row.issued_at), expires_at=str(row.expires_at))


HEADERS = {"X-Content-Type-Options": "nosniff", "X-Frame-Options": "DENY", "Referrer-Policy": "same-origin",
           "Content-Security-Policy": "default-src 'self'; frame-ancestors 'none'"}


@app.route("/checked/<code>", methods=["GET", "POST"])
@limiter.limit("1000000 per minute")
def checked(code: str):
    """The verify page's work, written the way the Flask tutorials and extensions' docs write it."""
    key = code.replace("-", "").replace(" ", "").upper()
    certificate = db.session.scalar(select(Certificate).where(Certificate.code == key))
    if certificate is None:
        abort(404)
    db.session.add(AuditEvent(at=datetime.now(UTC), actor_id=None, action="certificate.verified",
                              subject_type="certificate", subject_id=key, detail={"channel": "web"}))
    db.session.commit()
    deleted = certificate.user is None or certificate.user.deleted_at is not None
    initials = "".join(part[0] + "." for part in certificate.holder_name.split())
    status = "revoked" if certificate.revoked_at else "valid"
    page = render_template("checked.html", cert=certificate, form=NameForm(), status=status, deleted=deleted,
                           holder=initials, words={"valid": _("Valid"), "revoked": _("Revoked")},
                           paragraphs=PUBLIC)
    response = app.make_response(page)
    response.headers.update(HEADERS)
    response.set_etag(hashlib.sha256(page.encode()).hexdigest()[:32])
    response.headers["Cache-Control"] = "private, no-cache"
    return response
