"""How each verified helpline is worded for a person, from fixtures/helpline_labels.json.

The TSV gives the numbers, sources and evidence, and must stay a copy of the shared verified list,
so it is never edited here. The labels file, which a clinician can review and edit, adds what a
person needs to choose a line: a clearer name where the TSV's is unclear, who the service is for,
whether contacting it is free, and words that explain an abbreviation. It holds no numbers.

A label is checked when the fixture is built: it must name a verified row, and a line is only
called free with the words that say so, quoted from that row's evidence or from its source page.
"""

import json
from pathlib import Path
from typing import Any, TypedDict

EVIDENCE_QUOTE = "evidence_quote"


class ServiceLabel(TypedDict, total=False):
    country_code: str
    service_name: str
    shown_name: str
    for_whom: str
    cost: str
    cost_evidence: str
    cost_evidence_in: str  # "evidence_quote", or the row's source_url when the words are on that page
    checked: str


class Labels(TypedDict):
    contact_labels: dict[str, str]
    services: dict[tuple[str, str], ServiceLabel]


NO_LABELS: Labels = {"contact_labels": {}, "services": {}}


def read_labels(path: str | Path) -> Labels:
    data = json.loads(Path(path).read_text(encoding="utf-8"))
    services = {(entry["country_code"], entry["service_name"]): entry for entry in data["services"]}
    return {"contact_labels": data.get("contact_labels", {}), "services": services}


def label_fields(row: dict[str, str], contacts: list[dict[str, str]], labels: Labels) -> dict[str, Any]:
    """The shown name, audience and cost of one verified row, and its contacts with labels explained."""
    label = labels["services"].get((row["country_code"].strip(), row["service_name"]), {})
    cost = label.get("cost", "")
    if cost:
        check_cost_evidence(row, label)
    explained = [
        {**contact, "label": labels["contact_labels"].get(contact["label"], contact["label"])} for contact in contacts
    ]
    return {
        "shown_name": label.get("shown_name", ""),
        "for_whom": label.get("for_whom", ""),
        "cost": cost,
        "contacts": explained,
    }


def check_cost_evidence(row: dict[str, str], label: ServiceLabel) -> None:
    said, where = label.get("cost_evidence", ""), label.get("cost_evidence_in", "")
    if where == EVIDENCE_QUOTE and said and said in row["evidence_quote"]:
        return
    if where == row["source_url"] and said:
        return
    raise ValueError(
        f"{row['service_name']}: {label['cost']!r} needs the words that say so, from its evidence_quote "
        f"or its source page ({said!r} in {where!r})"
    )


def check_every_label_is_used(rows: list[dict[str, str]], labels: Labels) -> None:
    """A label for a row that is not in the verified list is a typo or an old line: stop the build."""
    known = {(row["country_code"].strip(), row["service_name"]) for row in rows}
    unknown = [f"{code}: {name}" for code, name in labels["services"] if (code, name) not in known]
    if unknown:
        raise ValueError(f"labels for helplines not in the verified list: {', '.join(unknown)}")
