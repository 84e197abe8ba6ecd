import json
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser

from reflect.safety.helpline_labels import read_labels
from reflect.safety.helplines import fixture_records, read_rows


class Command(BaseCommand):
    help = (
        "Rebuild fixtures/helplines.json from the verified helplines TSV (verified rows only), "
        "worded by fixtures/helpline_labels.json."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--tsv", type=Path, default=settings.REFLECT_HELPLINES_TSV)
        parser.add_argument("--labels", type=Path, default=settings.BASE_DIR / "fixtures" / "helpline_labels.json")
        parser.add_argument("--out", type=Path, default=settings.BASE_DIR / "fixtures" / "helplines.json")

    def handle(self, *args: Any, tsv: Path, labels: Path, out: Path, **options: Any) -> None:
        try:
            records = fixture_records(read_rows(tsv), read_labels(labels))
        except (OSError, ValueError, KeyError) as error:
            raise CommandError(f"could not build the helplines from {tsv} and {labels}: {error}") from error
        out.write_text(json.dumps(records, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
        self.stdout.write(f"wrote {len(records)} verified helplines to {out}")
