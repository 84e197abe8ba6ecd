"""The journal's list, page by page: newest first, moving by the entry at the page's edge
("Older entries", "Newer entries"), never by counting rows from the start, so the last page
comes as quickly as the first. Search and topics open entries one at a time."""

import re
import uuid

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from reflect.journal.models import Entry

pytestmark = pytest.mark.django_db

PAGE_SIZE = 20


def titles(html):
    return re.findall(r"Entry (\d{4})", html)


def link(html, label):
    """The address of the pager link with this label, or None."""
    found = re.search(rf'<a rel="(?:prev|next)" href="([^"]+)">{label}</a>', html)
    return found and found.group(1).replace("&amp;", "&")


def every_page(client, url="/journal/"):
    """Follows "Older entries" from `url` to the end: [(html, queries)] for each page."""
    pages = []
    while url:
        with CaptureQueriesContext(connection) as captured:
            response = client.get(url)
        assert response.status_code == 200, url
        html = response.content.decode()
        pages.append((html, captured))
        url = link(html, "Older entries")
        url = url and "/journal/" + url
    return pages


def test_older_entries_lead_page_by_page_to_the_very_first(client, many_entries):
    many_entries(45)
    pages = every_page(client)
    assert [len(titles(html)) for html, _ in pages] == [20, 20, 5]
    shown = [number for html, _ in pages for number in titles(html)]
    assert shown == [f"{number:04d}" for number in range(44, -1, -1)], "newest first, each entry once"
    assert link(pages[0][0], "Newer entries") is None
    assert link(pages[-1][0], "Older entries") is None


def test_newer_entries_lead_back_to_the_newest(client, many_entries):
    many_entries(45)
    last = every_page(client)[-1][0]
    middle = client.get("/journal/" + link(last, "Newer entries")).content.decode()
    assert titles(middle) == [f"{number:04d}" for number in range(24, 4, -1)]
    first = client.get("/journal/" + link(middle, "Newer entries")).content.decode()
    assert titles(first) == [f"{number:04d}" for number in range(44, 24, -1)]
    assert link(first, "Newer entries") is None and link(first, "Older entries")


def test_the_last_page_costs_what_the_first_does_and_no_query_counts_or_skips_rows(client, many_entries):
    many_entries(65)
    client.get("/journal/")  # the prompt library's first reading in this process (journal.library)
    pages = every_page(client)
    assert len(pages) == 4
    counts = [len([query for query in captured if "learn_contentversion" not in query["sql"]]) for _, captured in pages]
    assert counts[-1] == counts[0], counts
    for _, captured in pages:
        for query in captured.captured_queries:
            sql = query["sql"].upper()
            assert " OFFSET " not in sql, sql
            assert "COUNT(" not in sql or "JOURNAL_ENTRY" not in sql, sql


def test_the_list_reads_no_more_rows_than_one_page(client, many_entries):
    many_entries(65)
    with CaptureQueriesContext(connection) as captured:
        client.get("/journal/")
    reads = [query["sql"] for query in captured.captured_queries if 'FROM "journal_entry"' in query["sql"]]
    assert len(reads) == 1 and re.search(rf"LIMIT {PAGE_SIZE + 1}\b", reads[0]), reads


def test_a_topic_is_paged_the_same_way(client, many_entries):
    many_entries(90)  # every third answers a prompt about shame and self-worth: 30 of them
    pages = every_page(client, "/journal/?dynamic=shame-and-self-worth")
    shown = [int(number) for html, _ in pages for number in titles(html)]
    assert shown == list(range(87, -1, -3))
    assert [len(titles(html)) for html, _ in pages] == [20, 10]
    assert "dynamic=shame-and-self-worth" in link(pages[1][0], "Newer entries")


@pytest.mark.parametrize(
    "query",
    ["older=not-a-page", "newer=12345", f"older={uuid.UUID(int=1)}&newer={uuid.UUID(int=2)}", "older=%00"],
)
def test_a_page_address_we_cannot_read_says_so_and_shows_the_newest(client, many_entries, query):
    many_entries(25)
    response = client.get(f"/journal/?{query}")
    assert response.status_code == 400
    html = response.content.decode()
    assert "We couldn&#x27;t find that page of your journal" in html
    assert titles(html) == [f"{number:04d}" for number in range(24, 4, -1)], "the newest entries, still usable"
    assert link(html, "Older entries")


def test_a_page_whose_edge_entry_is_gone_shows_the_newest(client, many_entries):
    ids = many_entries(45)
    older = link(client.get("/journal/").content.decode(), "Older entries")
    Entry.objects.filter(pk=ids[25]).delete()  # the entry that page starts after
    response = client.get("/journal/" + older)
    assert response.status_code == 200
    html = response.content.decode()
    assert titles(html)[0] == "0044" and "That page of your journal has changed" in html


def test_another_persons_entry_does_not_open_a_page(client, many_entries, django_user_model):
    many_entries(25)
    stranger = django_user_model.objects.create(username="stranger")
    theirs = Entry(owner=stranger, ciphertext=b"", created_at="2020-01-01T00:00:00Z", updated_at="2020-01-01T00:00:00Z")
    theirs.save()
    html = client.get(f"/journal/?older={theirs.pk}").content.decode()
    assert titles(html)[0] == "0024", "a stranger's entry is no edge of any page of ours"


def test_search_keeps_its_count_and_pages(client, many_entries):
    many_entries(50)
    response = client.post("/journal/", {"q": "ENTRY 004"})  # titles Entry 0040 to Entry 0049
    assert "10 entries found" in response.content.decode()
    found = client.post("/journal/", {"q": "words about"})
    html = found.content.decode()
    assert "50 entries found" in html and "Page 1 of 3" in html
    assert titles(html) == [f"{number:04d}" for number in range(49, 29, -1)]
    last = client.post("/journal/", {"q": "words about", "page": "3"}).content.decode()
    assert titles(last) == [f"{number:04d}" for number in range(9, -1, -1)] and "Page 3 of 3" in last
    past_the_end = client.post("/journal/", {"q": "words about", "page": "9"}).content.decode()
    assert titles(past_the_end) == titles(last)
