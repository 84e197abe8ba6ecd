"""The prompt library as journal pages show it: read once per content version, and read again
as soon as the version moves on."""

import pytest

from reflect.learn.models import ContentVersion
from reflect.prompts.models import Prompt

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def content_version_read_every_time(settings):
    settings.REFLECT_CONTENT_CHECK_SECONDS = 0  # as if a second went by between requests


def test_a_reworded_prompt_shows_in_the_journal_once_the_content_version_moves_on(client, journal, write):
    entry = write("An answer.", prompt="not-my-fault")
    client.get(f"/journal/entries/{entry}/")
    Prompt.objects.filter(slug="not-my-fault").update(text="Words a clinician changed")
    assert "Words a clinician changed" not in client.get("/journal/").content.decode(), "the same version"
    ContentVersion.count_up()
    assert "Words a clinician changed" in client.get("/journal/").content.decode()
    assert "Words a clinician changed" in client.get(f"/journal/entries/{entry}/").content.decode()
    assert "Words a clinician changed" in client.get("/journal/write/?prompt=not-my-fault").content.decode()
