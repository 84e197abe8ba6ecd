"""The bare Django project the HTTP benchmark compares Reflect with: one view, no apps, no middleware.

Served by tests/bench/http_bench.py with the same gunicorn settings as the app it measures.
"""

SECRET_KEY = "only-for-the-bare-benchmark-view-" + "x" * 20
DEBUG = False
ALLOWED_HOSTS = ["127.0.0.1"]
ROOT_URLCONF = "urls"
WSGI_APPLICATION = "wsgi.application"
INSTALLED_APPS: list[str] = []
MIDDLEWARE: list[str] = []
DATABASES: dict = {}
USE_TZ = True
