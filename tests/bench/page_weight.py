"""How many bytes the contents page costs: HTML plus the CSS and JS it loads, raw and gzipped.

Run with `make bench`. Static files are measured as WhiteNoise serves them (gzip level 9).
"""

import gzip
import re
from pathlib import Path

from common import start_django


def page_weight(url="/"):
    from django.contrib.staticfiles import finders
    from django.test import Client

    html = Client().get(url, HTTP_ACCEPT_LANGUAGE="en-GB").content
    rows = [("HTML " + url, html)]
    for asset in re.findall(rb'<(?:link rel="stylesheet"|script)[^>]*(?:href|src)="/static/([^"]+)"', html):
        rows.append((asset.decode(), Path(finders.find(asset.decode())).read_bytes()))
    return rows


def main():
    start_django()
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
