from typing import Any

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand
from django.db import transaction

from reflect.safety.models import Helpline


class Command(BaseCommand):
    help = "Load the crisis numbers from fixtures/helplines.json, replacing every older copy."

    def handle(self, *args: Any, **options: Any) -> None:
        with transaction.atomic():
            # A number taken out of the verified list must disappear, not linger from an old load.
            Helpline.objects.all().delete()
            call_command(
                "loaddata", str(settings.BASE_DIR / "fixtures" / "helplines.json"), verbosity=options["verbosity"]
            )
