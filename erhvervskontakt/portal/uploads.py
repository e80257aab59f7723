"""Checking uploaded documents by their content, not their name.

A business may upload only the file types a form accepts, and each file must *be* what its
name says: a ``.pdf`` must start like a PDF, a ``.docx`` must be an Office Open XML package
with a Word document inside. Anything that looks like a program is refused whatever its name.
``puremagic`` names what a refused file really looks like, so the message can say so.
"""

from __future__ import annotations

import io
import logging
import zipfile
from dataclasses import dataclass

import puremagic
from django.utils.translation import gettext as _

log = logging.getLogger(__name__)

# The family each accepted extension belongs to, and the MIME type stored with the file.
KINDS: dict[str, tuple[str, str]] = {
    "pdf": ("pdf", "application/pdf"),
    "png": ("png", "image/png"),
    "jpg": ("jpeg", "image/jpeg"),
    "jpeg": ("jpeg", "image/jpeg"),
    "gif": ("gif", "image/gif"),
    "tif": ("tiff", "image/tiff"),
    "tiff": ("tiff", "image/tiff"),
    "dwg": ("dwg", "image/vnd.dwg"),
    "docx": ("docx", "application/vnd.openxmlformats-officedocument.wordprocessingml.document"),
    "xlsx": ("xlsx", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"),
    "odt": ("odt", "application/vnd.oasis.opendocument.text"),
    "ods": ("ods", "application/vnd.oasis.opendocument.spreadsheet"),
}
# Programs and scripts: refused even when a form would accept the name.
_EXECUTABLE_PREFIXES = (b"MZ", b"\x7fELF", b"#!", b"\xca\xfe\xba\xbe", b"\xcf\xfa\xed\xfe", b"\xfe\xed\xfa")
_ZIP_MEMBERS = {
    "docx": "word/document.xml",
    "xlsx": "xl/workbook.xml",
}
_ODF_MIMETYPES = {
    "odt": b"application/vnd.oasis.opendocument.text",
    "ods": b"application/vnd.oasis.opendocument.spreadsheet",
}
MAX_ZIP_MEMBERS = 5000


class UploadRejected(ValueError):
    """The upload is refused; the message tells the business why, in its language."""


@dataclass(frozen=True)
class CheckedFile:
    filename: str
    content: bytes
    content_type: str
    kind: str

    @property
    def size(self) -> int:
        return len(self.content)


def extension(filename: str) -> str:
    name = (filename or "").rsplit("/", 1)[-1].rsplit("\\", 1)[-1]
    return name.rsplit(".", 1)[-1].lower() if "." in name else ""


def safe_filename(filename: str) -> str:
    """The file's own name without folders or control characters, at most 150 characters."""
    name = (filename or "").replace("\\", "/").rsplit("/", 1)[-1]
    name = "".join(c for c in name if c.isprintable() and c not in '<>:"|?*').strip(" .")
    if len(name) > 150:
        stem, _dot, ext = name.rpartition(".")
        name = f"{stem[: 150 - len(ext) - 1]}.{ext}" if stem else name[:150]
    return name or "document"


def _zip_kind(content: bytes) -> str | None:
    try:
        with zipfile.ZipFile(io.BytesIO(content)) as archive:
            infos = archive.infolist()
            if len(infos) > MAX_ZIP_MEMBERS:
                return None
            names = {info.filename for info in infos}
            for kind, member in _ZIP_MEMBERS.items():
                if member in names and "[Content_Types].xml" in names:
                    return kind
            if "mimetype" in names:
                mimetype = archive.read("mimetype")[:100].strip()
                for kind, wanted in _ODF_MIMETYPES.items():
                    if mimetype == wanted:
                        return kind
    except (zipfile.BadZipFile, OSError, ValueError, NotImplementedError, RuntimeError):
        return None
    return None


def detect_family(content: bytes) -> str | None:
    """The accepted family the bytes really are (pdf, png, jpeg, ...) or None."""
    head = content[:1024]
    if head.startswith(_EXECUTABLE_PREFIXES):
        return None
    if b"%PDF-" in head:
        return "pdf"
    if head.startswith(b"\x89PNG\r\n\x1a\n"):
        return "png"
    if head.startswith(b"\xff\xd8\xff"):
        return "jpeg"
    if head.startswith((b"GIF87a", b"GIF89a")):
        return "gif"
    if head.startswith((b"II*\x00", b"MM\x00*")):
        return "tiff"
    if head.startswith(b"AC10") and head[4:6].isdigit():
        return "dwg"
    if head.startswith(b"PK\x03\x04"):
        return _zip_kind(content)
    return None


def _looks_like(content: bytes) -> str:
    """A short human name of what the content is, for the refusal message."""
    head = content[:1024]
    if head.startswith(b"MZ"):
        return _("a Windows program")
    if head.startswith(b"\x7fELF"):
        return _("a program")
    if head.startswith(b"#!"):
        return _("a script")
    try:
        guess = puremagic.from_string(content[:8192])
    except (puremagic.PureError, ValueError):
        return _("an unknown file type")
    return _("a %(type)s file") % {"type": guess.lstrip(".").upper()}


def check_upload(filename: str, content: bytes, *, accept: tuple[str, ...], max_bytes: int) -> CheckedFile:
    """Return the checked file or raise UploadRejected saying what is wrong."""
    name = safe_filename(filename)
    if not content:
        raise UploadRejected(_("The file “%(name)s” is empty.") % {"name": name})
    if len(content) > max_bytes:
        raise UploadRejected(
            _("The file “%(name)s” is too large: at most %(limit)s MB.")
            % {"name": name, "limit": f"{max_bytes / 1024 / 1024:.0f}"}
        )
    ext = extension(name)
    allowed = ", ".join(a.upper() for a in accept)
    if ext not in accept or ext not in KINDS:
        raise UploadRejected(
            _("The file “%(name)s” is not an accepted type. Accepted: %(types)s.")
            % {"name": name, "types": allowed}
        )
    family, content_type = KINDS[ext]
    actual = detect_family(content)
    if actual != family:
        log.info("portal: upload %r refused, content is %s not %s", name, actual, family)
        raise UploadRejected(
            _("The file “%(name)s” is named .%(ext)s but its content is %(actual)s. Accepted: %(types)s.")
            % {"name": name, "ext": ext, "actual": _looks_like(content), "types": allowed}
        )
    return CheckedFile(filename=name, content=content, content_type=content_type, kind=family)


def read_upload(uploaded, max_bytes: int) -> bytes:
    """Read an uploaded file without holding more than ``max_bytes`` + 1 in memory."""
    chunks, total = [], 0
    for chunk in uploaded.chunks():
        chunks.append(chunk)
        total += len(chunk)
        if total > max_bytes:
            break
    return b"".join(chunks)
