"""Test settings: the real settings, with a throwaway data folder and plain static storage."""

import os
import tempfile

os.environ["REFLECT_DATA_DIR"] = tempfile.mkdtemp(prefix="reflect-test-")
os.environ.setdefault("REFLECT_SECRET_KEY", "only-for-tests-" + "x" * 40)

from reflect.settings import *  # noqa: E402,F403

# Tests render templates without running collectstatic first.
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
WHITENOISE_USE_FINDERS = True
WHITENOISE_AUTOREFRESH = True
