from django.urls import path

from reports import views, views_workbook

app_name = "reports"

urlpatterns = [
    path("", views.dashboard, name="dashboard"),
    path("baselines/", views.baseline_list, name="baseline-list"),
    path("baselines/import/", views.baseline_import, name="baseline-import"),
    path("baselines/import/confirm/", views.baseline_confirm, name="baseline-confirm"),
    path("baselines/<int:pk>/", views.baseline_detail, name="baseline-detail"),
    path("grants/", views.grant_list, name="grant-list"),
    path("grants/new/", views.grant_create, name="grant-create"),
    path("grants/<int:pk>/", views.grant_detail, name="grant-detail"),
    path("grants/<int:pk>/edit/", views.grant_edit, name="grant-edit"),
    path("grant-workbook/", views_workbook.grant_workbook, name="grant-workbook"),
]
