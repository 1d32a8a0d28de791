"""A holder who changed their name gets their current certificates reissued under it, on request."""

from __future__ import annotations

from flask import Blueprint, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_babel import ngettext
from flask_login import current_user, login_required

from academy.accounts.forms import EmptyForm
from academy.certificates import service
from academy.extensions import db


@login_required
def reissue():
    """List the certificates that print an old name, and reissue them all under the current one."""
    outdated = service.outdated_names(current_user)
    form = EmptyForm()
    if form.validate_on_submit() and outdated:
        for certificate in outdated:
            service.reissue_with_name(certificate, current_user)
        db.session.commit()
        flash(ngettext("%(num)d certificate was reissued with your new name; its old code now shows as replaced.",
                       "%(num)d certificates were reissued with your new name; their old codes now show as "
                       "replaced.", len(outdated)), "success")
        return redirect(url_for("certificates.mine"))
    if not outdated:
        flash(_("Your certificates already show your current name."), "info")
        return redirect(url_for("certificates.mine"))
    return render_template("certificates/reissue.html", outdated=outdated, form=form)


def register_routes(bp: Blueprint) -> None:
    """Attach the reissue page to the certificates blueprint."""
    bp.add_url_rule("/certificates/reissue", "reissue", reissue, methods=["GET", "POST"])
