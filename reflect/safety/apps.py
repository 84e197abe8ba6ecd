from django.apps import AppConfig


class SafetyConfig(AppConfig):
    name = "reflect.safety"
    verbose_name = "Safety"
