"""A short generated text for each section of the annual report, from the figures alone."""

from __future__ import annotations

from django.utils.translation import gettext as _

from erhvervskontakt.inquiries.workflow import Channel
from erhvervskontakt.reporting import measures
from erhvervskontakt.reporting.figures import COUNT, PERCENT, Report
from erhvervskontakt.reporting.formatting import format_value


def _n(report: Report, key: str, kind: str = COUNT) -> str:
    return format_value(report.value(key), kind)


def _p(report: Report, key: str) -> str:
    return format_value(report.value(key), PERCENT)


def inquiries(report: Report) -> str:
    parts = [
        _(
            "In %(period)s the city received %(inquiries)s inquiries from %(businesses)s businesses; "
            "%(new)s of the businesses had not contacted the city before."
        )
        % {
            "period": report.period.label(),
            "inquiries": _n(report, "inquiries.count"),
            "businesses": _n(report, "businesses.count"),
            "new": _n(report, "businesses.new"),
        }
    ]
    change = report.value("inquiries.growth_pct")
    if change is not None:
        values = {"change": format_value(abs(change), PERCENT), "previous": _n(report, "inquiries.previous")}
        if change > 0:
            parts.append(
                _("That is %(change)s more than in the previous period of equal length (%(previous)s).")
                % values
            )
        elif change < 0:
            parts.append(
                _("That is %(change)s fewer than in the previous period of equal length (%(previous)s).")
                % values
            )
        else:
            parts.append(_("That is as many as in the previous period of equal length."))
    if report.value("inquiries.count"):
        parts.append(
            _("%(share)s of the inquiries were answered at first contact.")
            % {"share": _p(report, "inquiries.first_contact_pct")}
        )
    return " ".join(parts)


def channels(report: Report) -> str:
    counts = [(report.value(f"channel.{c.value}") or 0, c) for c in Channel]
    count, top = max(counts, key=lambda pair: pair[0])
    if not count:
        return _("No inquiries were received in the period.")
    return _("Most inquiries came by %(channel)s (%(share)s).") % {
        "channel": str(top.label).lower(),
        "share": _p(report, f"channel.{top.value}_pct"),
    }


def matters(report: Report) -> str:
    if not report.value("matters.count"):
        return _("No matters were received in the period.")
    return _(
        "Of %(matters)s matters, %(more)s (%(more_share)s) were transferred more than once, although the "
        "promise is at most one transfer. %(insufficient)s applications (%(insufficient_share)s) lacked "
        "information when they arrived."
    ) % {
        "matters": _n(report, "matters.count"),
        "more": _n(report, "transfers.more"),
        "more_share": _p(report, "transfers.more_pct"),
        "insufficient": _n(report, "insufficient.count"),
        "insufficient_share": _p(report, "insufficient.pct"),
    }


def response(report: Report) -> str:
    if report.value("response.compliance_pct") is None:
        return _("No matter had reached its due time in the period.")
    text = _(
        "%(share)s of the matters were answered within the promised number of working days, and %(closed)s "
        "were closed within it. Half of all answers were given within %(median)s working days."
    ) % {
        "share": _p(report, "response.compliance_pct"),
        "closed": _p(report, "closed.compliance_pct"),
        "median": _n(report, "response_days.median", "days"),
    }
    return f"{text} {goals_sentence(report, 'response_within_due')}".strip()


def callbacks(report: Report) -> str:
    if report.value("callbacks.on_time_pct") is None:
        return _("No callbacks were due in the period.")
    return _(
        "%(on_time)s of %(total)s callbacks that fell due were made within the promised window (%(share)s)."
    ) % {
        "on_time": _n(report, "callbacks.on_time"),
        "total": format_value(
            (report.value("callbacks.on_time") or 0) + (report.value("callbacks.late") or 0)
        ),
        "share": _p(report, "callbacks.on_time_pct"),
    }


def satisfaction(report: Report) -> str:
    if not report.value("survey.responses"):
        return _("No satisfaction survey answers were received in the period.")
    scores = ", ".join(
        f"{str(measures.DIMENSION_LABELS[dim]).lower()} {_n(report, f'survey.{dim}.average', 'score')}"
        for dim in measures.DIMENSIONS
    )
    return _("%(n)s businesses answered the satisfaction survey. Average scores (1–5): %(scores)s.") % {
        "n": _n(report, "survey.responses"),
        "scores": scores,
    }


def coordination(report: Report) -> str:
    if not report.value("multi.count"):
        return _("No inquiry in the period had more than one matter.")
    return _(
        "%(n)s inquiries (%(share)s) concerned several matters, involving %(departments)s departments on "
        "average. %(coordinated)s had a coordinator, and %(on_time)s were completed with every matter within "
        "its due time (%(on_time_share)s of those decided)."
    ) % {
        "n": _n(report, "multi.count"),
        "share": _p(report, "multi.pct"),
        "departments": format_value(report.value("multi.departments_average"), "days"),
        "coordinated": _n(report, "multi.coordinated"),
        "on_time": _n(report, "multi.on_time"),
        "on_time_share": _p(report, "multi.on_time_pct"),
    }


def calls(report: Report) -> str:
    if not report.value("calls.offered"):
        return _("No calls were recorded in the period.")
    return _(
        "%(offered)s calls were offered; %(answered)s were answered and %(sl)s within the target time."
    ) % {
        "offered": _n(report, "calls.offered"),
        "answered": _p(report, "calls.answer_rate_pct"),
        "sl": _p(report, "calls.service_level_pct"),
    }


def goals_sentence(report: Report, metric: str | None = None) -> str:
    results = [r for r in report.goals if metric is None or r.goal.metric == metric]
    decided = [r for r in results if r.met is not None]
    if not decided:
        return ""
    met = sum(1 for r in decided if r.met)
    return _("%(met)s of %(total)s service goals with data were met.") % {"met": met, "total": len(decided)}


SECTIONS = {
    "inquiries": inquiries,
    "channels": channels,
    "matters": matters,
    "response": response,
    "callbacks": callbacks,
    "satisfaction": satisfaction,
    "coordination": coordination,
    "calls": calls,
}


def text_for(report: Report, section_key: str) -> str:
    builder = SECTIONS.get(section_key)
    return builder(report) if builder else ""
