"""An event's sign-in sheet import and roster and attendance exports."""

from django.urls import path

from events import views_data

app_name = "event_data"

urlpatterns = [
    path("import/", views_data.attendance_import, name="attendance-import"),
    path("export/<str:which>/", views_data.event_export, name="event-export"),
]
