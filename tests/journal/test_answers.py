"""Which prompt an entry answers: sealed with the writing, shown only while the journal is open,
and a way to write about any prompt from wherever it is shown."""

import html
import re

import pytest
from django.test import Client

from reflect.journal.models import Draft, Entry, Writing
from reflect.prompts.models import Dynamic, Prompt
from reflect.vault.models import Vault

from ..conftest import PASSPHRASE, opened

pytestmark = pytest.mark.django_db

PROMPT = "not-my-fault"


def write_links(page):
    return re.findall(r'href="/journal/write/\?prompt=([a-z0-9-]+)"', page)


def shown(text):
    return html.escape(text)


class TestWriteAboutThis:
    def test_every_prompt_on_a_topic_page_offers_writing_about_it(self, client):
        dynamic = Dynamic.objects.filter(prompts__isnull=False).first()
        html = client.get(dynamic.get_absolute_url()).content.decode()
        assert write_links(html) == list(dynamic.prompts.values_list("slug", flat=True))

    def test_every_prompt_beside_a_section_offers_writing_about_it(self, client):
        prompt = Prompt.objects.get(slug=PROMPT)
        for section in prompt.sections.all():
            html = client.get(section.get_absolute_url()).content.decode()
            assert sorted(write_links(html)) == sorted(section.prompts.values_list("slug", flat=True))

    def test_a_prompt_page_offers_writing_about_it(self, client):
        html = client.get(f"/reflect/prompts/{PROMPT}/").content.decode()
        assert write_links(html) == [PROMPT]

    def test_a_new_visitor_is_carried_through_setup_to_the_writing_page(self, client):
        response = client.get(f"/journal/write/?prompt={PROMPT}")
        assert response.status_code == 302
        setup = client.get(response.url)
        assert f'name="next" value="/journal/write/?prompt={PROMPT}"' in setup.content.decode()
        made = client.post(
            "/journal/setup/",
            {
                "new_passphrase": PASSPHRASE,
                "new_passphrase_again": PASSPHRASE,
                "next": f"/journal/write/?prompt={PROMPT}",
            },
        )
        assert f'name="next" value="/journal/write/?prompt={PROMPT}"' in made.content.decode()
        saved = client.post("/journal/setup/saved/", {"saved": "on", "next": f"/journal/write/?prompt={PROMPT}"})
        assert saved.url == f"/journal/write/?prompt={PROMPT}"
        assert shown(Prompt.objects.get(slug=PROMPT).text) in client.get(saved.url).content.decode()

    def test_a_next_that_leads_elsewhere_is_not_followed(self, client):
        client.post("/journal/setup/", {"new_passphrase": PASSPHRASE, "new_passphrase_again": PASSPHRASE})
        saved = client.post("/journal/setup/saved/", {"saved": "on", "next": "https://elsewhere.example/"})
        assert saved.url == "/journal/"

    def test_a_locked_journal_unlocks_straight_to_the_writing_page(self, client, journal):
        client.post("/journal/lock/")
        response = client.get(f"/journal/write/?prompt={PROMPT}")
        assert response.url == f"/journal/unlock/?next=%2Fjournal%2Fwrite%2F%3Fprompt%3D{PROMPT}"
        unlocked = client.post(
            "/journal/unlock/", {"passphrase": PASSPHRASE, "next": f"/journal/write/?prompt={PROMPT}"}
        )
        assert unlocked.url == f"/journal/write/?prompt={PROMPT}"


class TestTheSavedEntry:
    def test_it_shows_its_prompt_with_links_to_the_prompt_and_its_sections(self, client, journal, write):
        prompt = Prompt.objects.get(slug=PROMPT)
        html = client.get(f"/journal/entries/{write('My answer.', prompt=PROMPT)}/").content.decode()
        assert shown(prompt.text) in html and f'href="{prompt.get_absolute_url()}"' in html
        for section in prompt.sections.all():
            assert f'href="{section.get_absolute_url()}"' in html

    def test_just_after_saving_a_next_step_is_offered_once(self, client, journal):
        response = client.post("/journal/write/", {"text": "Words.", "prompt": PROMPT}, follow=True)
        html = response.content.decode()
        another = re.search(r'href="/journal/write/\?prompt=([a-z0-9-]+)">Write about another', html)[1]
        prompt = Prompt.objects.get(slug=PROMPT)
        assert another != PROMPT and Prompt.objects.get(slug=another).dynamic == prompt.dynamic
        assert "Pause and ground yourself" in html and "Lock my journal" in html
        again = client.get(response.redirect_chain[-1][0]).content.decode()
        assert "What next?" not in again, "the next step follows saving, not every visit"

    def test_the_list_shows_each_entrys_prompt(self, client, journal, write):
        write("Free words.")
        write("An answer.", prompt=PROMPT)
        page = client.get("/journal/").content.decode()
        assert page.count(shown(Prompt.objects.get(slug=PROMPT).text)) == 1

    def test_the_list_filters_by_topic(self, client, journal, write):
        prompt = Prompt.objects.get(slug=PROMPT)
        write("Free words, title Free.", title="Free one")
        write("An answer.", prompt=PROMPT, title="About the topic")
        other = Dynamic.objects.exclude(pk=prompt.dynamic_id).filter(prompts__isnull=False).first()
        html = client.get(f"/journal/?dynamic={prompt.dynamic.slug}").content.decode()
        assert "About the topic" in html and "Free one" not in html
        assert "About the topic" not in client.get(f"/journal/?dynamic={other.slug}").content.decode()


