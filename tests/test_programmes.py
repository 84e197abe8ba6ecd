"""Programmes: the content a clinician can review, the public pages, and following one at one's
own pace, sealed in the journal, with the next prompt offered after each entry."""

import html
import json
import re
from pathlib import Path

import pytest
from django.conf import settings
from django.contrib.sessions.models import Session
from django.core.management import call_command
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from reflect.programmes.models import FollowedProgramme, Programme, ProgrammeStep
from reflect.prompts.models import Prompt

from .conftest import at_once, opened
from .practice.conftest import make_therapist

pytestmark = pytest.mark.django_db

FIXTURES = Path(settings.BASE_DIR, "fixtures")


def fixture_rows(name, model):
    return [row["fields"] for row in json.loads((FIXTURES / name).read_text(encoding="utf-8")) if row["model"] == model]


# --- The content ------------------------------------------------------------------------------


def test_the_fixture_has_at_least_four_programmes_of_four_to_eight_real_prompts():
    """Read from the files themselves, so a prompt renamed or removed in prompts.json fails here."""
    programmes = fixture_rows("programmes.json", "programmes.programme")
    steps = fixture_rows("programmes.json", "programmes.programmestep")
    prompt_slugs = {row["slug"] for row in fixture_rows("prompts.json", "prompts.prompt")}
    assert len(programmes) >= 4
    for programme in programmes:
        assert programme["title"] and programme["description"] and programme["clinician_note"], programme["slug"]
        own = [step for step in steps if step["programme"] == [programme["slug"]]]
        assert 4 <= len(own) <= 8, programme["slug"]
        assert sorted(step["order"] for step in own) == list(range(1, len(own) + 1)), programme["slug"]
        named = [step["prompt"][0] for step in own]
        assert len(set(named)) == len(named), f"{programme['slug']} names a prompt twice"
        assert set(named) <= prompt_slugs, f"{programme['slug']}: no such prompt {set(named) - prompt_slugs}"
    assert {step["programme"][0] for step in steps} <= {programme["slug"] for programme in programmes}


def test_load_content_loads_the_programmes_and_drops_what_the_file_no_longer_has():
    programme = Programme.objects.first()
    loaded = list(programme.steps.values_list("prompt__slug", flat=True))
    assert Programme.objects.count() >= 4 and 4 <= len(loaded) <= 8
    stale = Programme.objects.create(slug="taken-out", order=999, title="Old", description="x", clinician_note="x")
    ProgrammeStep.objects.create(programme=programme, order=99, prompt=Prompt.objects.exclude(slug__in=loaded).first())
    ProgrammeStep.objects.create(programme=stale, order=1, prompt=Prompt.objects.first())
    call_command("load_content", verbosity=0)
    assert not Programme.objects.filter(slug="taken-out").exists()
    assert list(Programme.objects.get(slug=programme.slug).steps.values_list("prompt__slug", flat=True)) == loaded


# --- The pages ------------------------------------------------------------------------------


def test_the_prompt_library_leads_to_the_programmes_and_each_programme_to_its_prompts(client):
    assert 'href="/reflect/programmes/"' in client.get("/reflect/").content.decode()
    listing = client.get("/reflect/programmes/").content.decode()
    for programme in Programme.objects.all():
        assert programme.title in listing and programme.get_absolute_url() in listing
    programme = Programme.objects.first()
    page = client.get(programme.get_absolute_url()).content.decode()
    prompts = programme.prompts()
    links = [page.index(f'href="/journal/write/?prompt={prompt.slug}"') for prompt in prompts]
    assert links == sorted(links), "the steps are in the programme's order"
    assert programme.description in html.unescape(page)
    assert programme.clinician_note not in html.unescape(page), "like the prompts' notes, for therapists only"


def test_a_therapist_sees_the_programme_note_without_asking_the_database_who_they_are(settings):
    settings.PRACTICE = True
    therapist = make_therapist("sam")
    programme = Programme.objects.first()
    with CaptureQueriesContext(connection) as queries:
        page = html.unescape(therapist.get(programme.get_absolute_url()).content.decode())
    assert programme.clinician_note in page
    assert not [query for query in queries if "practice_therapist" in query["sql"]]


def test_a_programme_that_does_not_exist_is_a_404(client):
    assert client.get("/reflect/programmes/no-such-programme/").status_code == 404


# --- Following one ----------------------------------------------------------------------------


def follow(client, programme):
    return client.post(f"/reflect/programmes/{programme.slug}/follow/")


def test_following_is_sealed_in_the_journal_with_no_clear_trace_and_no_cookie(client, journal):
    programme = Programme.objects.get(slug="understanding-the-pull")
    response = follow(client, programme)
    assert response.status_code == 302 and response.url == programme.get_absolute_url()
    page = client.get(response.url)
    assert "You are following this programme" in page.content.decode()
    assert "no-store" in page["Cache-Control"], "a page showing the journal's choice is never cached"
    # A message can travel in a cookie, compressed and signed: what it says must not name the choice.
    notices = re.search(r'<div class="notices">(.*?)</div>', page.content.decode(), re.DOTALL)[1]
    assert "following" in notices

    row = FollowedProgramme.objects.get()
    assert opened(row)["programme"] == programme.slug
    columns = FollowedProgramme.objects.values_list(*(field.attname for field in row._meta.concrete_fields)).get()
    stored = b" ".join(
        bytes(value) if isinstance(value, bytes | memoryview) else str(value).encode() for value in columns
    )
    for trace in (programme.slug, programme.title, f"programme={programme.pk}"):
        assert trace.encode() not in stored
        for session in Session.objects.all():
            assert trace not in session.session_data and trace not in str(session.get_decoded())
        assert all(trace not in morsel.value for morsel in client.cookies.values())
        assert all(trace not in morsel.value for morsel in response.cookies.values())
        assert trace not in notices


