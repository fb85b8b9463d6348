from django.urls import path

from . import views

app_name = "toolbox"
urlpatterns = [
    path("verktoy/", views.tool_list, name="tools"),
    path("verktoy/<slug:slug>/", views.tool_detail, name="tool"),
    path("tiltak/", views.catalogue, name="catalogue"),
    path("tiltak/import/", views.catalogue_import, name="catalogue_import"),
    path("tiltak/import/eksempel.xlsx", views.catalogue_example, name="catalogue_example"),
    path("tiltak/import/<id:pk>/", views.catalogue_preview, name="catalogue_preview"),
    path("tiltak/import/<id:pk>/bekreft/", views.catalogue_apply, name="catalogue_apply"),
    path("kontakter/", views.contacts, name="contacts"),
]
