"""Coverage figures from hand-built certificates: who counts as trained, lapsed, newly trained, and where."""

from datetime import timedelta

from academy.coverage import indicators
from academy.extensions import db
from tests.coverage_fixtures import at, cert_fixture, figures_fixture, person_fixture, row, town_fixture  # noqa: F401 (fixtures)

H1_END = at(2026, 7, 1)


def test_the_same_person_with_two_certificates_counts_once(person, cert, town, figures):
    someone = person(community=town["a"])
    cert(someone, issued=at(2025, 3, 1), community=town["a"], expires=at(2027, 3, 1))
    cert(someone, issued=at(2026, 2, 1), community=town["a"], expires=at(2028, 2, 1), via="in-person")
    dash = figures(town["a"])
    le = row(dash, "law-enforcement")
    assert (le.counts.trained, le.counts.in_person, le.counts.self_paced) == (1, 1, 0)
    assert row(dash, "law-enforcement", "police").counts.trained == 1
    assert dash.total.counts.trained == 1


def test_revoked_certificates_never_count(person, cert, town, figures):
    early, late, kept = (person(community=town["a"]) for _ in range(3))
    cert(early, issued=at(2026, 1, 10), community=town["a"], revoked=at(2026, 2, 1))
    # Revoked after the period ended: still not counted for that period, nor as lapsed or newly trained.
    cert(late, issued=at(2026, 1, 10), community=town["a"], revoked=at(2026, 9, 1), expires=at(2026, 3, 1))
    cert(kept, issued=at(2026, 1, 10), community=town["a"])
    le = row(figures(town["a"]), "law-enforcement")
    assert (le.counts.trained, le.counts.newly, le.counts.lapsed) == (1, 1, 0)


def test_expiry_exactly_at_the_period_end_is_not_valid_at_the_end(person, cert, town, figures):
    on_the_end, just_after, last_day = (person(community=town["a"]) for _ in range(3))
    cert(on_the_end, issued=at(2025, 1, 1), community=town["a"], expires=H1_END)
    cert(just_after, issued=at(2025, 1, 1), community=town["a"], expires=H1_END + timedelta(microseconds=1))
    cert(last_day, issued=at(2025, 1, 1), community=town["a"], expires=at(2026, 6, 30, 12))
    le = row(figures(town["a"], "2026H1"), "law-enforcement")
    assert (le.counts.trained, le.counts.lapsed) == (1, 2)
    # At the end of 2024H2 (1 January 2025, 00:00 UTC) none was valid yet: issued at that very moment.
    assert le.counts.history == (0, 3, 3, 1)


def test_issued_at_the_period_end_belongs_to_the_next_period(person, cert, town, figures):
    someone = person(community=town["a"])
    cert(someone, issued=H1_END, community=town["a"])
    assert row(figures(town["a"], "2026H1"), "law-enforcement").counts.trained == 0
    h2 = row(figures(town["a"], "2026H2"), "law-enforcement").counts
    assert (h2.trained, h2.newly) == (1, 1)


def test_lapsed_means_expired_and_not_renewed(person, cert, town, figures):
    renewed, lapsed = person(community=town["a"]), person(community=town["a"])
    new = cert(renewed, issued=at(2026, 3, 1), community=town["a"], expires=at(2028, 3, 1))
    cert(renewed, issued=at(2024, 3, 1), community=town["a"], expires=at(2026, 3, 1), superseded_by=new)
    cert(lapsed, issued=at(2024, 3, 1), community=town["a"], expires=at(2026, 3, 1))
    le = row(figures(town["a"]), "law-enforcement").counts
    assert (le.trained, le.lapsed, le.newly) == (1, 1, 0)  # a renewal is not a first certificate


def test_a_superseded_certificate_still_counts_for_the_periods_it_was_valid(person, cert, town, figures):
    someone = person(community=town["a"])
    renewal = cert(someone, issued=at(2026, 9, 1), community=town["a"], expires=at(2028, 9, 1))
    cert(someone, issued=at(2025, 1, 1), community=town["a"], expires=at(2027, 1, 1), superseded_by=renewal)
    assert row(figures(town["a"], "2026H1"), "law-enforcement").counts.trained == 1
    h2 = row(figures(town["a"], "2026H2"), "law-enforcement").counts
    assert (h2.trained, h2.newly, h2.lapsed) == (1, 0, 0)


