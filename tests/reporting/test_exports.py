"""CSV, XLSX and the annual PDF hold the report's numbers, and no personal data."""

from __future__ import annotations

import csv
import io
import shutil
import subprocess

import numpy as np
import polib
import pytest
from django.urls import reverse
from openpyxl import load_workbook
from PIL import Image

from erhvervskontakt.reporting import periods, report
from erhvervskontakt.reporting.exports import pdf, tabular
from erhvervskontakt.reporting.figures import COUNT, PERCENT
from erhvervskontakt.reporting.scope import Scope
from tests.conftest import require_service

# The story is shared by the module's tests (see conftest.py); each test runs in a savepoint.
pytestmark = pytest.mark.django_db

YEAR = {"from": "2025-01-01", "to": "2025-12-31"}
# Danish wording for a few messages, so the test sees the PDF in Danish whether or not the
# project's catalogue has been translated yet.
DANISH = {
    "Annual report %(year)s": "Årsrapport %(year)s",
    "City of Copenhagen": "Københavns Kommune",
    "Accessibility": "Tilgængelighed",
    "Professional benefit": "Faglig værdi",
    "Working days to first response": "Arbejdsdage til første svar",
}


@pytest.fixture
def report_2025(db, story, report_now):
    return report.build(periods.year(2025), Scope(), baseline=periods.year(2024))


def personal_data(story) -> list[str]:
    """Strings that must never appear in an export: names, addresses, phone numbers, free text."""
    values = [
        "Testesen",
        "@kk.test",
        "owner@cafe.test",
        "Owner ",
        "+45 30 00 00",
        "+45 3000",
        "+45 2000",
        "Hanne Hansen",
        "hanne@example.dk",
        "12345678",
        "Ny restaurant",
        "Vi vil åbne",
        "Skiltet",
        "Send en tegning",
        "Svar givet",
        "Fin service",
        "Tak til",
        "x@example.dk",
    ]
    for company, person in story.businesses.values():
        values += [company.name, person.name, person.email, person.phone, company.cvr or "-"]
    return [v for v in values if v and v != "-"]


def test_csv_has_every_figure_of_the_report(report_2025, story):
    raw = tabular.to_csv(report_2025)
    assert raw.startswith("\ufeff".encode())
    text = raw.decode("utf-8-sig")
    rows = list(csv.reader(io.StringIO(text)))
    header_at = next(i for i, row in enumerate(rows) if row and row[0] != "#")
    by_key = {row[2]: row for row in rows[header_at + 1 :] if not row[2].startswith("goal.")}
    assert set(by_key) == set(report_2025.figures)
    for key, figure in report_2025.figures.items():
        value = by_key[key][4]
        if figure.value is None:
            assert value == "", key
        elif figure.kind == COUNT:
            assert int(value) == figure.value, key
        else:
            assert float(value) == pytest.approx(figure.value, abs=0.006), key
        assert by_key[key][5] == ("" if report_2025.baseline.value(key) is None else by_key[key][5])
    assert by_key["inquiries.count"][5] == "2"  # the 2024 baseline
    for secret in personal_data(story):
        assert secret not in text, secret


def test_xlsx_has_the_same_numbers(report_2025, story):
    book = load_workbook(io.BytesIO(tabular.to_xlsx(report_2025)))
    cells = [cell for sheet in book.worksheets for row in sheet.iter_rows() for cell in row]
    strings = " ".join(str(c.value) for c in cells if c.value is not None)
    for secret in personal_data(story):
        assert secret not in strings, secret
    labels = {}
    for sheet in book.worksheets[1:]:
        for label, value, baseline in sheet.iter_rows(min_row=2, values_only=True):
            labels[label] = (value, baseline)
    flat = {
        label: figure
        for _section, label, figure, _base in tabular.flat_rows(report_2025)
        if "." in figure.key and not figure.key.startswith("goal.")
    }
    assert set(labels) == set(flat)
    for label, figure in flat.items():
        value = labels[label][0]
        if figure.value is None:
            assert value is None, label
        elif figure.kind == PERCENT:
            assert value == pytest.approx(figure.value / 100), label
        else:
            assert value == pytest.approx(figure.value), label
    summary = list(book.worksheets[0].iter_rows(values_only=True))
    header = summary.index(next(row for row in summary if not any(row))) + 1  # after the blank row
    assert len(summary) - header - 1 == len(report_2025.goals)


