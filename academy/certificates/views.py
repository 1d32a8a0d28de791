"""Certificates: public verification, the holder's pages, revocation. Auditor pages live in audit_views."""

from __future__ import annotations

import hashlib

from flask import Blueprint, abort, current_app, flash, make_response, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user, login_required

from academy.accounts.models import Community
from academy.accounts.permissions import can_revoke
from academy.certificates import audit_views, codes, forms, lookup, printing, qr, reissue, service, share
from academy.certificates.models import Certificate
from academy.extensions import db, limiter
from academy.i18n import current_locale

bp = Blueprint("certificates", __name__, template_folder="templates")

STATUS_WORDS = printing.STATUS_WORDS
# The words on the pages, in the reader's language (STATUS_WORDS stays English for the printed PDF).
STATUS_SHOWN = {"valid": _l("Valid"), "expired": _l("Expired"), "revoked": _l("Revoked"),
                "superseded": _l("Superseded")}
STATUS_EXPLAINED = {
    "valid": _l("This certificate is genuine and current."),
    "expired": _l("This certificate is genuine but its validity period has ended."),
    "revoked": _l("This certificate was withdrawn by the academy and is no longer valid."),
    "superseded": _l("This certificate was replaced by a newer one (a renewal or a retake)."),
}


@bp.after_request
def _private(response):
    """Pages about certificates are about people: keep them out of shared caches and search engines.

    A view may choose otherwise (the public verify page is revalidated on every visit, never stored by proxies).
    """
    response.headers.setdefault("Cache-Control", "no-store")
    response.headers["X-Robots-Tag"] = "noindex"
    return response


@bp.app_context_processor
def _status_helpers() -> dict:
    return {
        "cert_status_words": STATUS_SHOWN,
        "cert_status_explained": STATUS_EXPLAINED,
        "grouped_code": codes.group,
        "cert_sector_label": sector_label,
    }


def sector_label(sector_id: str) -> str:
    """Return a sector's label in the reader's language, or its id if the curriculum no longer has it."""
    from academy.courses.catalog import curriculum
    from academy.i18n import current_locale

    sector = curriculum().sectors.get(sector_id)
    return sector.in_language(current_locale()).label if sector else sector_id


def _verify_limit() -> str:
    return current_app.config.get("ACADEMY_VERIFY_RATE_LIMIT", "30 per minute")


def not_found(typed: str | None):
    """Answer calmly that no certificate has this code (never an error page)."""
    return render_template(
        "certificates/not_found.html", typed=(typed or "")[:64], form=forms.VerifyForm(formdata=None)
    ), 404


@bp.get("/verify")
@limiter.limit(_verify_limit)
def verify_form():
    """Show the box to type a certificate code; a typed code goes to its page."""
    form = forms.VerifyForm(request.args)
    if request.args and form.validate():
        grouped = codes.normalize_code(form.code.data)
        return redirect(url_for(".verify", code=grouped)) if grouped else not_found(form.code.data)
    return render_template("certificates/verify_form.html", form=form), {"Cache-Control": "no-cache"}


@bp.route("/verify/<code>", methods=["GET", "POST"])
@bp.route("/verify/<path:code>", methods=["GET", "POST"])  # a code typed with slashes between its groups
@limiter.limit(_verify_limit)
@limiter.limit("10 per minute", methods=["POST"])
def verify(code: str):
    """Show a certificate's status to anyone, and answer whether a typed name matches the holder."""
    certificate = service.find_with_holder(code)
    if certificate is None:
        return not_found(code)
    form = forms.NameCheckForm()
    match = None
    if form.validate_on_submit():
        match = service.name_matches(certificate, form.name.data)
        service.record_verification(certificate, "web-name-check")
        db.session.commit()
    else:  # a look: its audit line is batched like the API's, so the page needs no write of its own
        lookup.log_verification(codes.group(certificate.code), "web", delay=lookup.log_delay(current_app.config))
        if lookup.log_delay(current_app.config) <= 0:
            db.session.commit()
    revocable = current_user.is_authenticated and can_revoke(current_user, certificate)
    status = certificate.status()
    shown = {"cert": certificate, "status": status, "holder": service.masked_holder(certificate),
             "deleted": service.holder_deleted(certificate), "revocable": revocable,
             "replacement": service.replacement_of(certificate) if status == "superseded" else None}
    verdict_key = _verdict_key(shown)
    etag = hashlib.sha256(f"{verdict_key}:{revocable}:{current_user.get_id()}".encode()).hexdigest()[:32]
    if request.method == "GET" and request.if_none_match.contains(etag):
        response = make_response("", 304)  # the browser's copy still says the same: no need to render it
    else:
        response = make_response(render_template("certificates/verify.html", form=form, match=match,
                                                 verdict_key=verdict_key, **shown))
    if request.method == "GET":
        response.set_etag(etag)
        response.headers["Cache-Control"] = "private, no-cache"  # a browser may keep it, but asks each time
        response.vary.add("Accept-Language")
    return response


