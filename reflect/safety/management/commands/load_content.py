from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand
from django.db import transaction

from reflect.safety.models import Helpline

CONTENT_FIXTURES = ["learn.json", "prompts.json", "helplines.json"]


class Command(BaseCommand):
    help = "Load the material, prompts and helplines from fixtures/, replacing older copies."

    def handle(self, *args, **options):
        paths = [str(settings.BASE_DIR / "fixtures" / name) for name in CONTENT_FIXTURES]
        with transaction.atomic():
            # A number taken out of the verified list must disappear, not linger from an old load.
            Helpline.objects.all().delete()
            call_command("loaddata", *paths, verbosity=options["verbosity"])
