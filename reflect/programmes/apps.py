from django.apps import AppConfig


class ProgrammesConfig(AppConfig):
    name = "reflect.programmes"
    verbose_name = "Programmes"
