"""The client's side of working with a therapist lives inside their journal's addresses."""

from django.urls import path

from .views import client

app_name = "from_therapist"
urlpatterns = [
    path("from-therapist/add/", client.add_assignment, name="add"),
    path("from-therapist/<uuid:pk>/status/", client.assignment_status, name="status"),
    path("entries/<uuid:pk>/share/", client.share, name="share"),
    path("entries/<uuid:pk>/share/<uuid:share_id>/stop/", client.unshare, name="unshare"),
]
