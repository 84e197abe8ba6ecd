from django.urls import path

from . import views

app_name = "vault"
urlpatterns = [
    path("setup/", views.setup, name="setup"),
    path("setup/saved/", views.recovery_key_saved, name="recovery_key_saved"),
    path("unlock/", views.unlock, name="unlock"),
    path("lock/", views.lock, name="lock"),
    path("recover/", views.recover, name="recover"),
    path("settings/", views.settings_page, name="settings"),
    path("settings/passphrase/", views.change_passphrase, name="change_passphrase"),
    path("settings/recovery-key/", views.new_recovery_key, name="new_recovery_key"),
]