def _verdict_key(shown: dict) -> str:
    """A key for everything the verdict shows, the same for every reader of the page in this language."""
    cert = shown["cert"]
    facts = (cert.code, shown["status"], shown["holder"], shown["deleted"], cert.revoked_at, cert.expires_at,
             cert.issued_at, cert.version, cert.hours, cert.course_title, cert.sector, current_locale(),
             current_app.config["ACADEMY_NAME"], _replacement_facts(shown["replacement"]))
    return hashlib.sha256(repr(facts).encode()).hexdigest()[:32]


def _replacement_facts(replacement: Certificate | None) -> tuple | None:
    """What the page shows of the certificate that replaced this one (it can itself be renewed or revoked)."""
    if replacement is None:
        return None
    return (replacement.code, replacement.version, replacement.issued_at, replacement.expires_at,
            replacement.revoked_at, replacement.superseded_by_id)


def _own(code: str) -> Certificate:
    """Load a certificate its holder (or an admin) may open; 404 unknown, 403 someone else's."""
    certificate = service.find(code)
    if certificate is None:
        abort(404)
    if certificate.user_id != current_user.id and current_user.role != "admin":
        abort(403)
    return certificate


@bp.get("/certificates")
@login_required
def mine():
    """List the signed-in person's certificates with their status."""
    return render_template("certificates/mine.html", certificates=service.certificates_of(current_user))


@bp.get("/certificates/<code>")
@login_required
def show(code: str):
    """Show the printable certificate with its QR code."""
    certificate = _own(code)
    url = qr.verify_url(current_app.config["ACADEMY_PUBLIC_URL"], certificate.code)
    return render_template(
        "certificates/certificate.html",
        cert=certificate,
        status=certificate.status(),
        verify_url=url,
        linkedin_url=share.linkedin_url(
            name=certificate.course_title,
            organization=current_app.config["ACADEMY_NAME"],
            issued=certificate.issued_at,
            expires=certificate.expires_at,
            cert_id=codes.group(certificate.code),
            cert_url=url,
        ),
        qr_src=qr.data_uri(url),
        form=forms.IncludeNameForm(include_name=certificate.include_name),
        community=db.session.get(Community, certificate.community_id) if certificate.community_id else None,
        replacement=db.session.get(Certificate, certificate.superseded_by_id) if certificate.superseded_by_id
        else None,
    )


@bp.get("/certificates/<code>/certificate.pdf")
@login_required
def show_pdf(code: str):
    """Download the certificate as a PDF."""
    certificate = _own(code)
    filename, body = printing.certificate_pdf(certificate, paper=request.args.get("paper", "a4"))
    return (
        body,
        200,
        {"Content-Type": "application/pdf", "Content-Disposition": f'attachment; filename="{filename}"'},
    )


@bp.post("/certificates/<code>/include-name")
@login_required
def include_name(code: str):
    """Save the holder's choice about their name in the signed credential."""
    certificate = _own(code)
    if certificate.user_id != current_user.id:
        abort(403)
    form = forms.IncludeNameForm()
    if form.validate_on_submit():
        service.set_include_name(certificate, form.include_name.data)
        db.session.commit()
        flash(
            _("Your name will be in the signed credential.")
            if certificate.include_name
            else _("Your name will be left out of the signed credential."),
            "success",
        )
    return redirect(url_for(".show", code=codes.group(certificate.code)))


@bp.route("/certificates/<code>/revoke", methods=["GET", "POST"])
@login_required
def revoke(code: str):
    """Revoke a certificate (a coordinator of its community, or an admin), with a private reason."""
    certificate = service.find(code)
    if certificate is None:
        abort(404)
    if not can_revoke(current_user, certificate):
        abort(403)
    form = forms.RevokeForm()
    if certificate.revoked_at is None and form.validate_on_submit():
        service.revoke_certificate(certificate, current_user, form.reason.data)
        db.session.commit()
        flash(_("The certificate is revoked. Its public page and signed credential now say so."), "success")
        return redirect(url_for(".verify", code=codes.group(certificate.code)))
    return render_template(
        "certificates/revoke.html", cert=certificate, status=certificate.status(), form=form
    )


audit_views.register_routes(bp)
reissue.register_routes(bp)
