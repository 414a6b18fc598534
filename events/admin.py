from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from events.models import Attendance, Comment, Event, FollowUp, Outreach


@admin.register(Event)
class EventAdmin(SimpleHistoryAdmin):
    list_display = ("name", "kind", "starts_at", "county", "status")
    list_filter = ("kind", "status", "program")
    search_fields = ("name", "venue")
    date_hierarchy = "starts_at"
    filter_horizontal = ("organizers", "topics", "host_organizations")


@admin.register(Attendance)
class AttendanceAdmin(SimpleHistoryAdmin):
    list_display = ("contact", "event", "status", "role", "source", "checked_in_at")
    list_filter = ("status", "role", "source")
    raw_id_fields = ("contact", "event", "recorded_by")


@admin.register(Outreach)
class OutreachAdmin(SimpleHistoryAdmin):
    list_display = ("contact", "organizer", "occurred_at", "channel", "outcome")
    list_filter = ("channel", "outcome", "program")
    raw_id_fields = ("contact",)
    date_hierarchy = "occurred_at"


@admin.register(FollowUp)
class FollowUpAdmin(admin.ModelAdmin):
    list_display = ("title", "assigned_to", "due_date", "status")
    list_filter = ("status",)
    raw_id_fields = ("contact", "event", "outreach", "attendance")


@admin.register(Comment)
class CommentAdmin(admin.ModelAdmin):
    list_display = ("__str__", "event", "language", "created_at")
    raw_id_fields = ("contact", "event")
