from django.urls import path

from . import views

app_name = "dashboards"
urlpatterns = [
    path("tjeneste/", views.service, name="service"),
    path("tjeneste/<slug:slug>/", views.service_list, name="service_list"),
    path("kommune/", views.municipal, name="municipal"),
    path("kommune/oversikt.csv", views.municipal_csv, name="municipal_csv"),
]
