"""Crisis numbers: only verified rows from the TSV, dialable, for the person's country."""

import ast
import json
import re
from pathlib import Path

import pytest
from django.conf import settings
from django.core.management import call_command
from django.urls import reverse

from reflect.safety.helpline_labels import read_labels
from reflect.safety.helplines import (
    COUNTRY_NAMES,
    country_from_accept_language,
    digits,
    fixture_records,
    is_verified,
    phone_contacts,
    read_rows,
    text_contacts,
)
from reflect.safety.models import Helpline
from reflect.safety.shell import COUNTRY_COOKIE

FIXTURE = Path(settings.BASE_DIR, "fixtures", "helplines.json")
PROJECT_TSV = Path(settings.BASE_DIR, "fixtures", "helplines.tsv")
SHARED_TSV = Path(settings.BASE_DIR).parent / "shared" / "reference" / "helplines-verified.tsv"
COMPARED_FIELDS = ["service_name", "source_url", "evidence_quote", "confidence"]


@pytest.fixture(scope="module")
def tsv_rows():
    assert settings.REFLECT_HELPLINES_TSV.exists(), f"verified helplines missing at {settings.REFLECT_HELPLINES_TSV}"
    return read_rows(settings.REFLECT_HELPLINES_TSV)


@pytest.fixture(scope="module")
def fixture_rows():
    return [record["fields"] for record in json.loads(FIXTURE.read_text(encoding="utf-8"))]


def test_fixture_holds_exactly_the_verified_rows_of_the_tsv(tsv_rows, fixture_rows):
    verified = [row for row in tsv_rows if is_verified(row["confidence"])]
    assert len(fixture_rows) == len(verified)
    for row, stored in zip(verified, fixture_rows, strict=False):
        assert (stored["region"] or stored["country"]) == row["country_code"]
        assert stored["kind"] == row["kind"]
        for field in COMPARED_FIELDS:
            assert stored[field] == row[field], (row["service_name"], field)
        assert stored["phone"] in (row["phone"], "")
        assert stored["text_or_chat"] in (row["text_or_chat"], "")


def test_fixture_is_what_the_builder_makes_from_the_tsv(tsv_rows):
    labels = read_labels(Path(settings.BASE_DIR, "fixtures", "helpline_labels.json"))
    assert json.loads(FIXTURE.read_text(encoding="utf-8")) == fixture_records(tsv_rows, labels)


def test_the_verified_list_the_fixture_is_built_from_is_kept_in_the_project():
    """A fresh clone needs nothing beside it to build the fixture or to test it."""
    assert settings.REFLECT_HELPLINES_TSV == PROJECT_TSV
    assert PROJECT_TSV.is_file()


def test_the_builder_reads_the_project_copy_by_default(tmp_path):
    rebuilt = tmp_path / "helplines.json"
    call_command("build_helplines_fixture", out=rebuilt, verbosity=0)
    assert rebuilt.read_bytes() == FIXTURE.read_bytes()


@pytest.mark.skipif(
    not SHARED_TSV.exists(),
    reason=f"no ../shared beside this clone ({SHARED_TSV}) to compare fixtures/helplines.tsv with",
)
def test_the_project_copy_is_the_shared_verified_list():
    assert PROJECT_TSV.read_bytes() == SHARED_TSV.read_bytes(), (
        "fixtures/helplines.tsv is not the same as ../shared/reference/helplines-verified.tsv. Copy it over "
        "(cp ../shared/reference/helplines-verified.tsv fixtures/helplines.tsv), rebuild the fixture "
        "(.venv/bin/python manage.py build_helplines_fixture) and read the change to fixtures/helplines.json."
    )


@pytest.mark.django_db
def test_loading_helplines_removes_a_number_taken_out_of_the_list():
    Helpline.objects.create(
        country="GB",
        kind=Helpline.CRISIS,
        service_name="A line no longer listed",
        source_url="https://example.org/",
        evidence_quote="-",
        confidence="verified",
    )
    call_command("load_helplines", verbosity=0)
    assert not Helpline.objects.filter(service_name="A line no longer listed").exists()
    assert Helpline.objects.count() == len(json.loads(FIXTURE.read_text(encoding="utf-8")))


