from typing import Any

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand
from django.db import transaction

from reflect.programmes.models import Programme


class Command(BaseCommand):
    help = "Load the programmes from fixtures/programmes.json, replacing every older copy."

    def handle(self, *args: Any, **options: Any) -> None:
        with transaction.atomic():
            # A step or programme taken out of the file must disappear, not linger from an old load.
            # Nothing else points at these rows: who follows what is sealed, by slug.
            Programme.objects.all().delete()
            call_command(
                "loaddata", str(settings.BASE_DIR / "fixtures" / "programmes.json"), verbosity=options["verbosity"]
            )