def test_following_another_programme_takes_the_place_of_the_first(client, journal):
    first, second = Programme.objects.all()[:2]
    follow(client, first)
    follow(client, second)
    assert opened(FollowedProgramme.objects.get())["programme"] == second.slug
    page = client.get(first.get_absolute_url()).content.decode()
    assert "Follow this programme" in page and second.title in page


@pytest.mark.django_db(transaction=True)
def test_two_tabs_following_at_the_same_moment_leave_one_choice(content, client, journal):
    first, second = Programme.objects.all()[:2]

    def follow_in_a_tab(wait, programme):
        tab = Client()
        tab.cookies = client.cookies
        wait()
        return follow(tab, programme).status_code

    assert at_once(follow_in_a_tab, [(first,), (second,)]) == [302, 302]
    assert opened(FollowedProgramme.objects.get())["programme"] in {first.slug, second.slug}


def test_stopping_forgets_the_choice(client, journal):
    programme = Programme.objects.first()
    follow(client, programme)
    response = client.post(f"/reflect/programmes/{programme.slug}/stop/")
    assert response.status_code == 302 and not FollowedProgramme.objects.exists()


def test_a_locked_journal_follows_nothing_and_a_get_changes_nothing(client, journal):
    programme = Programme.objects.first()
    assert client.get(f"/reflect/programmes/{programme.slug}/follow/").url == programme.get_absolute_url()
    assert not FollowedProgramme.objects.exists()
    client.post("/journal/lock/")
    page = client.get(programme.get_absolute_url()).content.decode()
    assert "Open your journal to follow it" in page
    response = follow(client, programme)
    assert response.status_code == 302 and response.url.startswith("/journal/unlock/")
    assert not FollowedProgramme.objects.exists()


def test_a_choice_that_cannot_be_opened_shows_as_none_and_can_be_made_again(client, journal):
    programme = Programme.objects.first()
    follow(client, programme)
    FollowedProgramme.objects.update(sealed_content=b"damaged")
    page = client.get(programme.get_absolute_url())
    assert page.status_code == 200 and "Follow this programme" in page.content.decode()
    follow(client, programme)
    assert opened(FollowedProgramme.objects.get())["programme"] == programme.slug


def saved_page(client, write, prompt):
    return client.get(f"/journal/entries/{write(prompt=prompt.slug)}/").content.decode()


def offered(page, prompt):
    return f'href="/journal/write/?prompt={prompt.slug}">Go on with' in page


def test_after_each_entry_the_next_prompt_not_yet_written_about_is_offered(client, journal, write):
    programme = Programme.objects.get(slug="first-steps-gently")
    steps = programme.prompts()
    free = client.get(f"/journal/entries/{write()}/").content.decode()
    assert "Go on with" not in free, "nothing is offered to someone who follows no programme"
    follow(client, programme)
    assert offered(saved_page(client, write, steps[0]), steps[1])
    assert offered(saved_page(client, write, steps[2]), steps[3]), "the next after the prompt just answered"
    for step in steps[3:-1]:
        saved_page(client, write, step)
    assert offered(saved_page(client, write, steps[-1]), steps[1]), "then back to one that was skipped"
    last = saved_page(client, write, steps[1])
    assert "Go on with" not in last and "You have written about every prompt in" in last


def test_only_the_page_just_after_saving_offers_the_next_prompt(client, journal, write):
    programme = Programme.objects.first()
    follow(client, programme)
    entry = write(prompt=programme.prompts()[0].slug)
    assert "Go on with" in client.get(f"/journal/entries/{entry}/").content.decode()
    assert "Go on with" not in client.get(f"/journal/entries/{entry}/").content.decode()


def test_the_programme_page_shows_how_far_the_person_has_got_since_they_started(client, journal, write):
    programme = Programme.objects.first()
    first, second = programme.prompts()[:2]
    write(prompt=first.slug)
    follow(client, programme)
    assert "you have written about 0 of its" in client.get(programme.get_absolute_url()).content.decode()
    write(prompt=second.slug)
    page = client.get(programme.get_absolute_url()).content.decode()
    assert f"you have written about 1 of its {len(programme.prompts())} prompts" in page
    assert page.count("You have written about this") == 1, "an answer from before is not counted: a fresh start"


def test_deleting_everything_deletes_the_programme_followed(client, journal):
    follow(client, Programme.objects.first())
    response = client.post("/journal/delete-everything/", {"confirmation": "delete everything"})
    assert response.status_code == 302
    assert not FollowedProgramme.objects.exists()
