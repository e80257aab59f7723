"""Request checks that apply to every view."""

from __future__ import annotations

from django.core.exceptions import BadRequest
from django.http import QueryDict


def _holds_nul(params: QueryDict) -> bool:
    return any("\x00" in key or any("\x00" in value for value in values) for key, values in params.lists())


def _without_nul(params: QueryDict) -> QueryDict:
    cleaned = QueryDict(mutable=True, encoding=params.encoding)
    for key, values in params.lists():
        cleaned.setlist(key.replace("\x00", ""), [value.replace("\x00", "") for value in values])
    cleaned._mutable = False
    return cleaned


class NulCharacters:
    """Keep NUL characters from reaching the views: PostgreSQL refuses them in text.

    Nobody types one; a crafted link or request can, and a search or a business look-up that
    passed one on failed with a server error. Checked once here instead of in every view that
    reads a parameter:

    * in the query string (a link): a clear 400 page;
    * in posted form fields: taken out, so the form is handled as typed, and nothing a business
      or an agent wrote is lost to an error page.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if _holds_nul(request.GET):
            # The 400 page (templates/400.html) says it to the user; this text is for the log.
            raise BadRequest("NUL character in the query string")
        if request.method == "POST" and _holds_nul(request.POST):
            request.POST = _without_nul(request.POST)
        return self.get_response(request)
