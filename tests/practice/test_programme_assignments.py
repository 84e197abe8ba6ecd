"""A therapist assigns a whole programme, with one prompt given every few days: the client sees
only the prompts that have arrived, worked out from the day their copy came, and the therapist
sees the schedule."""

import html
import re
from datetime import date, timedelta

import pytest
from django.utils import timezone

from reflect.journal.models import ClientAssignment
from reflect.journal.release import released
from reflect.practice.models import Assignment
from reflect.practice.portable import CodeProblem, parse_portable_code, portable_code
from reflect.programmes.models import Programme

from .conftest import join, make_assignment
from .test_portable import encode_portable, good_body

pytestmark = pytest.mark.django_db


def client_sees(client, prompts):
    page = html.unescape(client.get("/journal/").content.decode())
    return [prompt.text in page for prompt in prompts]


def days_ago(copy, days):
    """As if the client's copy had arrived `days` days ago: nothing else about the journal changes."""
    ClientAssignment.objects.filter(pk=copy.pk).update(received_at=timezone.now() - timedelta(days=days))


def test_a_programme_given_one_prompt_every_3_days(world):
    programme = Programme.objects.get(slug="understanding-the-pull")
    prompts = programme.prompts()
    x = world.therapist_x
    form = x.get("/practice/assignments/new/").content.decode()
    assert programme.title in form and 'name="release_every"' in form
    pk, code = make_assignment(x, prompts=[], custom="", programme=programme.slug, release_every="3")
    assert "day 1)" in x.get(f"/practice/assignments/{pk}/").content.decode()
    client, _ = join(code, "casey")
    copy = ClientAssignment.objects.get(assignment_id=pk)
    assert client_sees(client, prompts) == [True] + [False] * (len(prompts) - 1)
    next_day = timezone.localdate() + timedelta(days=3)
    assert (
        f"next prompt will be here on {next_day:%A} {next_day.day} {next_day:%B}"
        in client.get("/journal/").content.decode()
    )
    days_ago(copy, 2)
    assert client_sees(client, prompts)[:2] == [True, False]
    days_ago(copy, 3)
    assert client_sees(client, prompts) == [True, True] + [False] * (len(prompts) - 2)
    days_ago(copy, 3 * (len(prompts) - 1))
    assert all(client_sees(client, prompts))
    assert "next prompt will be here" not in client.get("/journal/").content.decode()


def test_a_therapist_reads_what_each_programme_is_for(world):
    programme = Programme.objects.get(slug="when-you-want-to-go-back")
    form = html.unescape(world.therapist_x.get("/practice/assignments/new/").content.decode())
    assert programme.clinician_note in form
    assert programme.clinician_note in html.unescape(
        world.therapist_x.get(programme.get_absolute_url()).content.decode()
    )
    assert programme.clinician_note not in html.unescape(
        world.client_a.get(programme.get_absolute_url()).content.decode()
    )


def test_the_therapist_sees_the_day_each_prompt_reaches_the_client(world):
    programme = Programme.objects.get(slug="first-steps-gently")
    x = world.therapist_x
    pk, code = make_assignment(x, prompts=[], custom="", programme=programme.slug, release_every="3")
    page = html.unescape(x.get(f"/practice/assignments/{pk}/").content.decode())
    assert "One prompt every 3 days, counted from the day your client adds them" in page
    assert [int(day) for day in re.findall(r"\(day (\d+)\)", page)] == [
        1 + 3 * n for n in range(len(programme.prompts()))
    ]
    join(code, "casey")
    days_ago(ClientAssignment.objects.get(assignment_id=pk), 3)
    page = html.unescape(x.get(f"/practice/assignments/{pk}/").content.decode())
    start = timezone.localdate() - timedelta(days=3)
    assert f"from {start.day} {start:%B %Y}, the day your client added them" in page
    assert page.count("there since") == 2 and page.count("arrives on") == len(programme.prompts()) - 2


