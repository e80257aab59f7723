"""Short definitions of the main figures, shown under reports and in the annual report's appendix.

The full definitions, with examples, are in docs/reporting.md; the code that counts is in
``measures`` and the ``compute_*`` modules.
"""

from django.utils.translation import gettext_lazy as _

DEFINITIONS = [
    (
        _("Inquiry"),
        _("One contact from a business, with one or more matters. Counted on the day it was received."),
    ),
    (
        _("Business served"),
        _(
            "A distinct company (CVR) behind at least one inquiry in the period. New to the city: "
            "no inquiry within the same filters before the period."
        ),
    ),
    (_("Change"), _("Compared with the period of equal length just before the report's period.")),
    (
        _("Answered at first contact"),
        _(
            "Settled at once by the contact centre, never forwarded. An inquiry counts "
            "when all its matters were."
        ),
    ),
    (
        _("Transfers"),
        _(
            "How often a matter was forwarded; the contact centre's hand-over to the unit counts as one. "
            "The promise is at most one."
        ),
    ),
    (
        _("Insufficient information"),
        _(
            "The unit had to ask the business for missing information; the due time "
            "paused until the business answered."
        ),
    ),
    (
        _("Answered within the promised time"),
        _(
            "The first response (reply, call, request for information or "
            "closing) came by the due time: the end of the topic's promised "
            "number of working days, moved on by any pause. Matters not yet "
            "answered and not yet due are left out of the share."
        ),
    ),
    (
        _("Closed within the promised time"),
        _(
            "The matter was closed by its due time (after a reopening: by its "
            "last closing). Open matters waiting for the business are left out."
        ),
    ),
    (
        _("Working days to first response"),
        _(
            "Working days from the day the matter counts as received (the next "
            "working day when it arrived after closing time) to the day of the "
            "first response; 0 is the same day."
        ),
    ),
    (
        _("Callbacks made on time"),
        _(
            "The call was made, whether or not the business answered, by the end of the "
            "promised window. Cancelled callbacks are left out."
        ),
    ),
    (
        _("Satisfaction"),
        _(
            "Survey answers submitted in the period, 1 (poor) to 5 (very good) per dimension; 4 or 5 "
            "counts as satisfied."
        ),
    ),
    (
        _("Coordination"),
        _(
            "Inquiries with two or more matters. Departments are those of the units holding the "
            "matters. On time: every matter closed by its own due time."
        ),
    ),
    (
        _("Calls"),
        _(
            "From the telephone platform's 30-minute statistics for all queues. Service level: answered "
            "within the target time out of all calls offered."
        ),
    ),
]
