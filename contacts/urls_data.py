"""Import & export pages, mounted at /data/."""

from django.urls import path

from contacts import views_data

app_name = "data"

urlpatterns = [
    path("imports/", views_data.import_list, name="import-list"),
    path("imports/<int:pk>/", views_data.import_detail, name="import-detail"),
    path(
        "imports/<int:pk>/progress/",
        views_data.import_progress,
        name="import-progress",
    ),
    path("imports/<int:pk>/mapping/", views_data.import_mapping, name="import-mapping"),
    path("imports/<int:pk>/commit/", views_data.import_commit, name="import-commit"),
    path("imports/<int:pk>/undo/", views_data.import_undo, name="import-undo"),
    path("duplicates/", views_data.duplicate_list, name="duplicate-list"),
    path(
        "duplicates/<int:first>/<int:second>/",
        views_data.merge_view,
        name="merge",
    ),
    path(
        "duplicates/<int:first>/<int:second>/dismiss/",
        views_data.dismiss_view,
        name="dismiss",
    ),
    path("export/people/", views_data.contact_export, name="contact-export"),
]
