"""The counter bench server's settings: the site's, with the bench's URLconf (`household_urls.py`),
so that gunicorn also serves the one-household view the redemption is measured against."""

from config.settings import *  # noqa: F403

ROOT_URLCONF = "bench.household_urls"
