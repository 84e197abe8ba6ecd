"""Public pages rendered once and shared from the cache (reflect/public_pages.py)."""

import gzip

import pytest
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from reflect.learn.models import ContentVersion, Section
from reflect.prompts.models import Dynamic, Prompt
from reflect.safety.shell import COUNTRY_COOKIE, DISPLAY_COOKIE, TIP_COOKIE

pytestmark = pytest.mark.django_db


def public_addresses():
    section, dynamic, prompt = Section.objects.first(), Dynamic.objects.first(), Prompt.objects.first()
    return [
        reverse("learn:contents"),
        section.get_absolute_url(),
        reverse("learn:references"),
        reverse("prompts:library"),
        dynamic.get_absolute_url(),
        prompt.get_absolute_url(),
        reverse("prompts:ground"),
        reverse("safety:help"),
        reverse("safety:cover_your_tracks"),
    ]


def queries_for(client, url, **headers):
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url, **headers)
    assert response.status_code == 200, url
    return response, len(queries)


def test_each_public_page_is_rendered_once_then_served_with_one_query(client):
    client.cookies[TIP_COOKIE] = "1"
    for url in public_addresses():
        first, queries_first = queries_for(client, url)
        again, queries_again = queries_for(client, url)
        assert queries_first <= 12, url  # rendering: the page's own rows
        assert queries_again <= 1, url  # at most the content version, read once a second
        assert again.content == first.content


def test_a_visitor_with_a_leftover_session_costs_one_more_query(client, journal):
    client.post(reverse("vault:lock"))
    client.get("/")
    assert queries_for(client, "/")[1] <= 2


def test_pages_differ_by_country_and_display_choice_and_never_mix(client):
    client.cookies[TIP_COOKIE] = "1"
    pages = {}
    for country in ["GB", "US"]:
        for display in ["", "plain"]:
            client.cookies[COUNTRY_COOKIE] = country
            client.cookies[DISPLAY_COOKIE] = display
            pages[country, display] = [client.get("/").content.decode() for _ in range(2)]
    for (country, display), (first, again) in pages.items():
        assert first == again
        assert ("Help now: United Kingdom" in first) == (country == "GB")
        assert ("<title>Notes</title>" in first) == (display == "plain")
    assert len({first for first, _ in pages.values()}) == 4


def test_the_first_visit_tip_is_not_shared_with_those_who_saw_it(client):
    first = client.get("/").content.decode()
    assert "first-visit-tip" in first
    assert "first-visit-tip" not in client.get("/").content.decode()  # the tip cookie is set now


def test_new_content_is_served_within_a_second_of_a_new_version(client, settings):
    settings.REFLECT_CONTENT_CHECK_SECONDS = 0  # as if a second went by between requests
    client.cookies[TIP_COOKIE] = "1"
    client.get("/")
    Section.objects.filter(pk=Section.objects.first().pk).update(title="A title changed by a clinician")
    assert "A title changed by a clinician" not in client.get("/").content.decode()  # same version
    ContentVersion.count_up()
    assert "A title changed by a clinician" in client.get("/").content.decode()


def test_load_content_starts_a_new_version():
    version = ContentVersion.current()
    call_command("load_content", verbosity=0)
    assert ContentVersion.current() == version + 1


def test_shared_pages_are_compressed_once_and_say_what_they_vary_on(client):
    client.cookies[TIP_COOKIE] = "1"
    plain = client.get("/").content
    response = client.get("/", HTTP_ACCEPT_ENCODING="gzip, deflate, br")
    assert response["Content-Encoding"] == "gzip"
    assert gzip.decompress(response.content) == plain
    assert {"Accept-Encoding", "Cookie"} <= {part.strip() for part in response["Vary"].split(",")}
    assert "Content-Encoding" not in client.get("/").headers


def test_public_pages_carry_no_csrf_token_and_set_no_csrf_cookie(client):
    for url in public_addresses():
        response = client.get(url)
        assert b"csrfmiddlewaretoken" not in response.content, url
        assert "csrftoken" not in response.cookies, url


def test_an_unlocked_journal_never_gets_or_leaves_a_shared_page(client, journal, write):
    prompt = Prompt.objects.first()
    write(prompt=prompt.slug)
    unlocked = client.get(prompt.get_absolute_url(), HTTP_ACCEPT_ENCODING="gzip")
    assert "Content-Encoding" not in unlocked.headers  # a lock form's token is a secret: BREACH
    assert b"Lock journal" in unlocked.content
    client.post(reverse("vault:lock"))
    locked = client.get(prompt.get_absolute_url()).content
    assert b"Lock journal" not in locked
    assert b"csrfmiddlewaretoken" not in locked


def test_private_pages_are_never_compressed(client, journal):
    for url in [reverse("journal:list"), reverse("journal:write"), reverse("safety:settings")]:
        response = client.get(url, HTTP_ACCEPT_ENCODING="gzip")
        assert response.status_code == 200, url
        assert "Content-Encoding" not in response.headers, url


def test_an_address_with_a_query_string_is_never_kept(client):
    client.cookies[TIP_COOKIE] = "1"
    reflected = client.get("/?from=somewhere").content.decode()
    assert 'value="/?from=somewhere"' in reflected  # the footer's way back
    assert "somewhere" not in client.get("/").content.decode()
    assert "Content-Encoding" not in client.get("/?from=x", HTTP_ACCEPT_ENCODING="gzip").headers


def test_a_page_with_a_message_is_never_kept(client):
    client.cookies[TIP_COOKIE] = "1"
    client.post(reverse("safety:country"), {"country": "QQ", "next": "/"})
    with_message = client.get("/").content.decode()
    assert "checked numbers for that place" in with_message
    assert "checked numbers for that place" not in client.get("/").content.decode()


def test_a_kept_page_is_sent_with_the_headers_it_was_rendered_with(client):
    client.cookies[TIP_COOKIE] = "1"
    rendered = client.get("/", HTTP_ACCEPT_ENCODING="gzip")
    kept = client.get("/", HTTP_ACCEPT_ENCODING="gzip")
    assert kept.content == rendered.content
    assert dict(kept.headers) == dict(rendered.headers)
    for header in ["X-Frame-Options", "Content-Security-Policy", "Referrer-Policy", "Content-Length"]:
        assert header in kept.headers
    assert int(kept["Content-Length"]) == len(kept.content)
    plain = client.get("/")
    assert int(plain["Content-Length"]) == len(plain.content) == len(gzip.decompress(kept.content))


def test_a_kept_page_is_served_before_sessions_and_sign_in_are_looked_at(client, django_assert_num_queries):
    client.cookies[TIP_COOKIE] = "1"
    client.get("/")
    with django_assert_num_queries(0):
        response = client.get("/")
    assert not hasattr(response.wsgi_request, "session")  # no middleware below the cache ran


def test_a_leftover_journal_cookie_still_hears_that_the_journal_locked(client):
    client.cookies[TIP_COOKIE] = "1"
    client.get("/")
    client.cookies["key"] = "left over from an unlock whose session has ended"
    response = client.get("/")
    assert "locked itself after a while" in response.content.decode()
    assert response.cookies["key"]["max-age"] == 0


def test_a_host_reflect_does_not_answer_for_gets_a_400_even_for_a_kept_page(client):
    client.cookies[TIP_COOKIE] = "1"
    client.get("/")
    assert client.get("/", HTTP_HOST="elsewhere.example").status_code == 400
