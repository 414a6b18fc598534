from django.contrib import admin
from django.urls import include, path
from drf_spectacular.views import (
    SpectacularAPIView,
    SpectacularRedocView,
    SpectacularSwaggerView,
)

import contacts.api
import events.api
import reports.api
from crm import views
from crm.api import router

contacts.api.register(router)
reports.api.register(router)
events.api.register(router)

urlpatterns = [
    path("", views.home, name="home"),
    path("accounts/", include("django.contrib.auth.urls")),
    path("i18n/", include("django.conf.urls.i18n")),
    path("admin/", admin.site.urls),
    path("people/", include("contacts.urls")),
    path("reports/", include("reports.urls")),
    path("data/", include("contacts.urls_data")),
    path("events/<int:pk>/data/", include("events.urls_data")),
    path("", include("crm.urls_trust")),
    path("events/", include("events.urls")),
    path("s/", include("events.urls_public")),
    path("api/v1/", include(router.urls)),
    path("api/schema/", SpectacularAPIView.as_view(), name="api-schema"),
    path(
        "api/docs/",
        SpectacularSwaggerView.as_view(url_name="api-schema"),
        name="api-docs",
    ),
    path(
        "api/redoc/",
        SpectacularRedocView.as_view(url_name="api-schema"),
        name="api-redoc",
    ),
]
