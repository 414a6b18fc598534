from django.contrib import admin

from reports.models import BaselineFigure, Grant, GrantTarget, PopulationBaseline


class BaselineFigureInline(admin.TabularInline):
    model = BaselineFigure
    extra = 0


@admin.register(PopulationBaseline)
class PopulationBaselineAdmin(admin.ModelAdmin):
    list_display = ["name", "year", "method", "level", "source", "imported_at"]
    list_filter = ["method", "level", "year"]
    search_fields = ["name", "source"]
    inlines = [BaselineFigureInline]
    readonly_fields = ["imported_by", "imported_at"]


class GrantTargetInline(admin.TabularInline):
    model = GrantTarget
    extra = 1


@admin.register(Grant)
class GrantAdmin(admin.ModelAdmin):
    list_display = ["name", "funder", "starts_on", "ends_on"]
    search_fields = ["name", "funder"]
    filter_horizontal = ["programs"]
    inlines = [GrantTargetInline]
