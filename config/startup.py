"""What the site checks before it serves a request (gunicorn and runserver both load config/wsgi.py)."""

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured


def refuse_development_key() -> None:
    """With debug off, refuse to serve on the repository's development key: anyone could forge sessions.

    Only serving is refused: management commands (migrations, messages) still run without a key.
    """
    if not settings.DEBUG and settings.SECRET_KEY.startswith("django-insecure-"):
        raise ImproperlyConfigured(
            "DJANGO_SECRET_KEY is not set, and debug is off: the site will not start on the development key "
            "from the repository. Set a long random key in the environment, e.g.\n"
            "    export DJANGO_SECRET_KEY=\"$(python3 -c 'import secrets; print(secrets.token_urlsafe(64))')\"\n"
            "and keep it the same across restarts (changing it logs everyone out). "
            "For development, `./dev serve` keeps a key of its own in .secret_key."
        )
