import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "erhvervskontakt.settings")
django_application = get_wsgi_application()

# Repeat requests for shareable public pages are answered before Django (portal/front_cache.py).
from erhvervskontakt.portal.front_cache import FrontCache  # noqa: E402 - needs the settings loaded

application = FrontCache(django_application)
