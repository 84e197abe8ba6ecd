from django.urls import path

from . import views

app_name = "learn"
urlpatterns = [
    path("", views.contents, name="contents"),
    path("learn/references/", views.references, name="references"),
    path("learn/<slug:slug>/", views.section, name="section"),
]
