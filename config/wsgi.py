import os

from django.core.wsgi import get_wsgi_application
from django.urls import get_resolver

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
application = get_wsgi_application()
# The URLs (and with them the API's schemas) are loaded while the worker starts, before it takes
# a connection, rather than by its first request, which waited about a third of a second.
get_resolver().reverse_dict  # noqa: B018 (read for its effect: the URLconf imported and indexed)
