"""Test settings: the real settings, with a throwaway data folder and plain static storage."""

import os
import tempfile
from pathlib import Path

os.environ["REFLECT_DATA_DIR"] = tempfile.mkdtemp(prefix="reflect-test-")
os.environ.setdefault("REFLECT_SECRET_KEY", "only-for-tests-" + "x" * 40)

from reflect.settings import *  # noqa: F403

# Tests render templates without running collectstatic first.
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
WHITENOISE_USE_FINDERS = True
WHITENOISE_AUTOREFRESH = True

# A file, not memory: the privacy tests read the raw bytes of the database and its WAL.
if DATABASES["default"]["ENGINE"].endswith("sqlite3"):
    DATABASES["default"]["TEST"] = {"NAME": str(Path(os.environ["REFLECT_DATA_DIR"]) / "test.sqlite3")}

# Quick key derivation for tests; the real parameters are measured by `make bench`.
REFLECT_ARGON2_TIME_COST = 1
REFLECT_ARGON2_MEMORY_KIB = 8 * 1024
REFLECT_ARGON2_PARALLELISM = 1
