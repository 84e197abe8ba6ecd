"""How each verified helpline is worded for a person (issue 11, section 6).

The numbers come only from fixtures/helplines.tsv. fixtures/helpline_labels.json, which a clinician
can edit, says who a service is for, whether it is free (only where its source says so), and
explains abbreviations. These tests read the TSV and the labels file, never a number of their own.
"""

import json
import re
from pathlib import Path

import pytest
from django.conf import settings
from django.urls import reverse

from reflect.safety.helpline_labels import read_labels
from reflect.safety.helplines import fixture_records, is_verified, read_rows
from reflect.safety.models import Helpline
from reflect.safety.shell import COUNTRY_COOKIE

LABELS = Path(settings.BASE_DIR, "fixtures", "helpline_labels.json")
FIXTURE = Path(settings.BASE_DIR, "fixtures", "helplines.json")
# Words a source uses to say a line costs nothing to contact, in the TSV's languages.
FREE_WORDS = re.compile(r"free|gratis|gratuit|kostenfrei|kostenlos|gratuito", re.IGNORECASE)
# Words in a service's name or its evidence that say it is there for women.
WOMEN_WORDS = re.compile(r"\bwomen|frauen|femmes|mujeres", re.IGNORECASE)


@pytest.fixture(scope="module")
def verified_rows():
    return [row for row in read_rows(settings.REFLECT_HELPLINES_TSV) if is_verified(row["confidence"])]


@pytest.fixture(scope="module")
def shown():
    """What the fixture holds for each verified row, keyed as the TSV names it."""
    records = [record["fields"] for record in json.loads(FIXTURE.read_text(encoding="utf-8"))]
    return {(fields["region"] or fields["country"], fields["service_name"]): fields for fields in records}


def words_a_person_reads(fields):
    """Everything the footer or the help page shows about a line, apart from the raw TSV columns."""
    contacts = " ".join(f"{contact['label']} {contact['display']}" for contact in fields["contacts"])
    return " ".join([fields["shown_name"] or fields["service_name"], fields["for_whom"], fields["cost"], contacts])


def key(row):
    return (row["country_code"], row["service_name"])


def test_the_fixture_is_built_with_the_labels(verified_rows):
    records = fixture_records(verified_rows, read_labels(LABELS))
    assert json.loads(FIXTURE.read_text(encoding="utf-8")) == records


def test_services_for_women_say_so(verified_rows, shown):
    """A line whose name says it is a women's service, or whose source says it helps women, is marked."""
    for_women = {
        key(row)
        for row in verified_rows
        if row["kind"] == "domestic_abuse" and WOMEN_WORDS.search(row["service_name"] + " " + row["source_url"])
    }
    assert len(for_women) >= 5, "Women's Aid, Women's Refuge, the Women Helpline, NCW, Hilfetelefon, 3919"
    for name in for_women:
        assert shown[name]["for_whom"].startswith("for women"), name
    # And Refuge's helpline in England, whose source speaks of "women experiencing domestic abuse".
    assert shown[("GB-ENG", "National Domestic Abuse Helpline (Refuge), England")]["for_whom"] == "for women"


def test_no_line_is_called_free_unless_its_source_says_so(verified_rows, shown):
    for row in verified_rows:
        fields = shown[key(row)]
        if FREE_WORDS.search(fields["cost"]):
            label = read_labels(LABELS)["services"][key(row)]
            said = label["cost_evidence"]
            assert said and FREE_WORDS.search(said), (key(row), said)
            if label["cost_evidence_in"] == "evidence_quote":
                assert said in row["evidence_quote"], (key(row), said)
            else:
                assert label["cost_evidence_in"] == row["source_url"], key(row)


@pytest.mark.django_db
def test_the_help_page_no_longer_calls_every_service_free(client):
    client.cookies[COUNTRY_COOKIE] = "US"
    html = client.get(reverse("safety:help")).content.decode()
    assert "These services are free" not in html
    # No United States row's source says it is free, so no US line is labelled free.
    assert "Free to" not in html


def test_the_builder_refuses_a_free_label_its_evidence_does_not_back(verified_rows, tmp_path):
    labels = json.loads(LABELS.read_text(encoding="utf-8"))
    samaritans = next(entry for entry in labels["services"] if entry["service_name"] == "Samaritans Ireland")
    samaritans["cost_evidence"] = "calls cost nothing"
    bad = tmp_path / "labels.json"
    bad.write_text(json.dumps(labels), encoding="utf-8")
    with pytest.raises(ValueError, match="Samaritans Ireland"):
        fixture_records(verified_rows, read_labels(bad))


def test_a_label_for_a_line_not_in_the_verified_list_stops_the_build(verified_rows, tmp_path):
    labels = json.loads(LABELS.read_text(encoding="utf-8"))
    labels["services"].append({"country_code": "GB", "service_name": "A line nobody checked", "for_whom": "for women"})
    bad = tmp_path / "labels.json"
    bad.write_text(json.dumps(labels), encoding="utf-8")
    with pytest.raises(ValueError, match="A line nobody checked"):
        fixture_records(verified_rows, read_labels(bad))


def test_abbreviations_are_explained(shown):
    text_phones = [
        contact for fields in shown.values() for contact in fields["contacts"] if contact["label"].startswith("TTY")
    ]
    assert text_phones, "the US hotline has a TTY number"
    assert all("text phone" in contact["label"] for contact in text_phones)
    for fields in shown.values():
        words = words_a_person_reads(fields)
        if "SAMU" in words:
            assert re.search(r"SAMU 15 \([^)]*medical", words), words
        if re.search(r"\bTTY\b", words):
            assert "text phone" in words, words


def test_canada_promises_no_number_it_does_not_give(shown):
    name = shown[("CA", "Emergency services (where there is no 911, the local police number)")]["shown_name"]
    assert name and "the local police number" not in name
    assert "911" in name


def test_south_africa_10177_is_the_ambulance_line_as_its_source_says(verified_rows, shown):
    row = next(row for row in verified_rows if row["country_code"] == "ZA" and row["kind"] == "emergency")
    assert "10177, the ambulance hotline" in row["evidence_quote"]
    name = shown[key(row)]["shown_name"]
    assert "ambulance 10177" in name and "fire" not in name


@pytest.mark.django_db
def test_refuge_shows_no_stray_confidence_note(client):
    client.cookies[COUNTRY_COOKIE] = "GB"
    html = client.get(reverse("safety:help")).content.decode()
    assert "chat hours: likely" not in html
    assert "(verified (" not in html
    assert html.count("(verified)") == Helpline.objects.filter(country="GB").count()
