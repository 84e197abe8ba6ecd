from django.apps import AppConfig


class VaultConfig(AppConfig):
    name = "reflect.vault"
    verbose_name = "Vault"
