from django.urls import path

from . import views

app_name = "programmes"
urlpatterns = [
    path("", views.programme_list, name="list"),
    path("<slug:slug>/", views.programme_detail, name="programme"),
    path("<slug:slug>/follow/", views.follow, name="follow"),
    path("<slug:slug>/stop/", views.stop, name="stop"),
]
