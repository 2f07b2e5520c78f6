"""Settings for the test suite: the real settings, served over plain HTTP and hashing fast."""

import os
import tempfile
from pathlib import Path

os.environ.setdefault("DJANGO_HTTPS", "0")

from config.settings import *  # noqa: F403

# A key of the tests' own: with debug off the site refuses to serve on the development key.
SECRET_KEY = "xiangfeng-tests-only-key-not-for-any-site-0123456789-abcdefghijklmnop"

# Tests read messages in English, whatever the site's default; tests of the Chinese pages ask
# for Chinese explicitly, as a villager's browser does.
LANGUAGE_CODE = "en"

# Hashing a password costs ~0.3 s with the real hasher; tests log in hundreds of times.
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]

# The real settings serve hashed static files from a manifest that only `collectstatic` writes.
STORAGES = {**STORAGES, "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"}}  # noqa: F405

# Background tasks run at once, inside the request that enqueues them.
TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}

# Files the tests upload (evidence) go to a folder of their own, never the project's media/,
# unless a test's command names one (a restore into another site's folder).
if not os.environ.get("DJANGO_MEDIA_ROOT"):
    MEDIA_ROOT = Path(tempfile.mkdtemp(prefix="xiangfeng-test-media-"))
