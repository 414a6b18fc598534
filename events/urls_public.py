"""The public self sign-in pages (no login): /s/<token>/."""

from django.urls import path

from events.views import public

urlpatterns = [
    path("<str:token>/", public.signin, name="public-signin"),
    path("<str:token>/thanks/", public.signin_thanks, name="public-signin-thanks"),
]
