"""What to do with thoughts of suicide or self-harm, said plainly on the help page and in the footer,
with the crisis line for the chosen country (issue 11, section 2). The numbers expected here are
read from the helplines in the database (loaded from fixtures/helplines.json), never typed in."""

import re

import pytest
from django.urls import reverse
from django.utils.html import escape

from reflect.safety.models import Helpline
from reflect.safety.shell import COUNTRY_COOKIE, INTERNATIONAL

pytestmark = pytest.mark.django_db


def crisis_line(country):
    """The country's first verified crisis line with a number to call."""
    lines = Helpline.objects.filter(country=country, kind=Helpline.CRISIS)
    return next(line for line in lines if any(contact["scheme"] == "tel" for contact in line.contacts))


def first_call(line):
    return next(contact for contact in line.contacts if contact["scheme"] == "tel")


def section(html, marker):
    start = html.index(marker)
    return html[start : html.index("</p>", start)]


@pytest.mark.parametrize("country", ["GB", "US", "AU"])
def test_the_footer_says_what_to_do_with_thoughts_of_suicide(client, country):
    client.cookies[COUNTRY_COOKIE] = country
    html = client.get(reverse("learn:contents")).content.decode()
    footer = html[html.index('class="safety-footer"') :]
    words = section(footer, 'class="suicide-help"')
    line = crisis_line(country)
    assert "thoughts of suicide" in words and "hurting yourself" in words
    assert escape(line.name) in words
    assert f'href="tel:{first_call(line)["number"]}"' in words
    emergency = Helpline.objects.filter(country=country, kind=Helpline.EMERGENCY).first()
    assert f'href="tel:{first_call(emergency)["number"]}"' in words
    assert len(re.sub(r"<[^>]+>", "", words).split()) < 45, "the footer stays short"


@pytest.mark.parametrize("country", ["GB", "US", "AU"])
def test_the_help_page_says_it_plainly_first(client, country):
    client.cookies[COUNTRY_COOKIE] = country
    html = client.get(reverse("safety:help")).content.decode()
    main = html[html.index("<main") : html.index("</main>")]
    advice = main[main.index('id="thoughts-of-suicide"') : main.index("</section>")]
    assert main.index('id="thoughts-of-suicide"') < main.index("helpline-details"), "before the full list"
    line = crisis_line(country)
    assert escape(line.name) in advice
    assert f'href="tel:{first_call(line)["number"]}"' in advice
    assert "you are not alone" in advice.lower() or "you don't have to" in advice.lower()
    assert "emergency" in advice.lower()


def test_a_country_without_a_verified_crisis_line_still_gets_the_emergency_number(client):
    """South Africa's suicide crisis line is only 'likely' in the verified list, so it is not shown."""
    assert not Helpline.objects.filter(country="ZA", kind=Helpline.CRISIS).exists()
    client.cookies[COUNTRY_COOKIE] = "ZA"
    html = client.get(reverse("learn:contents")).content.decode()
    words = section(html, 'class="suicide-help"')
    emergency = Helpline.objects.get(country="ZA", kind=Helpline.EMERGENCY)
    assert all(f'href="tel:{contact["number"]}"' in words for contact in emergency.contacts)


def test_anywhere_else_the_advice_points_to_local_emergency_help(client):
    client.cookies[COUNTRY_COOKIE] = INTERNATIONAL
    html = client.get(reverse("safety:help")).content.decode()
    advice = html[html.index('id="thoughts-of-suicide"') :]
    assert "local emergency number" in advice[: advice.index("</section>")]
    assert 'href="tel:' not in html
