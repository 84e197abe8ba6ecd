from django.urls import path

from . import views

app_name = "prompts"
urlpatterns = [
    path("", views.library, name="library"),
    path("ground/", views.ground, name="ground"),
    path("topics/<slug:slug>/", views.dynamic, name="dynamic"),
    path("prompts/<slug:slug>/", views.prompt, name="prompt"),
]
