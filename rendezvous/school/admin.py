from django.contrib import admin

from rendezvous.school.models import Department, Guardianship, Pupil, SchoolClass


@admin.register(Department)
class DepartmentAdmin(admin.ModelAdmin):
    list_display = ["name", "organisation"]
    list_filter = ["organisation"]
    filter_horizontal = ["teachers"]


@admin.register(SchoolClass)
class SchoolClassAdmin(admin.ModelAdmin):
    list_display = ["name", "department", "organisation"]
    list_filter = ["organisation", "department"]
    filter_horizontal = ["class_teachers", "subject_teachers"]
    search_fields = ["name"]


class GuardianshipInline(admin.TabularInline):
    model = Guardianship
    raw_id_fields = ["parent"]
    extra = 0


@admin.register(Pupil)
class PupilAdmin(admin.ModelAdmin):
    list_display = ["last_name", "first_name", "school_class", "organisation"]
    list_filter = ["organisation", "school_class"]
    search_fields = ["first_name", "last_name"]
    inlines = [GuardianshipInline]
