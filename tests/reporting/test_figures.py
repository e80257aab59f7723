"""Every figure of the 2025 report for the story in conftest.py, checked against hand arithmetic.

The report is made on Mon 12 Jan 2026 at 10:00. Inquiries of 2025 (10): I1..I10; matters (13):
I1 skilte, I2 udeservering, I3 generel, I4 udeservering + alkoholbevilling, I5 skilte + miljoe,
I6 udeservering, I7 skilte, I8 alkoholbevilling, I9 udeservering + generel, I10 generel.
"""

from __future__ import annotations

import pytest

from erhvervskontakt.reporting import periods, report
from erhvervskontakt.reporting.scope import Scope, survey_model

# The story is shared by the module's tests (see conftest.py); each test runs in a savepoint.
pytestmark = pytest.mark.django_db


def pct(part, whole):
    return 100 * part / whole


def expected_figures(surveys: bool) -> dict:
    e = {
        # Inquiries: 10 in 2025; 2 in 2024 (P1, P2): +350 %.
        "inquiries.count": 10,
        "inquiries.previous": 2,
        "inquiries.growth_pct": pct(10 - 2, 2),
        # Businesses A (I1, I4, I8), B (I2, I5, I10), C (I3, I6, I9); 2024: A only (P1): +200 %.
        "businesses.count": 3,
        "businesses.previous": 1,
        "businesses.growth_pct": pct(3 - 1, 1),
        # B and C are new; A had P1 in 2024.
        "businesses.new": 2,
        "inquiries.without_business": 1,  # I7
        # Only I10 has every matter settled at first contact (I3 was reopened; I9 has an open matter).
        "inquiries.first_contact": 1,
        "inquiries.first_contact_pct": pct(1, 10),
        # Phone I1 I5 I6 I10; email I4 I9; web I2; form I8; counter I3 I7.
        "channel.phone": 4,
        "channel.phone_pct": pct(4, 10),
        "channel.email": 2,
        "channel.email_pct": pct(2, 10),
        "channel.web": 1,
        "channel.web_pct": pct(1, 10),
        "channel.form": 1,
        "channel.form_pct": pct(1, 10),
        "channel.counter": 2,
        "channel.counter_pct": pct(2, 10),
        # Matters: 13. First contact: I9 generel, I10 (I3 lost the mark when reopened).
        "matters.count": 13,
        "matters.first_contact": 2,
        "matters.first_contact_pct": pct(2, 13),
        # Transfers: none I2 I3 I8 I9-generel I10 (5); once I1 I4u I4a I5-skilte I6 I7 I9u (7);
        # twice I5-miljoe (1). Average (7*1 + 1*2) / 13.
        "transfers.none": 5,
        "transfers.once": 7,
        "transfers.more": 1,
        "transfers.more_pct": pct(1, 13),
        "transfers.average": 9 / 13,
        # Information requested: I2, I9 udeservering.
        "insufficient.count": 2,
        "insufficient.pct": pct(2, 13),
        # First response on time: I1 I2 I3 I4u I4a I5s I6 I9u I9g I10 (10); late: I5 miljoe
        # (answered Thu 16 Oct, due Tue 14 Oct) and I7 (never answered, due Thu 4 Dec) (2);
        # pending: I8 (due Wed 14 Jan 2026). 10 / 12.
        "response.on_time": 10,
        "response.late": 2,
        "response.pending": 1,
        "response.compliance_pct": pct(10, 12),
        # Closed on time: I1 I2 (within the moved due date) I4u I4a I5s I6 I9g I10 (8); late: I3
        # (last closed Thu 12 Jun, due Tue 10 Jun), I5 miljoe, I7 (open, overdue) (3); pending: I8
        # (not due), I9 udeservering (waiting for the business). 8 / 11.
        "closed.on_time": 8,
        "closed.late": 3,
        "closed.pending": 2,
        "closed.compliance_pct": pct(8, 11),
        # Working days to first response (11 answered): 0: I3 I9g I10; 1: I1 (Easter) I6;
        # 2: I2 (counted from Mon 10 Mar) I4u I5s I9u; 4: I4a; 7: I5 miljoe.
        "response_days.responded": 11,
        "response_days.0": 3,
        "response_days.0_pct": pct(3, 11),
        "response_days.1": 2,
        "response_days.1_pct": pct(2, 11),
        "response_days.2_5": 5,
        "response_days.2_5_pct": pct(5, 11),
        "response_days.6_10": 1,
        "response_days.6_10_pct": pct(1, 11),
        "response_days.11_20": 0,
        "response_days.11_20_pct": 0.0,
        "response_days.21_40": 0,
        "response_days.21_40_pct": 0.0,
        "response_days.41plus": 0,
        "response_days.41plus_pct": 0.0,
        "response_days.mean": (0 * 3 + 1 * 2 + 2 * 4 + 4 + 7) / 11,
        "response_days.median": 2.0,  # 0 0 0 1 1 [2] 2 2 2 4 7
        # Callbacks CB1..CB5: on time CB1, CB4 (tried within the window); late CB2 (after the
        # window), CB5 (never made); cancelled CB3; not reached CB2, CB4. 2 / 4.
        "callbacks.count": 5,
        "callbacks.on_time": 2,
        "callbacks.late": 2,
        "callbacks.pending": 0,
        "callbacks.cancelled": 1,
        "callbacks.not_reached": 2,
        "callbacks.on_time_pct": pct(2, 4),
        # Several matters: I4 (TMF + KFF), I5 (TMF only), I9 (TMF + KC). 3 / 10 inquiries.
        "multi.count": 3,
        "multi.pct": pct(3, 10),
        "multi.departments_1": 1,
        "multi.departments_2": 2,
        "multi.departments_3plus": 0,
        "multi.departments_average": (2 + 1 + 2) / 3,
        # All three have a coordinating unit (I4: unit A, with a named person; I5, I9: the contact centre).
        "multi.coordinated": 3,
        "multi.coordinated_pct": 100.0,
        "multi.coordinator_person": 1,
        "multi.coordinator_unit.kc-erhvervskontakt": 2,
        "multi.coordinator_unit.tmf-byens-anvendelse": 1,
        # I4 all on time; I5 miljoe late; I9 open (waiting), nothing late. 1 / 2.
        "multi.on_time": 1,
        "multi.late": 1,
        "multi.open": 1,
        "multi.on_time_pct": pct(1, 2),
        # Calls in 2025: offered 10+20+10, answered 9+18+10, abandoned 1+2+0, within target 8+14+10,
        # wait of answered 90+300+50 s.
        "calls.offered": 40,
        "calls.answered": 37,
        "calls.abandoned": 3,
        "calls.within_target": 32,
        "calls.service_level_pct": pct(32, 40),
        "calls.answer_rate_pct": pct(37, 40),
        "calls.average_wait_seconds": 440 / 37,
        # Per department of the holding unit: KC holds I3, I9g, I10; KFF I4a, I8; TMF the other 8.
        # KC: all answered on time; closed: I3 late, I9g and I10 on time.
        "department.KC.matters": 3,
        "department.KC.response_on_time": 3,
        "department.KC.response_late": 0,
        "department.KC.response_pct": 100.0,
        "department.KC.closed_pct": pct(2, 3),
        "department.KC.transfers_more": 0,
        "department.KC.insufficient": 0,
        # KFF: I4a on time, I8 pending (both ways).
        "department.KFF.matters": 2,
        "department.KFF.response_on_time": 1,
        "department.KFF.response_late": 0,
        "department.KFF.response_pct": 100.0,
        "department.KFF.closed_pct": 100.0,
        "department.KFF.transfers_more": 0,
        "department.KFF.insufficient": 0,
        # TMF: I1 I2 I4u I5s I5m I6 I7 I9u. Answered on time 6, late I5m I7; closed on time
        # I1 I2 I4u I5s I6 (5), late I5m I7 (2), I9u waiting.
        "department.TMF.matters": 8,
        "department.TMF.response_on_time": 6,
        "department.TMF.response_late": 2,
        "department.TMF.response_pct": pct(6, 8),
        "department.TMF.closed_pct": pct(5, 7),
        "department.TMF.transfers_more": 1,
        "department.TMF.insufficient": 2,
        # Per topic.
        "topic.alkoholbevilling.matters": 2,
        "topic.alkoholbevilling.response_on_time": 1,
        "topic.alkoholbevilling.response_late": 0,
        "topic.alkoholbevilling.response_pct": 100.0,
        "topic.alkoholbevilling.closed_pct": 100.0,
        "topic.alkoholbevilling.transfers_more": 0,
        "topic.alkoholbevilling.insufficient": 0,
        "topic.generel.matters": 3,
        "topic.generel.response_on_time": 3,
        "topic.generel.response_late": 0,
        "topic.generel.response_pct": 100.0,
        "topic.generel.closed_pct": pct(2, 3),
        "topic.generel.transfers_more": 0,
        "topic.generel.insufficient": 0,
        "topic.miljoe.matters": 1,
        "topic.miljoe.response_on_time": 0,
        "topic.miljoe.response_late": 1,
        "topic.miljoe.response_pct": 0.0,
        "topic.miljoe.closed_pct": 0.0,
        "topic.miljoe.transfers_more": 1,
        "topic.miljoe.insufficient": 0,
        # skilte: I1 and I5s on time both ways, I7 late both ways.
        "topic.skilte.matters": 3,
        "topic.skilte.response_on_time": 2,
        "topic.skilte.response_late": 1,
        "topic.skilte.response_pct": pct(2, 3),
        "topic.skilte.closed_pct": pct(2, 3),
        "topic.skilte.transfers_more": 0,
        "topic.skilte.insufficient": 0,
        # udeservering: I2 I4u I6 I9u all answered on time; closed I2 I4u I6, I9u waiting.
        "topic.udeservering.matters": 4,
        "topic.udeservering.response_on_time": 4,
        "topic.udeservering.response_late": 0,
        "topic.udeservering.response_pct": 100.0,
        "topic.udeservering.closed_pct": 100.0,
        "topic.udeservering.transfers_more": 0,
        "topic.udeservering.insufficient": 2,
    }
    # Per month: inquiries Feb I10, Mar I2, Apr I1, Jun I3, Sep I4, Oct I5, Nov I6, Dec I7 I8 I9.
    inquiries = {2: 1, 3: 1, 4: 1, 6: 1, 9: 1, 10: 1, 11: 1, 12: 3}
    # Matters: as inquiries, but Sep 2 (I4), Oct 2 (I5), Dec 4 (I7, I8, I9 x2).
    matters = {2: 1, 3: 1, 4: 1, 6: 1, 9: 2, 10: 2, 11: 1, 12: 4}
    # Answered on time of decided: Oct: I5s on time, I5m late (1/2); Dec: I9u, I9g on time, I7 late,
    # I8 pending (2/3); other months with matters 100 %; months without matters have no share.
    response = {2: 100.0, 3: 100.0, 4: 100.0, 6: 100.0, 9: 100.0, 10: pct(1, 2), 11: 100.0, 12: pct(2, 3)}
    for month in range(1, 13):
        key = f"monthly.2025-{month:02d}"
        e[f"{key}.inquiries"] = inquiries.get(month, 0)
        e[f"{key}.matters"] = matters.get(month, 0)
        e[f"{key}.response_pct"] = response.get(month)
    # Satisfaction: I2 (3, 2, 4, 5), I1 (4, 5, 3, 4), I4 (5, 4, 5, 4): three answers, each complete.
    scores = {
        "accessibility": [3, 4, 5],
        "web_quality": [2, 5, 4],
        "responsiveness": [4, 3, 5],
        "professional_benefit": [5, 4, 4],
    }
    e["survey.responses"] = 3 if surveys else 0
    for dim, values in scores.items():
        satisfied = sum(1 for v in values if v >= 4)
        e[f"survey.{dim}.answers"] = 3 if surveys else 0
        e[f"survey.{dim}.average"] = sum(values) / 3 if surveys else None
        e[f"survey.{dim}.satisfied"] = satisfied if surveys else 0
        e[f"survey.{dim}.satisfied_pct"] = pct(satisfied, 3) if surveys else None
    return e


@pytest.fixture
def report_2025(db, story, report_now):
    return report.build(periods.year(2025), Scope())


def test_every_figure_of_the_2025_report(report_2025):
    expected = expected_figures(surveys=survey_model() is not None)
    actual = report_2025.values()
    assert set(actual) == set(expected), (
        f"missing {sorted(set(expected) - set(actual))}, unexpected {sorted(set(actual) - set(expected))}"
    )
    wrong = {
        key: (actual[key], value)
        for key, value in expected.items()
        if not (actual[key] == value or (value is not None and actual[key] == pytest.approx(value)))
    }
    assert wrong == {}, "figure: (actual, expected)"
