from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from contacts.models import (
    Affiliation,
    CommunityRole,
    Contact,
    Organization,
    RaceEthnicityCategory,
    RaceEthnicityGroup,
    Relationship,
    Tag,
)


@admin.register(RaceEthnicityCategory)
class RaceEthnicityCategoryAdmin(admin.ModelAdmin):
    list_display = ("name", "code", "sort")


@admin.register(RaceEthnicityGroup)
class RaceEthnicityGroupAdmin(admin.ModelAdmin):
    list_display = ("name", "code", "category", "cedars_code", "is_active")
    list_filter = ("category", "is_active")
    search_fields = ("name", "code", "cedars_code")


@admin.register(CommunityRole)
class CommunityRoleAdmin(admin.ModelAdmin):
    list_display = ("name", "code", "sort")


@admin.register(Tag)
class TagAdmin(admin.ModelAdmin):
    search_fields = ("name",)


class AffiliationInline(admin.TabularInline):
    model = Affiliation
    extra = 0
    autocomplete_fields = ("organization",)


@admin.register(Contact)
class ContactAdmin(SimpleHistoryAdmin):
    list_display = ("__str__", "email", "phone", "county", "archived_at")
    list_filter = ("archived_at", "race_ethnicity_status")
    search_fields = ("first_name", "last_name", "email", "phone")
    list_select_related = ("county",)
    raw_id_fields = ("owner", "school_district", "merged_into", "created_by")
    autocomplete_fields = ("tags",)
    readonly_fields = ("created_at", "updated_at", "version", "erased_at")
    inlines = [AffiliationInline]
    show_full_result_count = False


@admin.register(Organization)
class OrganizationAdmin(SimpleHistoryAdmin):
    list_display = ("name", "kind", "county", "is_coalition_partner", "is_archived")
    list_filter = ("kind", "is_coalition_partner", "is_archived")
    search_fields = ("name", "ospi_code")


@admin.register(Relationship)
class RelationshipAdmin(admin.ModelAdmin):
    list_display = ("from_contact", "kind", "to_contact")
    raw_id_fields = ("from_contact", "to_contact")


@admin.register(Affiliation)
class AffiliationAdmin(admin.ModelAdmin):
    list_display = ("contact", "organization", "title", "start_date", "end_date")
    raw_id_fields = ("contact",)
    autocomplete_fields = ("organization",)
