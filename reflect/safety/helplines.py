"""Reads the verified helplines TSV and works out which numbers can be dialled or texted.

The TSV is fixtures/helplines.tsv, the project's copy of shared/reference/helplines-verified.tsv.
The fixture in fixtures/helplines.json is built from it by `manage.py build_helplines_fixture`,
worded by fixtures/helpline_labels.json; tests read the TSV again to prove the two agree.
Only rows whose confidence starts with "verified" are kept: we never show a number
we cannot point to a source for.
"""

import csv
import re
from collections.abc import Iterable
from pathlib import Path
from typing import Any

from .helpline_labels import NO_LABELS, Labels, check_every_label_is_used, label_fields

COUNTRY_NAMES = {
    "AU": "Australia",
    "CA": "Canada",
    "DE": "Germany",
    "ES": "Spain",
    "FR": "France",
    "GB": "United Kingdom",
    "IE": "Ireland",
    "IN": "India",
    "NL": "Netherlands",
    "NZ": "New Zealand",
    "US": "United States",
    "ZA": "South Africa",
}

KINDS = ("emergency", "domestic_abuse", "crisis")
NOTHING = {"", "—", "-"}

_DIALABLE = re.compile(r"^\+?\d[\d \-]*\d$|^\d$")
_LABELLED = re.compile(r"^(?P<label>TTY|short code)\s+(?P<number>.+)$", re.IGNORECASE)
_TEXT = re.compile(
    r"^(?:text|sms)\s+(?:(?P<body>[A-Z]+)\s+to\s+)?(?P<number>\d[\d \-]*\d|\d)\b",
    re.IGNORECASE,
)


def is_verified(confidence: str) -> bool:
    return confidence.strip().lower().startswith("verified")


def read_rows(path: str | Path) -> list[dict[str, str]]:
    with open(path, encoding="utf-8", newline="") as tsv:
        return list(csv.DictReader(tsv, delimiter="\t", quoting=csv.QUOTE_NONE))


def digits(number: str) -> str:
    return re.sub(r"[^\d+]", "", number)


def phone_contacts(phone: str) -> list[dict[str, str]]:
    """'1-800-799-7233 (800-799-SAFE); TTY 1-800-787-3224' -> two tel: contacts."""
    if phone.strip() in NOTHING:
        return []
    contacts = []
    for part in re.split(r";|\s/\s|\sor\s", phone):
        part = re.sub(r"\([^)]*\)", "", part).strip()
        label = ""
        labelled = _LABELLED.match(part)
        if labelled:
            label, part = labelled["label"], labelled["number"].strip()
        if not _DIALABLE.match(part):
            raise ValueError(f"cannot read a phone number out of {part!r} in {phone!r}")
        contacts.append({"scheme": "tel", "number": digits(part), "display": part, "label": label})
    return contacts


def text_contacts(text_or_chat: str) -> list[dict[str, str]]:
    """'Text START to 88788; live chat at thehotline.org' -> one sms: contact with its keyword."""
    contacts = []
    for part in text_or_chat.split(";"):
        texting = _TEXT.match(part.strip())
        if texting:
            number = texting["number"].strip()
            contacts.append(
                {
                    "scheme": "sms",
                    "number": digits(number),
                    "display": number,
                    "label": "Text",
                    "body": texting["body"] or "",
                }
            )
    return contacts


def fixture_records(rows: Iterable[dict[str, str]], labels: Labels = NO_LABELS) -> list[dict[str, Any]]:
    """One record per verified row, worded by `labels` (see reflect.safety.helpline_labels)."""
    verified = [row for row in rows if is_verified(row["confidence"])]
    check_every_label_is_used(verified, labels)
    records = []
    for row in verified:
        code = row["country_code"].strip()
        country = code.split("-")[0]
        if country not in COUNTRY_NAMES or row["kind"] not in KINDS:
            raise ValueError(f"unexpected helpline row: {code} {row['kind']}")
        records.append(
            {
                "model": "safety.helpline",
                "pk": len(records) + 1,
                "fields": {
                    "country": country,
                    "region": code if code != country else "",
                    "kind": row["kind"],
                    "service_name": row["service_name"],
                    "phone": "" if row["phone"].strip() in NOTHING else row["phone"],
                    "text_or_chat": "" if row["text_or_chat"].strip() in NOTHING else row["text_or_chat"],
                    "hours": "" if row["hours"].strip() in NOTHING else row["hours"],
                    **label_fields(row, phone_contacts(row["phone"]) + text_contacts(row["text_or_chat"]), labels),
                    "source_url": row["source_url"],
                    "evidence_quote": row["evidence_quote"],
                    "confidence": row["confidence"],
                },
            }
        )
    return records


def country_from_accept_language(header: str) -> str:
    """First language tag, by preference, that names one of our countries."""
    by_language = {"de": "DE", "fr": "FR", "es": "ES", "nl": "NL"}
    weighted = []
    for position, item in enumerate(header.split(",")):
        tag, _, params = item.strip().partition(";")
        quality = 1.0
        if params.strip().startswith("q="):
            try:
                quality = float(params.strip()[2:])
            except ValueError:
                quality = 0.0
        weighted.append((-quality, position, tag.strip()))
    for _, _, tag in sorted(weighted):
        language, _, region = tag.replace("_", "-").partition("-")
        region = region.split("-")[-1].upper() if region else ""
        if region == "UK":
            region = "GB"
        if region in COUNTRY_NAMES:
            return region
        if not region and language.lower() in by_language:
            return by_language[language.lower()]
    return ""
