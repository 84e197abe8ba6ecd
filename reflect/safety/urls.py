from django.urls import path

from . import views

app_name = "safety"
urlpatterns = [
    path("leave/", views.leave, name="leave"),
    path("notes/", views.neutral, name="neutral"),
    path("country/", views.set_country, name="country"),
    path("help/", views.get_help, name="help"),
    path("settings/", views.preferences_page, name="settings"),
    path("settings/set/", views.set_preference, name="set_preference"),
    path("cover-your-tracks/", views.cover_your_tracks, name="cover_your_tracks"),
]
