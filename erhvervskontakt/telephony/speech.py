"""Numbers, days and times as a text-to-speech voice should read them to a caller.

Caller-facing speech follows the caller's language choice in the menu (Danish or English),
not the language of a staff member's screen, so it is data here rather than gettext messages.
"""

from __future__ import annotations

import datetime as dt

WEEKDAYS = {
    "da": ["mandag", "tirsdag", "onsdag", "torsdag", "fredag", "lørdag", "søndag"],
    "en": ["Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"],
}
MONTHS = {
    "da": [
        "januar", "februar", "marts", "april", "maj", "juni",
        "juli", "august", "september", "oktober", "november", "december",
    ],
    "en": [
        "January", "February", "March", "April", "May", "June",
        "July", "August", "September", "October", "November", "December",
    ],
}  # fmt: skip
TODAY = {"da": "i dag", "en": "today"}
TOMORROW = {"da": "i morgen", "en": "tomorrow"}
VOICE_LANGUAGE = {"da": "da-DK", "en": "en-GB"}


def digits(number: str) -> str:
    """'4520000001' → '4 5 2 0 0 0 0 0 0 1': read digit by digit, never as one big number."""
    return " ".join(ch for ch in number if ch.isdigit())


def phone(normalized: str) -> str:
    """A Danish number is read without its country code."""
    if normalized.startswith("45") and len(normalized) == 10:
        normalized = normalized[2:]
    return digits(normalized)


def day(when: dt.date, today: dt.date, lang: str) -> str:
    lang = "en" if lang == "en" else "da"
    if when == today:
        return TODAY[lang]
    if when == today + dt.timedelta(days=1):
        return TOMORROW[lang]
    weekday = WEEKDAYS[lang][when.weekday()]
    month = MONTHS[lang][when.month - 1]
    if lang == "da":
        return f"{weekday} den {when.day}. {month}"
    return f"{weekday} {when.day} {month}"


def clock_time(moment: dt.time) -> str:
    return f"{moment.hour}:{moment.minute:02d}"