@pytest.mark.django_db
def test_helplines_come_grouped_in_the_order_a_person_in_trouble_needs_them():
    groups = Helpline.objects.by_kind("GB")
    assert [(kind, label) for kind, label, _ in groups] == Helpline.KIND_CHOICES
    assert all(line.country == "GB" and line.kind == kind for kind, _, lines in groups for line in lines)
    assert sum(len(lines) for _, _, lines in groups) == Helpline.objects.filter(country="GB").count()
    assert [lines for _, _, lines in Helpline.objects.by_kind("INTL")] == [[], [], []]


def imported_modules(path):
    """Every module a Python file imports, relative ones written as `.name`."""
    names = []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            names += [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            module = "." * node.level + (node.module or "")
            names += [module] + [f"{module}.{alias.name}" for alias in node.names]
    return names


def test_no_view_imports_a_context_processor():
    """Context processors feed templates; what views share with them lives beside the data."""
    views = [
        path
        for path in Path(settings.BASE_DIR, "reflect").rglob("*.py")
        if path.name == "views.py" or path.parent.name == "views"
    ]
    assert views
    offenders = [f"{path}: {name}" for path in views for name in imported_modules(path) if "context_processors" in name]
    assert not offenders


def test_unverified_rows_are_left_out(tsv_rows, fixture_rows):
    unverified = [row for row in tsv_rows if not is_verified(row["confidence"])]
    assert unverified, "the TSV has 'likely' rows; they must never be shown as numbers"
    shown = {(row["region"] or row["country"], row["service_name"]) for row in fixture_rows}
    for row in unverified:
        assert (row["country_code"], row["service_name"]) not in shown


def test_every_number_we_link_is_written_in_its_tsv_row(tsv_rows, fixture_rows):
    by_key = {(row["country_code"], row["service_name"]): row for row in tsv_rows}
    for stored in fixture_rows:
        source = by_key[(stored["region"] or stored["country"], stored["service_name"])]
        field = {"tel": "phone", "sms": "text_or_chat"}
        for contact in stored["contacts"]:
            written = digits(source[field[contact["scheme"]]])
            assert contact["number"] and contact["number"] in written, (stored["service_name"], contact)
            assert contact["display"] in source[field[contact["scheme"]]]


def test_every_verified_row_with_a_phone_has_a_tel_link(fixture_rows):
    for stored in fixture_rows:
        if stored["phone"]:
            assert any(contact["scheme"] == "tel" for contact in stored["contacts"]), stored["service_name"]


@pytest.mark.parametrize(
    "written, expected",
    [
        ("1-800-799-7233 (800-799-SAFE); TTY 1-800-787-3224", [("18007997233", ""), ("18007873224", "TTY")]),
        ("10111 / 10177 / 112", [("10111", ""), ("10177", ""), ("112", "")]),
        ("112 or 999", [("112", ""), ("999", "")]),
        ("7827170170; short code 14490", [("7827170170", ""), ("14490", "short code")]),
        ("0800 733 843 (0800 REFUGE)", [("0800733843", "")]),
        ("—", []),
    ],
)
def test_phone_numbers_are_read_out_of_the_source_text(written, expected):
    assert [(c["number"], c["label"]) for c in phone_contacts(written)] == expected


def test_a_phone_field_we_cannot_read_stops_the_build():
    with pytest.raises(ValueError):
        phone_contacts("call the office")


@pytest.mark.parametrize(
    "written, expected",
    [
        ("Text START to 88788; live chat at thehotline.org", [("88788", "START")]),
        ("Text 438-601-1211 (2:30pm–10pm)", [("4386011211", "")]),
        ("SMS 0458 737 732; webchat", [("0458737732", "")]),
        ("WhatsApp 600 000 016 (messages only)", []),
        ("Chat and email at hilfetelefon.de; 18 languages", []),
    ],
)
def test_text_numbers_are_read_out_of_the_source_text(written, expected):
    assert [(c["number"], c["body"]) for c in text_contacts(written)] == expected


@pytest.mark.django_db
@pytest.mark.parametrize("country", sorted(COUNTRY_NAMES))
def test_footer_shows_every_verified_number_for_the_chosen_country(client, country):
    client.cookies[COUNTRY_COOKIE] = country
    html = client.get(reverse("learn:contents")).content.decode()
    footer = html[html.index('class="safety-footer"') :]
    lines = Helpline.objects.filter(country=country)
    assert lines.filter(kind=Helpline.EMERGENCY).exists()
    for line in lines:
        for contact in line.contacts:
            assert f'href="{contact["scheme"]}:{contact["number"]}' in footer, (country, contact)
    other_numbers = set(re.findall(r'href="tel:(\d+)"', footer)) - {
        contact["number"] for line in lines for contact in line.contacts
    }
    assert not other_numbers, f"numbers from elsewhere in the {country} footer: {other_numbers}"


@pytest.mark.django_db
def test_text_links_carry_the_keyword(client):
    client.cookies[COUNTRY_COOKIE] = "GB"
    html = client.get(reverse("learn:contents")).content.decode()
    assert 'href="sms:85258?body=SHOUT"' in html


@pytest.mark.django_db
def test_help_page_keeps_the_source_and_confidence(client):
    client.cookies[COUNTRY_COOKIE] = "US"
    html = client.get(reverse("safety:help")).content.decode()
    for line in Helpline.objects.filter(country="US"):
        assert line.source_url.replace("&", "&amp;") in html
    assert "(verified)" in html


@pytest.mark.parametrize(
    "header, expected",
    [
        ("en-GB,en;q=0.9", "GB"),
        ("en-US", "US"),
        ("en-UK", "GB"),
        ("fr;q=0.5, en-AU;q=0.8", "AU"),
        ("de", "DE"),
        ("en", ""),
        ("pt-BR", ""),
        ("", ""),
        ("en-GB;q=nonsense, nl-NL;q=0.1", "NL"),
    ],
)
def test_country_is_guessed_from_accept_language(header, expected):
    assert country_from_accept_language(header) == expected


@pytest.mark.django_db
class TestChoosingACountry:
    def test_international_fallback_when_nothing_is_known(self, client):
        html = client.get(reverse("learn:contents")).content.decode()
        assert settings.REFLECT_HELPLINE_DIRECTORY_URL in html
        assert "call your local emergency number" in html
        assert 'href="tel:' not in html

    def test_directory_link_is_offered_in_every_country(self, client):
        client.cookies[COUNTRY_COOKIE] = "NZ"
        html = client.get(reverse("learn:contents")).content.decode()
        assert f'href="{settings.REFLECT_HELPLINE_DIRECTORY_URL}" rel="noreferrer noopener"' in html

    def test_setting_gives_the_default(self, client, settings):
        settings.REFLECT_DEFAULT_COUNTRY = "IE"
        html = client.get(reverse("learn:contents"), HTTP_ACCEPT_LANGUAGE="en-GB").content.decode()
        assert "Help now: Ireland" in html

    def test_cookie_beats_the_setting_and_the_browser(self, client, settings):
        settings.REFLECT_DEFAULT_COUNTRY = "IE"
        client.cookies[COUNTRY_COOKIE] = "ZA"
        html = client.get(reverse("learn:contents"), HTTP_ACCEPT_LANGUAGE="en-GB").content.decode()
        assert "Help now: South Africa" in html

    def test_an_unknown_cookie_falls_back_cleanly(self, client):
        client.cookies[COUNTRY_COOKIE] = "XX<script>"
        response = client.get(reverse("learn:contents"), HTTP_ACCEPT_LANGUAGE="en-AU")
        assert response.status_code == 200
        assert "Help now: Australia" in response.content.decode()

    def test_choosing_a_country_remembers_it_and_goes_back(self, client):
        response = client.post(reverse("safety:country"), {"country": "ca", "next": "/reflect/"})
        assert response.status_code == 303
        assert response["Location"] == "/reflect/"
        cookie = response.cookies[COUNTRY_COOKIE]
        assert cookie.value == "CA"
        assert cookie["httponly"]
        html = client.get("/reflect/").content.decode()
        assert "Help now: Canada" in html

    def test_an_unknown_country_shows_the_international_help(self, client):
        response = client.post(reverse("safety:country"), {"country": "QQ", "next": "/"}, follow=True)
        assert response.status_code == 200
        html = response.content.decode()
        assert "checked numbers for that place" in html
        assert settings.REFLECT_HELPLINE_DIRECTORY_URL in html

    def test_next_cannot_send_the_person_to_another_site(self, client):
        for target in ("https://example.com/", "//example.com/", "javascript:alert(1)", ""):
            response = client.post(reverse("safety:country"), {"country": "GB", "next": target})
            assert response["Location"] == "/", target

    def test_country_can_only_be_changed_by_post(self, client):
        assert client.get(reverse("safety:country")).status_code == 405