def test_the_programme_comes_first_then_other_prompts_each_once_and_own_prompts_at_once(world):
    programme = Programme.objects.get(slug="first-steps-gently")
    steps = [prompt.slug for prompt in programme.prompts()]
    x = world.therapist_x
    pk, code = make_assignment(
        x, prompts=["not-my-fault", steps[1]], custom="My own question", programme=programme.slug, release_every="7"
    )
    content = Assignment.objects.get(pk=pk).content_with_code(code)
    assert content["prompts"] == [*steps, "not-my-fault"]
    assert content["programme"] == programme.slug and content["release_every"] == 7
    client, _ = join(code, "casey")
    page = client.get("/journal/").content.decode()
    assert "My own question" in page and "not-my-fault" not in page


def test_without_an_interval_every_prompt_is_there_at_once(world):
    programme = Programme.objects.first()
    pk, code = make_assignment(world.therapist_x, prompts=[], custom="", programme=programme.slug)
    assert Assignment.objects.get(pk=pk).content_with_code(code)["release_every"] is None
    client, _ = join(code, "casey")
    assert all(client_sees(client, programme.prompts()))


@pytest.mark.parametrize("every", ["0", "15", "-3", "2.5", "three", "9" * 30])
def test_an_interval_outside_1_to_14_is_a_clear_400_and_nothing_is_made(world, every):
    before = Assignment.objects.count()
    response = world.therapist_x.post(
        "/practice/assignments/new/",
        {"programme": Programme.objects.first().slug, "release_every": every, "note": "Kept note"},
    )
    assert response.status_code == 400 and "Kept note" in response.content.decode()
    assert "release_every" in response.context["form"].errors
    assert Assignment.objects.count() == before


def test_an_unknown_programme_is_a_clear_400(world):
    response = world.therapist_x.post("/practice/assignments/new/", {"programme": "no-such-programme"})
    assert response.status_code == 400 and "programme" in response.context["form"].errors


# --- Portable codes carry the interval ------------------------------------------------------


def test_a_portable_code_carries_the_interval_and_older_codes_still_read():
    content = {"therapist": "Sam", "prompts": ["not-my-fault"], "custom": [], "note": "", "due": None}
    expires = timezone.now() + timedelta(days=30)
    code = "ABCDE-FGHJK-MNPQR-STVWX-YZ012-3"
    assert parse_portable_code(portable_code({**content, "release_every": 3}, code, expires))["release_every"] == 3
    assert parse_portable_code(portable_code(content, code, expires))["release_every"] is None
    assert parse_portable_code(encode_portable(good_body()))["release_every"] is None


@pytest.mark.parametrize("every", [0, 15, "3", True, 2.5, [3], {"days": 3}])
def test_a_portable_code_with_a_strange_interval_is_refused(every):
    with pytest.raises(CodeProblem):
        parse_portable_code(encode_portable(good_body(release_every=every)))


def test_prompts_from_a_portable_code_arrive_on_the_same_days(world):
    programme = Programme.objects.first()
    prompts = programme.prompts()
    body = good_body(prompts=[prompt.slug for prompt in prompts], release_every=2)
    client = world.client_b
    assert client.post("/journal/from-therapist/add/", {"code": encode_portable(body)}).status_code == 302
    copy = ClientAssignment.objects.get(source=body["id"])
    assert client_sees(client, prompts)[:2] == [True, False]
    days_ago(copy, 2)
    assert client_sees(client, prompts)[:3] == [True, True, False]


# --- The days themselves ----------------------------------------------------------------------


def test_prompts_arrive_on_calendar_days_counted_from_the_day_the_copy_came():
    late_evening = timezone.make_aware(timezone.datetime(2030, 3, 1, 23, 30))
    items = ["first", "second", "third"]
    assert released(items, 3, late_evening, today=date(2030, 3, 1)) == (["first"], date(2030, 3, 4))
    assert released(items, 3, late_evening, today=date(2030, 3, 3)) == (["first"], date(2030, 3, 4))
    assert released(items, 3, late_evening, today=date(2030, 3, 4)) == (["first", "second"], date(2030, 3, 7))
    assert released(items, 3, late_evening, today=date(2030, 3, 7)) == (items, None)
    assert released(items, None, late_evening, today=date(2030, 3, 1)) == (items, None)
    assert released(items, 99, late_evening, today=date(2030, 3, 1)) == (items, None), "only 1 to 14 is a gap"
