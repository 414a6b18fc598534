from django.urls import path

from events.views import checkin, events, listening, vocabulary, work

app_name = "events"

urlpatterns = [
    path("", events.event_list, name="event-list"),
    path("new/", events.event_create, name="event-create"),
    path("<int:pk>/", events.event_detail, name="event-detail"),
    path("<int:pk>/edit/", events.event_edit, name="event-edit"),
    path("<int:pk>/cancel/", events.event_cancel, name="event-cancel"),
    path("<int:pk>/roster/", events.event_roster, name="event-roster"),
    path("<int:pk>/sign-in/", events.event_signin_sheet, name="event-signin-sheet"),
    path(
        "<int:pk>/sign-in/reset/",
        events.event_reset_link,
        name="event-reset-link",
    ),
    path("<int:pk>/qr.<str:fmt>", events.event_qr, name="event-qr"),
    path("<int:pk>/check-in/", checkin.checkin, name="checkin"),
    path("<int:pk>/check-in/search/", checkin.checkin_search, name="checkin-search"),
    path("<int:pk>/check-in/mark/", checkin.checkin_mark, name="checkin-mark"),
    path("<int:pk>/check-in/walk-in/", checkin.checkin_walk_in, name="checkin-walk-in"),
    path(
        "attendance/<int:pk>/remove/",
        checkin.attendance_remove,
        name="attendance-remove",
    ),
    path("sign-ins-to-review/", checkin.pending_list, name="attendance-pending"),
    path(
        "attendance/<int:pk>/review/",
        checkin.pending_review,
        name="attendance-review",
    ),
    path("<int:pk>/comments/", listening.event_comments, name="event-comments"),
    path("<int:pk>/summary/", listening.event_summary, name="event-summary"),
    path("themes/", listening.theme_tally, name="theme-tally"),
    path("outreach/", work.outreach_list, name="outreach-list"),
    path("outreach/new/", work.outreach_create, name="outreach-create"),
    path("outreach/call-list/", work.outreach_bulk, name="outreach-bulk"),
    path("people-search/", work.person_search, name="person-search"),
    path("follow-ups/", work.follow_up_list, name="followup-list"),
    path("follow-ups/new/", work.follow_up_create, name="followup-create"),
    path("follow-ups/<int:pk>/close/", work.follow_up_close, name="followup-close"),
    path("programs/", vocabulary.program_list, name="program-list"),
    path("programs/new/", vocabulary.program_create, name="program-create"),
    path("programs/<int:pk>/edit/", vocabulary.program_edit, name="program-edit"),
    path(
        "programs/<int:pk>/archive/",
        vocabulary.program_archive,
        name="program-archive",
    ),
    path("topics/", vocabulary.topic_list, name="topic-list"),
    path("topics/new/", vocabulary.topic_create, name="topic-create"),
    path("topics/<int:pk>/edit/", vocabulary.topic_edit, name="topic-edit"),
    path("topics/<int:pk>/archive/", vocabulary.topic_archive, name="topic-archive"),
]
