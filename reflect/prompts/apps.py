from django.apps import AppConfig


class PromptsConfig(AppConfig):
    name = "reflect.prompts"
    verbose_name = "Reflection prompts"
