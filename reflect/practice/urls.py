from django.urls import path

from .views import joining, therapist

app_name = "practice"
urlpatterns = [
    path("", therapist.dashboard, name="dashboard"),
    path("assignments/new/", therapist.new_assignment, name="new_assignment"),
    path("assignments/<uuid:pk>/", therapist.assignment_detail, name="assignment"),
    path("assignments/<uuid:pk>/worksheet/", therapist.worksheet, name="worksheet"),
    path("assignments/<uuid:pk>/code.txt", therapist.portable_file, name="portable_file"),
    path("assignments/<uuid:pk>/revoke/", therapist.revoke, name="revoke"),
    path("clients/<int:user_id>/", therapist.client_detail, name="client"),
    # One name for both: reverse("practice:join", args=[code]) is the link a therapist gives,
    # reverse("practice:join") is where its page posts, with the code in the form's body.
    path("join/", joining.join, name="join"),
    path("join/<str:code>/", joining.join_link, name="join"),
]
