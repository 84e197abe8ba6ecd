from django.urls import path

from . import views

app_name = "practice"
urlpatterns = [
    path("", views.dashboard, name="dashboard"),
    path("assignments/new/", views.new_assignment, name="new_assignment"),
    path("assignments/<uuid:pk>/", views.assignment_detail, name="assignment"),
    path("assignments/<uuid:pk>/worksheet/", views.worksheet, name="worksheet"),
    path("assignments/<uuid:pk>/code.txt", views.portable_file, name="portable_file"),
    path("assignments/<uuid:pk>/revoke/", views.revoke, name="revoke"),
    path("clients/<int:user_id>/", views.client_detail, name="client"),
    # One name for both: reverse("practice:join", args=[code]) is the link a therapist gives,
    # reverse("practice:join") is where its page posts, with the code in the form's body.
    path("join/", views.join, name="join"),
    path("join/<str:code>/", views.join_link, name="join"),
]
