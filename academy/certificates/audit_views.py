"""Auditor pages (auditors and admins, read-only): check many codes, the register, the audit log."""

from __future__ import annotations

from datetime import date

from flask import Blueprint, Response, render_template, request
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import select
from werkzeug.exceptions import RequestEntityTooLarge

from academy import timezones
from academy.accounts.models import Community
from academy.accounts.permissions import role_required
from academy.certificates import codes, forms, lookup, register, service
from academy.certificates.models import Certificate
from academy.courses.catalog import curriculum
from academy.extensions import db
from academy.ids import parse_id

AUDITORS = ("auditor", "admin")


def _unreadable() -> str:
    return _("That is not a CSV or text file of codes. In your spreadsheet, save it as CSV and choose it again.")

PER_PAGE = 50
RESULT_COLUMNS = (
    "input",
    "code",
    "status",
    "course_slug",
    "course_title",
    "sector",
    "version",
    "issued_at",
    "expires_at",
    "holder",
    "name_given",
    "name_matches",
)


def _check_page(form, results=None, error=None, status=200):
    return render_template(
        "certificates/audit_home.html",
        form=form,
        results=results,
        error=error,
        download=forms.AuditDownloadForm(
            formdata=None, prefix="download",
            codes=register.to_csv([r["name"], r["input"]] if r["name"] else [r["input"]] for r in results or []),
        ),
        counts=_counts(results),
    ), status


def _counts(results) -> dict:
    counts: dict = {}
    for result in results or []:
        counts[result["status"]] = counts.get(result["status"], 0) + 1
    return counts


def _check(pairs: list[tuple[str, str | None]], *, log: bool = True) -> list[dict]:
    """Verify codes, and names typed beside them, keeping what the auditor typed beside each result."""
    typed = [code for code, _name in pairs]
    results = lookup.summaries(typed)
    if log:  # a download of results already checked is not a second check
        found = sum(1 for r in results if r["status"] != "not_found")
        lookup.log_verification("bulk", "audit", codes=len(typed), found=found, actor_id=current_user.id)
        db.session.commit()
    matches = _names_match(pairs)
    return [{"input": code, "name": name, "name_matches": matches.get(i), **result}
            for i, ((code, name), result) in enumerate(zip(pairs, results, strict=True))]


def _names_match(pairs: list[tuple[str, str | None]]) -> dict[int, bool]:
    """For each row with a name, whether it is the holder's name as printed (the verify page's own rule)."""
    wanted = {i: codes.canonical(code) for i, (code, name) in enumerate(pairs) if name}
    keys = {key for key in wanted.values() if key}
    rows = db.session.scalars(select(Certificate).where(Certificate.code.in_(keys))) if keys else ()
    found = {c.code: c for c in rows}
    return {i: key in found and service.name_matches(found[key], pairs[i][1]) for i, key in wanted.items()}


def _typed_codes(form) -> list[tuple[str, str | None]]:
    """Return the codes pasted and uploaded, with any names beside them, in order; raise TooMany past the limits."""
    text = form.codes.data or ""
    upload = form.upload.data
    if upload and getattr(upload, "filename", ""):
        text += "\n" + register.decode_upload(upload.read(register.MAX_UPLOAD_BYTES + 1))
    return register.read_named_codes(text)


def audit_home():
    """Paste codes or upload a CSV of codes, and see one result per code."""
    form = forms.AuditCheckForm()
    if not form.validate_on_submit():
        return _check_page(form)
    try:
        typed = _typed_codes(form)
    except register.TooMany as exc:
        return _check_page(form, error=str(exc), status=413)
    except register.Unreadable:
        return _check_page(form, error=_unreadable(), status=400)
    if not typed:
        return _check_page(form, error=_("Paste at least one code, or choose a CSV file."), status=400)
    return _check_page(form, results=_check(typed))


