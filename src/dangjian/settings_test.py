"""Test settings: the real settings with a fast hasher and fixed, test-only keys."""

import os

os.environ.setdefault("DEBUG", "0")
os.environ.setdefault("HTTPS", "0")
from .settings import *  # noqa: F403,E402

SECRET_KEY = "test-only-secret-key-" + "x" * 40
ALLOWED_HOSTS = ["testserver", "127.0.0.1", "localhost"]
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
FIELD_ENCRYPTION_KEYS = {"k1": "MDEyMzQ1Njc4OWFiY2RlZg=="}
FIELD_ENCRYPTION_ACTIVE_KEY = "k1"
BLIND_INDEX_KEY = "dGVzdC1ibGluZC1pbmRleC1rZXktMzItYnl0ZXMhISE="
STORAGES["staticfiles"] = {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"}  # noqa: F405
WHITENOISE_USE_FINDERS = True
# Look static files up when asked instead of listing every file at start: the test client builds the
# middleware anew for each Client, and the listing (ECharts, Bootstrap, fonts…) took ~75 ms each time.
WHITENOISE_AUTOREFRESH = True
MEDIA_ROOT = VAR_DIR / "test-media"  # noqa: F405
