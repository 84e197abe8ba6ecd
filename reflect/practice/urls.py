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
    path("join/<str:code>/", views.join, name="join"),
]
