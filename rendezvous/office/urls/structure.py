from django.urls import path

from rendezvous.office.views import structure as views

urlpatterns = [
    path("", views.dashboard, name="dashboard"),
    path("departments/", views.departments, name="departments"),
    path("departments/new/", views.department_create, name="department-create"),
    path("departments/<int:pk>/", views.department_edit, name="department-edit"),
    path("departments/<int:pk>/delete/", views.department_delete, name="department-delete"),
    path("classes/", views.classes, name="classes"),
    path("classes/new/", views.class_create, name="class-create"),
    path("classes/<int:pk>/", views.class_edit, name="class-edit"),
    path("classes/<int:pk>/delete/", views.class_delete, name="class-delete"),
    path("pupils/", views.pupils, name="pupils"),
    path("pupils/export.csv", views.pupils_export, name="pupils-export"),
    path("pupils/new/", views.pupil_create, name="pupil-create"),
    path("pupils/import/", views.roster_import, name="roster-import"),
    path("pupils/import/template.csv", views.roster_template, name="roster-template"),
    path("pupils/picker/", views.pupil_picker, name="pupil-picker"),
    path("pupils/<int:pk>/", views.pupil_edit, name="pupil-edit"),
    path("pupils/<int:pk>/delete/", views.pupil_delete, name="pupil-delete"),
    path("pupils/<int:pk>/parents/", views.pupil_parent_link, name="pupil-parent-link"),
    path(
        "pupils/<int:pk>/parents/picker/",
        views.pupil_parent_picker,
        name="pupil-parent-picker",
    ),
    path(
        "pupils/<int:pk>/parents/<int:parent_pk>/unlink/",
        views.pupil_parent_unlink,
        name="pupil-parent-unlink",
    ),
    path("parents/", views.parents, name="parents"),
    path("parents/export.csv", views.parents_export, name="parents-export"),
    path("parents/new/", views.parent_create, name="parent-create"),
    path("parents/<int:pk>/", views.parent_edit, name="parent-edit"),
    path("parents/<int:pk>/delete/", views.parent_delete, name="parent-delete"),
]