def test_newly_trained_counts_first_certificates_issued_within_the_period(person, cert, town, figures):
    before, within, foundation_first = (person(community=town["a"]) for _ in range(3))
    cert(before, issued=at(2025, 12, 31, 23, 59), community=town["a"])
    cert(within, issued=at(2026, 1, 1), community=town["a"])
    cert(foundation_first, issued=at(2025, 5, 1), community=town["a"], sector="foundation", subrole=None)
    cert(foundation_first, issued=at(2026, 5, 1), community=town["a"])
    le = row(figures(town["a"]), "law-enforcement").counts
    assert (le.trained, le.newly) == (3, 2)


def test_the_foundation_alone_counts_for_no_sector(person, cert, town, figures):
    someone = person(community=town["a"])
    cert(someone, issued=at(2026, 2, 1), community=town["a"], sector="foundation", subrole=None)
    dash = figures(town["a"])
    assert all(r.counts.trained == 0 for r in dash.rows)
    assert dash.total.counts.trained == 0
    assert "foundation" not in {r.sector for r in dash.rows}


def test_sub_role_breakdown(person, cert, town, figures):
    a = town["a"]
    for subrole in ("police", "police", "prosecutor"):
        cert(person(community=a), issued=at(2026, 2, 1), community=a, subrole=subrole)
    moved = person(community=a)  # was police, now a prosecutor: one person in the sector, one in each role
    cert(moved, issued=at(2025, 2, 1), community=a, subrole="police")
    cert(moved, issued=at(2026, 2, 1), community=a, subrole="prosecutor")
    cert(person(community=a), issued=at(2026, 2, 1), community=a, subrole=None)
    cert(person(community=a), issued=at(2026, 2, 1), community=a, sector="health", subrole="first-responder")
    dash = figures(a)
    assert {s.subrole: s.counts.trained for s in row(dash, "law-enforcement").subroles} == {
        "police": 3,
        "prosecutor": 2,
        "judge": 0,
        "-": 1,
    }
    assert row(dash, "law-enforcement").counts.trained == 5
    assert row(dash, "health", "first-responder").counts.trained == 1
    assert dash.total.counts.trained == 6
    key = indicators.key_roles(dash)
    assert key.answer == (
        "Police, prosecutors, judges and first responders trained: police 3, prosecutors 2, "
        "judges 0 (none yet), first responders 1."
    )


def test_figures_belong_to_the_community_on_the_certificate(person, cert, town, figures):
    mover = person(community=town["a"], sector="law-enforcement", subrole="police")
    cert(mover, issued=at(2026, 2, 1), community=town["a"])
    cert(person(community=town["b"]), issued=at(2026, 2, 1), community=town["b"])
    mover.community_id, mover.sector, mover.subrole = town["b"].id, "health", "healthcare"  # moved later
    db.session.commit()
    assert row(figures(town["a"]), "law-enforcement", "police").counts.trained == 1
    assert row(figures(town["b"]), "law-enforcement").counts.trained == 1
    assert row(figures(town["b"]), "health").counts.trained == 0


def test_certificates_of_deleted_accounts_count_one_person_each(person, cert, town, figures):
    cert(None, issued=at(2026, 2, 1), community=town["a"])
    cert(None, issued=at(2026, 3, 1), community=town["a"])
    cert(person(community=town["a"]), issued=at(2026, 2, 1), community=town["a"])
    assert row(figures(town["a"]), "law-enforcement").counts.trained == 3


