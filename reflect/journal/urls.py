from django.urls import path

from .views import drafts, entries, looking_back, portability, safety_plan, writing

app_name = "journal"
urlpatterns = [
    path("", entries.entry_list, name="list"),
    path("write/", writing.write, name="write"),
    path("entries/<uuid:pk>/", entries.entry_detail, name="detail"),
    path("entries/<uuid:pk>/edit/", writing.edit, name="edit"),
    path("entries/<uuid:pk>/delete/", entries.delete, name="delete"),
    path("drafts/save/", drafts.autosave, name="autosave"),
    path("drafts/save-and-lock/", drafts.keep_draft_and_lock, name="keep_draft_and_lock"),
    path("drafts/save-and-leave/", drafts.keep_draft_and_lock, {"leaving": True}, name="keep_draft_and_leave"),
    path("drafts/<uuid:pk>/discard/", drafts.discard_draft, name="discard_draft"),
    path("export/", portability.export, name="export"),
    path("export/journal.json", portability.export_json, name="export_json"),
    path("export/journal.md", portability.export_markdown, name="export_markdown"),
    path("print/", portability.print_view, name="print"),
    path("import/", portability.import_upload, name="import"),
    path("import/<uuid:pk>/confirm/", portability.import_confirm, name="import_confirm"),
    path("import/<uuid:pk>/cancel/", portability.import_cancel, name="import_cancel"),
    path("delete-everything/", portability.delete_everything, name="delete_everything"),
    path("what-we-store/", portability.what_we_store, name="what_we_store"),
    path("looking-back/", looking_back.looking_back, name="looking_back"),
    path("safety-plan/", safety_plan.safety_plan, name="safety_plan"),
    path("safety-plan/print/", safety_plan.safety_plan_print, name="safety_plan_print"),
]
