from typing import Any

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand
from django.db import transaction

from reflect.learn.models import ContentVersion

CONTENT_FIXTURES = ["learn.json", "prompts.json"]


class Command(BaseCommand):
    help = "Load the material, prompts, programmes and helplines from fixtures/, replacing older copies."

    def handle(self, *args: Any, **options: Any) -> None:
        paths = [str(settings.BASE_DIR / "fixtures" / name) for name in CONTENT_FIXTURES]
        with transaction.atomic():
            call_command("loaddata", *paths, verbosity=options["verbosity"])
            # Called by name, so learn never imports the apps that own the programmes and helplines.
            call_command("load_programmes", verbosity=options["verbosity"])
            call_command("load_helplines", verbosity=options["verbosity"])
            ContentVersion.count_up()
