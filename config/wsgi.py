"""The WSGI application, for gunicorn (`gunicorn config.wsgi`) and runserver."""

import os

from django.core.wsgi import get_wsgi_application

from config.startup import refuse_development_key

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")

application = get_wsgi_application()

refuse_development_key()
