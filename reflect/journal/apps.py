from django.apps import AppConfig


class JournalConfig(AppConfig):
    name = "reflect.journal"
    verbose_name = "Journal"
