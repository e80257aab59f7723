"""The project's URLs as before the workspace existed: the screen-pop must still render."""

from tests.telephony.urls_with_workspace import without_workspace as urlpatterns  # noqa: F401
