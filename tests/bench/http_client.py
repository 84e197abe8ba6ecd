"""A browser's part, by hand: requests to 127.0.0.1 only, cookies kept, forms posted with their token.

Bodies are kept as sent (http.client never decompresses), so their length is the bytes on the wire.
"""

import http.client
import re
import urllib.parse
from dataclasses import dataclass
from http.cookies import SimpleCookie

from http_wrk import ACCEPT_ENCODING

TOKEN = re.compile(rb'name="csrfmiddlewaretoken" value="([^"]+)"')


@dataclass
class Reply:
    status: int
    headers: http.client.HTTPMessage
    body: bytes

    def header(self, name: str) -> str:
        return self.headers.get(name, "")


class Cookies(dict):
    """name -> value, as a browser would keep them for one site."""

    def take(self, reply: Reply) -> None:
        for line in reply.headers.get_all("Set-Cookie") or []:
            for name, morsel in SimpleCookie(line).items():
                if morsel.value and morsel["max-age"] not in ("0", 0):
                    self[name] = morsel.value
                else:
                    self.pop(name, None)

    def header(self) -> str:
        return "; ".join(f"{name}={value}" for name, value in self.items())


def fetch(
    port: int,
    path: str,
    method: str = "GET",
    cookies: Cookies | None = None,
    form: dict[str, str] | None = None,
    timeout: float = 30,
) -> Reply:
    headers = {"Accept-Encoding": ACCEPT_ENCODING, "Connection": "close"}
    if cookies:
        headers["Cookie"] = cookies.header()
    body = None
    if form is not None:
        body = urllib.parse.urlencode(form)
        headers["Content-Type"] = "application/x-www-form-urlencoded"
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=timeout)
    try:
        connection.request(method, path, body=body, headers=headers)
        response = connection.getresponse()
        reply = Reply(response.status, response.headers, response.read())
    finally:
        connection.close()
    if cookies is not None:
        cookies.take(reply)
    return reply


def form_token(html: bytes) -> str:
    found = TOKEN.search(html)
    if not found:
        raise RuntimeError("no form token (csrfmiddlewaretoken) on the page")
    return found[1].decode()


def unlock(port: int, passphrase: str) -> Cookies:
    """Unlocks the journal as a person would (the form, then its POST): the cookies of an open journal."""
    cookies = Cookies()
    page = fetch(port, "/journal/unlock/", cookies=cookies)
    if page.status != 200:
        raise RuntimeError(f"the unlock page answered {page.status}")
    form = {"passphrase": passphrase, "csrfmiddlewaretoken": form_token(page.body)}
    answer = fetch(port, "/journal/unlock/", "POST", cookies=cookies, form=form)
    if answer.status != 302:
        raise RuntimeError(f"unlocking answered {answer.status}, not a redirect:\n{answer.body[:2000]!r}")
    return cookies
