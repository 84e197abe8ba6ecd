from django.apps import AppConfig


class JournalConfig(AppConfig):
    name = "reflect.journal"
    verbose_name = "Journal"

    def ready(self) -> None:
        from reflect.vault.session import unlocked

        from .answers import seal_legacy_prompts

        unlocked.connect(seal_legacy_prompts, dispatch_uid="journal.seal_legacy_prompts")
