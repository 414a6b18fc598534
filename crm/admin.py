from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin

from crm.models import County, Language, Program, Topic, User


@admin.register(User)
class UserAdmin(BaseUserAdmin):
    list_display = ("username", "email", "first_name", "last_name", "is_active")
    list_filter = ("groups", "is_active", "is_staff")


@admin.register(County)
class CountyAdmin(admin.ModelAdmin):
    list_display = ("name", "fips", "population")
    search_fields = ("name",)


@admin.register(Language)
class LanguageAdmin(admin.ModelAdmin):
    list_display = ("name", "code", "native_name", "sort")
    search_fields = ("name", "code")


@admin.register(Program)
class ProgramAdmin(admin.ModelAdmin):
    list_display = ("name", "starts_on", "ends_on", "is_archived")
    list_filter = ("is_archived",)
    search_fields = ("name",)


@admin.register(Topic)
class TopicAdmin(admin.ModelAdmin):
    list_display = ("name", "kind", "bill_number", "legislative_session", "is_archived")
    list_filter = ("kind", "is_archived")
    search_fields = ("name", "bill_number")
