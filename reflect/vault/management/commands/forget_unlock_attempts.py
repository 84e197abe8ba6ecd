from typing import Any

from django.core.management.base import BaseCommand

from reflect.vault.models import Throttle


class Command(BaseCommand):
    help = "Deletes counts of wrong passphrases untouched for a day (make run does this before serving)."

    def handle(self, *args: Any, **options: Any) -> None:
        forgotten = Throttle.forget_stale()
        if options["verbosity"] > 1:
            self.stdout.write(f"Forgot {forgotten} old counts.")