def test_sessions_held_and_attendance_per_sector(person, town, figures):
    from academy.sessions.models import Attendance, TrainingSession

    a = town["a"]
    people = [person(community=a) for _ in range(3)]

    def session(slug, starts, status="closed", attendees=()):
        s = TrainingSession(
            course_slug=slug,
            title="S",
            starts_at=starts,
            ends_at=starts + timedelta(hours=2),
            place="Hall",
            community_id=a.id,
            status=status,
        )
        s.attendances = [Attendance(user_id=p.id, method="qr") for p in attendees]
        db.session.add(s)

    session("policing", at(2026, 3, 1, 9), attendees=people)
    session("policing", at(2026, 4, 1, 9), attendees=people[:1])
    session("policing", at(2026, 5, 1, 9), status="cancelled", attendees=people)
    session("policing", at(2026, 7, 1, 9), attendees=people)  # next half-year
    session("basics", at(2026, 3, 2, 9), attendees=people[:2])
    db.session.commit()
    dash = figures(a)
    activity = row(dash, "law-enforcement").activity
    assert (activity.sessions, activity.attendance) == (2, 4)
    assert (dash.other_activity.sessions, dash.other_activity.attendance) == (1, 2)
    assert (dash.activity.sessions, dash.activity.attendance) == (3, 6)


def test_trend_targets_and_projection(person, cert, town, figures, app):
    from academy.coverage import periods, service

    a = town["a"]
    for month_year, count in (((2025, 2), 2), ((2025, 9), 4), ((2026, 3), 4)):
        for _ in range(count):
            cert(person(community=a), issued=at(month_year[0], month_year[1], 1), community=a)
    service.save_targets(
        a.id,
        periods.parse("2026H1"),
        {("law-enforcement", ""): 20, ("law-enforcement", "judge"): 2, ("health", ""): None},
    )
    db.session.commit()
    le = row(figures(a), "law-enforcement")
    assert le.counts.history == (0, 2, 6, 10)
    assert (le.target, le.percent) == (20, 50)
    assert le.projection.pace == 4.0 and str(le.projection.period) == "2027H2"  # 10 to go at +4: 3 half-years
    judge = row(figures(a), "law-enforcement", "judge")
    assert (judge.target, judge.percent, judge.projection.words) == (2, 0, "not at this pace")
    assert row(figures(a, "2026H2"), "law-enforcement").target is None  # targets are per period


def test_indicator_answers_speak_from_the_data(person, cert, town, figures):
    a = town["a"]
    cert(person(community=a), issued=at(2026, 2, 1), community=a, via="in-person")
    cert(person(community=a), issued=at(2024, 2, 1), community=a, expires=at(2026, 2, 1))
    answers = {i.question: i.answer for i in indicators.indicators(figures(a))}
    assert answers["How many people are trained, and is it growing?"].startswith(
        "1 person trained in at least one sector at the end of 2026H1 (0 since the end of 2024H2); "
        "1 newly trained this half-year, 1 lapsed"
    )
    assert (
        answers["Which sectors have no one trained yet?"]
        == "No one trained yet in 2 sectors: First responders and healthcare and Consumers."
    )
    assert answers["Are the targets met?"] == "No sector targets are set for 2026H1."
    assert answers["How was the training delivered?"].startswith("1 of 1 trained people (100%) hold a certificate")


def test_comparison_counts_people_per_community_and_sector(person, cert, town, app):
    from academy.courses.catalog import curriculum
    from academy.coverage import periods, service

    a, b = town["a"], town["b"]
    both = person(a)
    cert(both, issued=at(2026, 2, 1), community=a)
    cert(both, issued=at(2026, 2, 1), community=a, sector="health", subrole="healthcare")
    cert(person(a), issued=at(2026, 2, 1), community=a, sector="health", subrole="first-responder")
    cert(person(b), issued=at(2026, 2, 1), community=b, revoked=at(2026, 3, 1))
    cert(person(b), issued=at(2026, 8, 1), community=b)
    found = service.comparison(periods.parse("2026H1"), curriculum().sectors.values())
    trained = {key: counts.trained for key, counts in found["trained"].items()}
    assert trained == {(a.id, "law-enforcement"): 1, (a.id, "health"): 2}
    assert {key: counts.trained for key, counts in found["totals"].items()} == {a.id: 2}
