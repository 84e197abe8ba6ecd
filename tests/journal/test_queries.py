"""Journal pages ask the database the same few questions however long the journal is."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from reflect.journal.models import Entry

pytestmark = pytest.mark.django_db

# An unlocked page: the session, the person, and what the page itself shows. The content (the
# prompts, the crisis numbers) is kept per content version, which each process reads from the
# database at most every REFLECT_CONTENT_CHECK_SECONDS: counted here as if it were read every time.
MOST_QUERIES = 5


def queries(client, url):
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url)
    assert response.status_code == 200, url
    return [query["sql"] for query in captured.captured_queries]


def pages():
    """The journal's own pages, for an entry answering a library prompt."""
    newest = str(Entry.objects.order_by("-created_at").values_list("pk", flat=True).first())
    return {
        "list": "/journal/",
        "entry": f"/journal/entries/{newest}/",
        "writing": "/journal/write/",
        "writing about a prompt": "/journal/write/?prompt=not-my-fault",
    }


def asked_each_time(sql):
    return "learn_contentversion" not in sql


@pytest.mark.parametrize("page", ["list", "entry", "writing", "writing about a prompt"])
def test_a_page_asks_the_same_few_questions_at_20_entries_and_at_60(client, many_entries, write, page):
    many_entries(19)
    write("the newest, from a prompt", prompt="not-my-fault")
    url = pages()[page]
    client.get(url)  # after "Saved.", and the content's first reading in this process
    few = [sql for sql in queries(client, url) if asked_each_time(sql)]
    many_entries(40)  # all older than the one written: the same pages, in a longer journal
    more = [sql for sql in queries(client, url) if asked_each_time(sql)]
    assert len(more) == len(few), "\n".join(more)
    assert len(few) + 1 <= MOST_QUERIES, "\n".join(few)


def test_nothing_is_asked_about_being_a_therapist_on_a_journal_page(client, many_entries):
    many_entries(3)
    for sql in queries(client, "/journal/"):
        assert "practice_therapist" not in sql, sql


class TestTheNavOfATherapist:
    """The nav's Practice link comes from the session, written at unlock; the practice pages still
    ask the database who is a therapist, so the session's word lets no one in."""

    @pytest.fixture
    def therapist(self, settings):
        import io

        from django.core.management import call_command
        from django.test import Client

        settings.PRACTICE = True
        call_command(
            "create_therapist",
            "xena",
            "--display-name",
            "Xena",
            "--passphrase",
            "therapist passphrase",
            stdout=io.StringIO(),
        )
        client = Client()
        response = client.post("/journal/unlock/", {"username": "xena", "passphrase": "therapist passphrase"})
        assert response.status_code == 302
        return client

    def test_a_therapist_sees_practice_in_the_nav_without_a_question_about_it(self, therapist):
        with CaptureQueriesContext(connection) as captured:
            html = therapist.get("/reflect/").content.decode()
        assert '<a href="/practice/"' in html and ">Journal</a>" not in html
        assert not [query for query in captured.captured_queries if "practice_therapist" in query["sql"]]

    def test_the_sessions_word_opens_no_practice_page(self, client, journal):
        session = client.session
        assert "vault_therapist" not in session, "a person who is not a therapist is not marked as one"
        session["vault_therapist"] = True
        session.save()
        assert '<a href="/practice/"' in client.get("/journal/").content.decode()
        assert client.get("/practice/").status_code == 404
