from django.urls import path

from contacts import views

app_name = "contacts"

urlpatterns = [
    path("", views.contact_list, name="contact-list"),
    path("new/", views.contact_create, name="contact-create"),
    path("<int:pk>/", views.contact_detail, name="contact-detail"),
    path("<int:pk>/edit/", views.contact_edit, name="contact-edit"),
    path("<int:pk>/archive/", views.contact_archive, name="contact-archive"),
    path("<int:pk>/restore/", views.contact_restore, name="contact-restore"),
    path(
        "<int:pk>/affiliations/new/",
        views.affiliation_create,
        name="affiliation-create",
    ),
    path("affiliations/<int:pk>/end/", views.affiliation_end, name="affiliation-end"),
    path(
        "<int:pk>/relationships/new/",
        views.relationship_create,
        name="relationship-create",
    ),
    path("organizations/", views.organization_list, name="organization-list"),
    path("organizations/new/", views.organization_create, name="organization-create"),
    path(
        "organizations/<int:pk>/",
        views.organization_detail,
        name="organization-detail",
    ),
    path(
        "organizations/<int:pk>/edit/",
        views.organization_edit,
        name="organization-edit",
    ),
    path(
        "organizations/<int:pk>/archive/",
        views.organization_archive,
        name="organization-archive",
    ),
]
