"""Every page renders, with the quick exit and the crisis footer, and bad addresses give 404."""

import pytest
from django.urls import reverse

from reflect.learn.models import Section
from reflect.prompts.models import Dynamic, Prompt

pytestmark = pytest.mark.django_db


def all_page_urls():
    urls = [
        reverse("learn:contents"),
        reverse("learn:references"),
        reverse("prompts:library"),
        reverse("prompts:ground"),
        reverse("safety:help"),
    ]
    urls += [section.get_absolute_url() for section in Section.objects.all()]
    urls += [dynamic.get_absolute_url() for dynamic in Dynamic.objects.all()]
    urls += [prompt.get_absolute_url() for prompt in Prompt.objects.all()]
    return urls


def assert_safety_shell(html):
    assert 'id="quick-exit"' in html
    assert f'href="{reverse("safety:leave")}"' in html, "quick exit must be a real link that works without JavaScript"
    assert html.index('id="quick-exit"') < html.index("<main"), "quick exit comes before the content"
    assert 'class="safety-footer"' in html
    assert f'action="{reverse("safety:country")}"' in html


def test_every_page_renders_with_the_safety_shell(client):
    urls = all_page_urls()
    assert len(urls) > 70
    for url in urls:
        response = client.get(url, HTTP_ACCEPT_LANGUAGE="en-GB")
        assert response.status_code == 200, url
        html = response.content.decode()
        assert_safety_shell(html)
        assert 'href="tel:999"' in html, f"{url} lacks the UK emergency number"


@pytest.mark.parametrize(
    "url",
    [
        "/no-such-page/",
        "/learn/no-such-section/",
        "/reflect/topics/no-such-topic/",
        "/reflect/prompts/no-such-prompt/",
        "/learn/%00/",
    ],
)
def test_unknown_addresses_give_the_404_page_with_the_shell(client, url):
    response = client.get(url)
    assert response.status_code == 404
    html = response.content.decode()
    assert "We can&#x27;t find that page" in html
    assert_safety_shell(html)


def test_head_requests_are_answered(client):
    assert client.head(reverse("learn:contents")).status_code == 200


def test_posting_to_a_reading_page_is_refused_cleanly(client):
    assert client.post(reverse("learn:contents")).status_code == 405


def test_section_page_shows_its_prompts_beside_the_text(client):
    section = Section.objects.get(slug="how-the-bond-grows")
    html = client.get(section.get_absolute_url()).content.decode()
    assert html.index("<article") < html.index('class="col-lg-4 section-prompts"')
    for prompt in section.prompts.all():
        assert prompt.get_absolute_url() in html


def test_sections_link_to_previous_and_next_and_the_last_to_the_references(client):
    sections = list(Section.objects.all())
    for before, current, after in zip([None, *sections], sections, [*sections[1:], None], strict=False):
        html = client.get(current.get_absolute_url()).content.decode()
        if before:
            assert f'rel="prev" href="{before.get_absolute_url()}"' in html
        else:
            assert 'rel="prev"' not in html
        expected_next = after.get_absolute_url() if after else reverse("learn:references")
        assert f'rel="next" href="{expected_next}"' in html


def test_contents_lists_every_section_and_the_references(client):
    html = client.get(reverse("learn:contents")).content.decode()
    for section in Section.objects.all():
        assert section.get_absolute_url() in html
    assert reverse("learn:references") in html


def test_prompt_page_offers_a_pause_and_grounding(client):
    prompt = Prompt.objects.first()
    html = client.get(prompt.get_absolute_url()).content.decode()
    assert "Pausing is always fine" in html
    assert "<details" in html, "grounding exercises open without JavaScript"
    assert "5" in html and "breath" in html.lower()


def test_library_lists_every_dynamic(client):
    html = client.get(reverse("prompts:library")).content.decode()
    for dynamic in Dynamic.objects.all():
        assert dynamic.get_absolute_url() in html


def test_neutral_page_shows_nothing_of_reflect(client):
    html = client.get(reverse("safety:neutral")).content.decode().lower()
    for word in ("reflect", "abuse", "journal", "trauma", "helpline"):
        assert word not in html
