"""Text helpers for email bodies: charset decoding that never fails, HTML to text and sanitising,
trimming quoted history for display, and a rough language guess."""

from __future__ import annotations

import codecs
import re
from html.parser import HTMLParser

import nh3

# Labels that in practice mean Windows-1252 (as browsers treat them), which is a superset of Latin-1
# for printable characters; undecodable bytes fall back to Latin-1, which decodes everything.
_CP1252_ALIASES = {
    "us-ascii",
    "ascii",
    "iso-8859-1",
    "latin-1",
    "latin1",
    "iso8859-1",
    "windows-1252",
    "cp1252",
}
_UTF8 = {"utf-8", "utf8"}


def decode_bytes(data: bytes, charset: str | None) -> tuple[str, str]:
    """Decode ``data``; return the text and a defect note ('' when the declared charset was right).

    Declared UTF-8 that is invalid keeps the valid text and shows U+FFFD for the broken bytes
    (we cannot know what was meant). No or an unknown charset: UTF-8 if it decodes cleanly, else
    Windows-1252/Latin-1. Never raises.
    """
    label = (charset or "").strip().strip('"').lower()
    if label:
        try:
            label = codecs.lookup(label).name
        except LookupError:
            return _guess(data), f"unknown charset {label[:40]!r}"
    if label in _UTF8 or label == "utf-8":
        try:
            return data.decode("utf-8"), ""
        except UnicodeDecodeError:
            return data.decode("utf-8", errors="replace"), "invalid UTF-8"
    if not label or label in {codecs.lookup(a).name for a in _CP1252_ALIASES}:
        return _guess(data), ""
    try:
        return data.decode(label), ""
    except (UnicodeDecodeError, LookupError):
        return data.decode(label, errors="replace"), f"invalid {label}"


def _guess(data: bytes) -> str:
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        pass
    try:
        return data.decode("cp1252")
    except UnicodeDecodeError:
        return data.decode("latin-1")


def fix_surrogates(text: str) -> str:
    """Header text parsed from 8-bit bytes carries surrogate escapes; decode them as UTF-8 or Latin-1."""
    if not any("\udc80" <= c <= "\udcff" for c in text):
        return text
    raw = text.encode("utf-8", errors="surrogateescape")
    return _guess(raw)


# --- HTML -----------------------------------------------------------------------------------

_BLOCK = {
    "p",
    "div",
    "br",
    "li",
    "tr",
    "h1",
    "h2",
    "h3",
    "h4",
    "h5",
    "h6",
    "table",
    "blockquote",
    "hr",
    "ul",
    "ol",
}
_SKIP = {"script", "style", "head", "title", "template", "noscript"}


