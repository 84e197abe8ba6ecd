"""How many bytes the contents page costs: HTML plus the CSS and JS it loads, raw and gzipped.

Run with `make bench`. Static files are measured as WhiteNoise serves them (gzip level 9).
"""

import gzip
import os
import re
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "tests.settings")

import django  # noqa: E402

django.setup()

from django.contrib.staticfiles import finders  # noqa: E402
from django.core.management import call_command  # noqa: E402
from django.db import connection  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import setup_test_environment  # noqa: E402


def page_weight(url="/"):
    html = Client().get(url, HTTP_ACCEPT_LANGUAGE="en-GB").content
    rows = [("HTML " + url, html)]
    for asset in re.findall(rb'<(?:link rel="stylesheet"|script)[^>]*(?:href|src)="/static/([^"]+)"', html):
        rows.append((asset.decode(), Path(finders.find(asset.decode())).read_bytes()))
    return rows


def main():
    setup_test_environment()
    connection.creation.create_test_db(verbosity=0)
    call_command("load_content", verbosity=0)
    total_raw = total_gzip = 0
    print(f"{'file':48} {'bytes':>9} {'gzip':>9}")
    for name, body in page_weight():
        compressed = len(gzip.compress(body, 9))
        total_raw += len(body)
        total_gzip += compressed
        print(f"{name:48} {len(body):9,} {compressed:9,}")
    print(f"{'total':48} {total_raw:9,} {total_gzip:9,}")


if __name__ == "__main__":
    main()
