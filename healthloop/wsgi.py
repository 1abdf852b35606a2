"""WSGI entry point (gunicorn healthloop.wsgi)."""

import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "healthloop.settings")
application = get_wsgi_application()
