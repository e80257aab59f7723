"""Staff read an email as it arrived, on the inquiry's page: safe, short, and with its files."""

from __future__ import annotations

import pytest

from erhvervskontakt.inquiries.models import Inquiry
from erhvervskontakt.mail.ingest import ingest
from tests.mail.conftest import make_email

pytestmark = pytest.mark.django_db

HTML = (
    "<p>Vi vil gerne have <b>fire borde</b> på fortovet.</p>"
    '<script>alert("x")</script><img src="https://tracker.test/pixel.gif">'
    '<a href="javascript:alert(1)" onclick="steal()">klik</a>'
)
BODY = "Vi vil gerne have fire borde på fortovet.\n\nDen 20. nov. 2026 skrev Erhverv:\n> Tidligere svar"


def _page(client, user, reference):
    client.force_login(user)
    return client.get(f"/staff/inquiries/{reference}/")


def test_the_agent_reads_the_email_with_quoted_history_folded_and_nothing_active(
    client, mail_world, personas
):
    result = ingest(
        make_email(
            body=BODY,
            html=HTML,
            attachments=[("tegning.pdf", "application/pdf", b"%PDF-1.4 tegning")],
        )
    )
    response = _page(client, personas.agent, result.reference)
    assert response.status_code == 200
    page = response.content.decode()
    email = page.split("ek-received-email", 1)[1].split("</ol>", 1)[0]
    assert "Email from Ejer &lt;owner@cafe.test&gt;" in page
    # The short view stops before the quoted history; the whole text is one click away.
    short, _, rest = email.partition("Show the whole email with quoted history")
    assert "fire borde på fortovet" in short
    assert "Tidligere svar" in rest
    # The formatted version keeps the formatting and nothing that runs or phones home.
    assert "<b>fire borde</b>" in email
    for bad in ("<script", "alert(", "tracker.test", "javascript:", "onclick"):
        assert bad not in page.split("<footer", 1)[0]
    attachment = Inquiry.objects.get(reference=result.reference).attachments.get(filename="tegning.pdf")
    assert f'href="/staff/documents/{attachment.pk}/"' in page
    assert client.get(f"/staff/documents/{attachment.pk}/").status_code == 200


def test_an_outsider_sees_neither_the_email_nor_its_files(client, mail_world, personas):
    result = ingest(make_email(attachments=[("tegning.pdf", "application/pdf", b"%PDF-1.4 tegning")]))
    attachment = Inquiry.objects.get(reference=result.reference).attachments.get()
    client.force_login(personas.outsider)
    assert client.get(f"/staff/inquiries/{result.reference}/").status_code in (302, 403)
    assert client.get(f"/staff/documents/{attachment.pk}/").status_code in (302, 403, 404)