def test_downloads_are_attachments_named_by_year(client, story, report_now):
    client.force_login(story.personas.manager)
    for name, suffix, ctype in (
        ("reporting:export-csv", "csv", "text/csv"),
        (
            "reporting:export-xlsx",
            "xlsx",
            "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        ),
    ):
        response = client.get(reverse(name), YEAR)
        assert response.status_code == 200
        assert response["Content-Type"].startswith(ctype)
        assert response["Content-Disposition"] == f'attachment; filename="erhvervskontakt-2025.{suffix}"'
        assert response["Cache-Control"] == "private, no-store"


@pytest.fixture
def danish_messages(settings, tmp_path):
    po = polib.POFile()
    po.metadata = {
        "Content-Type": "text/plain; charset=UTF-8",
        "Language": "da",
        "Plural-Forms": "nplurals=2; plural=(n != 1);",
    }
    for msgid, msgstr in DANISH.items():
        po.append(polib.POEntry(msgid=msgid, msgstr=msgstr))
    folder = tmp_path / "locale" / "da" / "LC_MESSAGES"
    folder.mkdir(parents=True)
    po.save_as_mofile(str(folder / "django.mo"))
    settings.LOCALE_PATHS = [str(tmp_path / "locale"), *settings.LOCALE_PATHS]
    return DANISH


def _bar_rows(image: Image.Image, colour=(0, 73, 147), tolerance=40, min_run=40) -> int:
    """Rows holding a run of at least ``min_run`` pixels of the bar colour: charts, not text."""
    pixels = np.asarray(image.convert("RGB"), dtype=np.int16)
    near = (np.abs(pixels - np.array(colour, dtype=np.int16)).sum(axis=2) <= tolerance).astype(np.int8)
    rows = 0
    for row in near:
        edges = np.flatnonzero(np.diff(np.concatenate(([0], row, [0]))))
        longest = (edges[1::2] - edges[::2]).max(initial=0)
        rows += int(longest >= min_run)
    return rows


def test_the_annual_report_pdf_renders_danish_text_and_charts(
    client, story, report_now, danish_messages, tmp_path
):
    require_service(
        "poppler-utils",
        bool(shutil.which("pdftoppm") and shutil.which("pdftotext")),
        "apt install poppler-utils",
    )
    client.force_login(story.personas.manager)
    response = client.get(
        reverse("reporting:export-pdf"), {**YEAR, "bfrom": "2024-01-01", "bto": "2024-12-31"}
    )
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"] == 'attachment; filename="erhvervskontakt-2025.pdf"'
    path = tmp_path / "report.pdf"
    path.write_bytes(response.content)

    text = subprocess.run(
        ["pdftotext", "-enc", "UTF-8", str(path), "-"], capture_output=True, check=True
    ).stdout
    text = " ".join(text.decode("utf-8").split())  # table cells wrap lines
    for words in (
        "Årsrapport 2025",
        "Københavns Kommune",
        "Tilgængelighed",
        "Faglig værdi",
        "Arbejdsdage til første svar",
        "Teknik- og Miljøforvaltningen",
        "Udeservering på fortove og pladser",
    ):
        assert words in text, words
    for secret in personal_data(story):
        assert secret not in text, secret

    subprocess.run(["pdftoppm", "-r", "75", "-png", str(path), str(tmp_path / "page")], check=True)
    pages = sorted(tmp_path.glob("page-*.png"))
    assert len(pages) >= 3
    first = Image.open(pages[0]).convert("L")
    assert first.getextrema()[0] < 128, "the first page is not blank"
    chart_rows = [_bar_rows(Image.open(page)) for page in pages]
    # Bars are drawn in the city blue: several pages carry charts with solid bars.
    assert sum(1 for rows in chart_rows if rows >= 10) >= 2, chart_rows


def test_pdf_html_names_its_charts_for_screen_readers(story, report_2025):
    html = pdf.render_html(report_2025)
    assert html.count('<img src="data:image/svg+xml;base64,') >= 4
    assert 'alt=""' not in html