class TestSealed:
    def test_the_prompt_is_inside_the_ciphertext_not_beside_it(self, client, journal, write):
        entry = Entry.objects.get(pk=write("An answer.", prompt=PROMPT))
        assert entry.legacy_prompt_id is None
        assert opened(entry).prompt == PROMPT

    def test_the_prompt_of_a_draft_is_sealed_too(self, client, journal):
        client.post(
            "/journal/drafts/save/",
            {"text": "half", "prompt": PROMPT, "draft_revision": "0"},
            headers={"HX-Request": "true", "Sec-Fetch-Site": "same-origin"},
        )
        draft = Draft.objects.get()
        assert draft.legacy_prompt_id is None and opened(draft).prompt == PROMPT

    def test_rows_from_before_are_sealed_at_the_next_unlock(self, client, journal):
        """An entry and a draft written by an older version, with the prompt in clear."""
        key = Vault.objects.get().open_with_passphrase(PASSPHRASE)
        prompt = Prompt.objects.get(slug=PROMPT)
        entry = Entry.objects.create(owner=Vault.objects.get().owner, legacy_prompt=prompt, **dates(), ciphertext=b"")
        entry.seal(key, Writing("Old words."))
        entry.save()
        draft = Draft.objects.create(owner=entry.owner, legacy_prompt=prompt, **dates(), ciphertext=b"")
        draft.seal(key, Writing("Old draft."))
        draft.save()
        assert shown(prompt.text) in client.get(f"/journal/entries/{entry.pk}/").content.decode(), (
            "read before the move"
        )

        client.post("/journal/lock/")
        client.post("/journal/unlock/", {"passphrase": PASSPHRASE})
        for row in (Entry.objects.get(), Draft.objects.get()):
            assert row.legacy_prompt_id is None
            assert opened(row).prompt == PROMPT
        assert opened(Entry.objects.get()).text == "Old words."


def dates():
    from django.utils import timezone

    now = timezone.now()
    return {"created_at": now, "updated_at": now}


class TestAnsweredMarks:
    def test_an_open_journal_marks_answered_prompts_with_links_to_the_entries(self, client, journal, write):
        entry = write("An answer.", prompt=PROMPT)
        html = client.get(f"/reflect/prompts/{PROMPT}/").content.decode()
        assert "You have written about this 1 time" in html and f"/journal/entries/{entry}/" in html
        topic = Prompt.objects.get(slug=PROMPT).dynamic
        assert client.get(topic.get_absolute_url()).content.decode().count("You have written about this") == 1
        assert "you have written about 1" in client.get("/reflect/").content.decode()

    def test_a_locked_journal_shows_no_marks_and_pages_are_cacheable_again(self, client, journal, write):
        write("An answer.", prompt=PROMPT)
        unlocked = client.get(f"/reflect/prompts/{PROMPT}/")
        assert "no-store" in unlocked["Cache-Control"], "a page showing journal facts is never cached"
        client.post("/journal/lock/")
        locked = client.get(f"/reflect/prompts/{PROMPT}/")
        assert "written about" not in locked.content.decode()
        assert "no-store" not in locked.get("Cache-Control", "")
        assert "written about" not in Client().get("/reflect/").content.decode()

    def test_nothing_about_answers_is_kept_in_cookies_or_the_session(self, client, journal, write):
        write("An answer.", prompt=PROMPT)
        client.get(f"/reflect/prompts/{PROMPT}/")
        client.get("/reflect/")
        assert not any(PROMPT in cookie.value for cookie in client.cookies.values())
        assert PROMPT not in str(dict(client.session))


def test_editing_keeps_the_prompt_even_after_it_leaves_the_library(client, journal, write):
    entry = write("An answer.", prompt=PROMPT)
    Prompt.objects.filter(slug=PROMPT).delete()
    page = client.get(f"/journal/entries/{entry}/edit/")
    form = {name: page.context["form"].initial.get(name) or "" for name in ("draft_id", "entry_revision")}
    response = client.post(f"/journal/entries/{entry}/edit/", {"text": "Changed.", "title": "", **form})
    assert response.status_code == 302
    assert opened(Entry.objects.get()).prompt == PROMPT