def audit_download():
    """Download the results of a check as CSV."""
    form = forms.AuditDownloadForm(prefix="download")
    if not form.validate_on_submit():
        return _check_page(forms.AuditCheckForm(formdata=None), error=_("Check the codes again."), status=400)
    try:
        typed = register.read_named_codes(form.codes.data or "")
    except register.TooMany as exc:
        return _check_page(forms.AuditCheckForm(formdata=None), error=str(exc), status=413)
    except register.Unreadable:
        return _check_page(forms.AuditCheckForm(formdata=None), error=_unreadable(), status=400)
    results = _check(typed, log=False)
    rows = [list(RESULT_COLUMNS)] + [_result_row(r) for r in results]
    return Response(
        register.to_csv(rows),
        mimetype="text/csv",
        headers={"Content-Disposition": 'attachment; filename="certificate-check.csv"'},
    )


def _result_row(result: dict) -> list:
    course = result.get("course") or {}
    code = result["code"] if result["status"] != "not_found" else ""
    return [
        result["input"],
        code,
        result["status"],
        course.get("slug", ""),
        course.get("title", ""),
        course.get("sector", ""),
        course.get("version", ""),
        result.get("issued_at") or "",
        result.get("expires_at") or "",
        result.get("holder", ""),
        result["name"] or "",
        "" if result["name_matches"] is None else ("yes" if result["name_matches"] else "no"),
    ]


def too_large(exc: RequestEntityTooLarge):
    """Refuse an oversized upload with the check page, not a bare error."""
    if request.endpoint not in ("certificates.audit_home", "certificates.audit_download"):
        return render_template(
            "error.html", code=413, name=_("File too large"), description=str(exc.description)
        ), 413
    return _check_page(
        forms.AuditCheckForm(formdata=None),
        status=413,
        error=_("That file is larger than 1 MB. Split it into files of at most 1,000 codes."),
    )


def _int_arg(name: str) -> int | None:
    return parse_id(request.args.get(name))  # ASCII digits that fit a column ("²".isdigit() is True)


def register_page():
    """Browse the certificate register, filtered by status, course and community."""
    status = request.args.get("status") if request.args.get("status") in register.STATUSES else None
    course, community = request.args.get("course") or None, _int_arg("community")
    search = (request.args.get("q") or "").strip()[:200] or None
    page = db.paginate(
        register.register_query(status, course, community, search=search),
        page=_int_arg("page") or 1,
        per_page=PER_PAGE,
        error_out=False,
    )
    communities = db.session.scalars(select(Community).order_by(Community.name)).all()
    return render_template(
        "certificates/register.html",
        page=page,
        status=status,
        course=course,
        community=community,
        search=search,
        courses=list(curriculum().courses.values()),
        communities=communities,
        names={c.id: c.name for c in communities},
        statuses=register.STATUSES,
    )


def register_csv():
    """Download the whole register as CSV (the same columns as `academy certificates export`)."""
    return Response(
        register.to_csv(register.export_rows()),
        mimetype="text/csv",
        headers={"Content-Disposition": 'attachment; filename="certificate-register.csv"'},
    )


def audit_log():
    """Read the append-only audit log, newest first."""
    action = request.args.get("action") or None
    since, until = _date_arg("since"), _date_arg("until")
    zone = timezones.zone(current_user.community)  # days are the reader's community's days; UTC without one
    page = db.paginate(
        register.audit_log_query(action, since, until, zone), page=_int_arg("page") or 1, per_page=PER_PAGE,
        error_out=False,
    )
    return render_template(
        "certificates/audit_log.html", page=page, action=action, actions=register.audit_actions(),
        since=since, until=until, zone=zone, zone_label=timezones.zone_name(zone),
    )


def _date_arg(name: str) -> date | None:
    """A YYYY-MM-DD day from the query string; anything else is ignored (the filter is simply not applied)."""
    try:
        return date.fromisoformat((request.args.get(name) or "").strip()[:10])
    except ValueError:
        return None


def register_routes(bp: Blueprint) -> None:
    """Attach the auditor pages to the certificates blueprint."""
    guard = role_required(*AUDITORS)
    bp.add_url_rule("/audit", "audit_home", guard(audit_home), methods=["GET", "POST"])
    bp.add_url_rule("/audit/results.csv", "audit_download", guard(audit_download), methods=["POST"])
    bp.add_url_rule("/audit/register", "audit_register", guard(register_page))
    bp.add_url_rule("/audit/register.csv", "audit_register_csv", guard(register_csv))
    bp.add_url_rule("/audit/log", "audit_log", guard(audit_log))
    bp.register_error_handler(RequestEntityTooLarge, too_large)
