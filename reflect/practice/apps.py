from django.apps import AppConfig


class PracticeConfig(AppConfig):
    name = "reflect.practice"
    verbose_name = "Practice"
