"""Codes never reach a log: the filter on the server's own request lines."""

import logging

from reflect.vault import crypto


def test_request_lines_in_the_server_log_hide_codes(caplog):
    """What runserver writes for every request, including an unlock link that leads back to the code."""
    code = crypto.new_code()
    server = logging.getLogger("django.server")  # it does not pass records up, so listen to it directly
    server.addHandler(caplog.handler)
    try:
        server.warning('"%s" %s %s', f"GET /practice/join/{code}/ HTTP/1.1", "404", "1234")
        server.info('"%s" %s %s', f"GET /journal/unlock/?next=/practice/join/{code}/ HTTP/1.1", "200", "99")
        server.info('"%s" %s %s', f"GET /journal/unlock/?next=%2Fpractice%2Fjoin%2F{code}%2F HTTP/1.1", "200", "9")
    finally:
        server.removeHandler(caplog.handler)
    assert len(caplog.records) == 3
    for record in caplog.records:
        assert code not in record.getMessage() and "[code hidden]" in record.getMessage()
