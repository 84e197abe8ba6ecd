from django.urls import include, path

urlpatterns = [
    path("", include("reflect.learn.urls")),
    path("reflect/programmes/", include("reflect.programmes.urls")),
    path("reflect/", include("reflect.prompts.urls")),
    path("journal/", include("reflect.journal.urls")),
    path("journal/", include("reflect.vault.urls")),
    path("journal/", include("reflect.practice.client_urls")),
    path("practice/", include("reflect.practice.urls")),
    path("", include("reflect.safety.urls")),
]

handler400 = "reflect.safety.views.bad_request"
handler403 = "reflect.safety.views.permission_denied"
handler404 = "reflect.safety.views.page_not_found"
handler500 = "reflect.safety.views.server_error"
