from django.urls import path

from . import views

app_name = "journal"
urlpatterns = [
    path("", views.entry_list, name="list"),
    path("write/", views.write, name="write"),
    path("entries/<uuid:pk>/", views.entry_detail, name="detail"),
    path("entries/<uuid:pk>/edit/", views.edit, name="edit"),
    path("entries/<uuid:pk>/delete/", views.delete, name="delete"),
    path("drafts/save/", views.autosave, name="autosave"),
    path("drafts/save-and-lock/", views.keep_draft_and_lock, name="keep_draft_and_lock"),
    path("drafts/save-and-leave/", views.keep_draft_and_lock, {"leaving": True}, name="keep_draft_and_leave"),
    path("drafts/<uuid:pk>/discard/", views.discard_draft, name="discard_draft"),
    path("export/", views.export, name="export"),
    path("export/journal.json", views.export_json, name="export_json"),
    path("export/journal.md", views.export_markdown, name="export_markdown"),
    path("print/", views.print_view, name="print"),
    path("import/", views.import_upload, name="import"),
    path("import/<uuid:pk>/confirm/", views.import_confirm, name="import_confirm"),
    path("import/<uuid:pk>/cancel/", views.import_cancel, name="import_cancel"),
    path("delete-everything/", views.delete_everything, name="delete_everything"),
    path("what-we-store/", views.what_we_store, name="what_we_store"),
    path("from-therapist/add/", views.add_assignment, name="add_assignment"),
    path("from-therapist/<uuid:pk>/status/", views.assignment_status, name="assignment_status"),
    path("entries/<uuid:pk>/share/", views.share, name="share"),
    path("entries/<uuid:pk>/share/<uuid:share_id>/stop/", views.unshare, name="unshare"),
]