class _TextExtractor(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self.skip = 0

    def handle_starttag(self, tag, attrs):
        if tag in _SKIP:
            self.skip += 1
        elif tag in _BLOCK:
            self.parts.append("\n")

    def handle_startendtag(self, tag, attrs):
        if tag in _BLOCK:
            self.parts.append("\n")

    def handle_endtag(self, tag):
        if tag in _SKIP:
            self.skip = max(0, self.skip - 1)
        elif tag in _BLOCK:
            self.parts.append("\n")

    def handle_data(self, data):
        if not self.skip:
            self.parts.append(data)


def html_to_text(html: str) -> str:
    """Readable plain text from HTML (scripts and styles dropped)."""
    parser = _TextExtractor()
    try:
        parser.feed(html)
        parser.close()
    except Exception:  # HTMLParser is lenient; be safe on pathological input
        return re.sub(r"<[^>]*>", " ", html)
    text = "".join(parser.parts).replace("\xa0", " ")
    lines = [re.sub(r"[ \t]+", " ", line).strip() for line in text.splitlines()]
    return re.sub(r"\n{3,}", "\n\n", "\n".join(lines)).strip()


def sanitize_html(html: str) -> str:
    """HTML safe to show to staff: no scripts, styles, event handlers or remote-form tricks.

    ``cid:`` links are kept so inline images can be pointed at their stored attachments; remote
    images are dropped (opening an email must not tell a sender or tracker that it was read).
    """
    return nh3.clean(
        html,
        url_schemes={"http", "https", "mailto", "cid"},
        link_rel="noopener noreferrer nofollow",
        strip_comments=True,
        attribute_filter=_no_remote_images,
    )


def _no_remote_images(element: str, attribute: str, value: str) -> str | None:
    if element == "img" and attribute in ("src", "srcset"):
        return value if value.strip().lower().startswith("cid:") else None
    return value


# --- quoted history --------------------------------------------------------------------------

_QUOTE_HEADERS = [
    re.compile(r"^\s*On\b.{5,300}\bwrote:\s*$", re.IGNORECASE),
    re.compile(r"^\s*Den\b.{5,300}\bskrev\b.{0,300}:\s*$", re.IGNORECASE),
    re.compile(r"^\s*Am\b.{5,300}\bschrieb\b.{0,300}:\s*$", re.IGNORECASE),
    re.compile(
        r"^\s*-{2,}\s*(Original Message|Oprindelig meddelelse|Original meddelelse|Oprindelig besked)\s*-{2,}",
        re.IGNORECASE,
    ),
]
_OUTLOOK_FROM = re.compile(r"^\s*\*?(From|Fra|Von)\*?:\s", re.IGNORECASE)
_OUTLOOK_SENT = re.compile(r"^\s*\*?(Sent|Sendt|Date|Dato|Gesendet)\*?:\s", re.IGNORECASE)
_FORWARD_SUBJECT = re.compile(r"^\s*(fwd?|fw|vs|wg|videresendt)\s*:", re.IGNORECASE)


def is_forward_subject(subject: str) -> bool:
    return bool(_FORWARD_SUBJECT.match(subject or ""))


def _quote_start(lines: list[str]) -> int | None:
    for i, line in enumerate(lines):
        joined = line if i + 1 >= len(lines) else f"{line} {lines[i + 1]}"
        for pattern in _QUOTE_HEADERS:
            if pattern.match(line):
                return i
            if pattern.match(joined) and not pattern.match(lines[i + 1] if i + 1 < len(lines) else ""):
                return i
        if _OUTLOOK_FROM.match(line) and any(_OUTLOOK_SENT.match(x) for x in lines[i + 1 : i + 5]):
            # Outlook puts a rule of underscores above its header block.
            return i - 1 if i and set(lines[i - 1].strip()) == {"_"} else i
    # A trailing block of "> " lines (bottom-quoting).
    end = len(lines)
    while end and not lines[end - 1].strip():
        end -= 1
    start = end
    while start and (lines[start - 1].startswith(">") or not lines[start - 1].strip()):
        start -= 1
    if start < end and any(line.startswith(">") for line in lines[start:end]):
        return start
    return None


def trim_quoted(text: str, *, subject: str = "") -> str:
    """The new part of a reply, without the quoted history below it.

    Forwards keep everything (what is forwarded is the content). When trimming would leave
    nothing (a reply written inline between quotes), the whole text is returned.
    """
    if not text or is_forward_subject(subject):
        return text
    lines = text.splitlines()
    start = _quote_start(lines)
    if start is None:
        return text
    visible = "\n".join(lines[:start]).rstrip()
    return visible if visible.strip() else text


# --- language --------------------------------------------------------------------------------

_DA = {
    "og",
    "jeg",
    "vi",
    "det",
    "er",
    "til",
    "på",
    "med",
    "hej",
    "tak",
    "venlig",
    "hilsen",
    "kan",
    "ikke",
    "om",
    "af",
    "har",
    "vil",
    "mvh",
}
_EN = {
    "the",
    "and",
    "we",
    "is",
    "to",
    "on",
    "with",
    "hello",
    "hi",
    "thanks",
    "regards",
    "can",
    "not",
    "about",
    "of",
    "have",
    "would",
    "please",
    "our",
}
_WORDS = re.compile(r"[a-zæøå]+")


def guess_language(text: str) -> str:
    """'en' when the text reads as English, otherwise 'da' (the default audience)."""
    words = _WORDS.findall((text or "").lower()[:5000])
    danish = sum(w in _DA for w in words) + 3 * sum(c in "æøå" for c in "".join(words))
    english = sum(w in _EN for w in words)
    return "en" if english > danish and english >= 2 else "da"
