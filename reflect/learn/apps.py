from django.apps import AppConfig


class LearnConfig(AppConfig):
    name = "reflect.learn"
    verbose_name = "Learn"
