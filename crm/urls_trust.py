"""History, audit log, access reports and erasure."""

from django.urls import path

from crm import views_audit, views_privacy

app_name = "trust"

urlpatterns = [
    path("audit/", views_audit.audit_log, name="audit-log"),
    path(
        "history/<slug:model_name>/<int:pk>/",
        views_audit.record_history,
        name="history",
    ),
    path(
        "privacy/people/<int:pk>/access-report/",
        views_privacy.access_report,
        name="access-report",
    ),
    path(
        "privacy/people/<int:pk>/erase/",
        views_privacy.erase,
        name="erase",
    ),
]
