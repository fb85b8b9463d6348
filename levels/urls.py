from django.urls import path

from . import views

app_name = "levels"
urlpatterns = [
    path("", views.guide_index, name="guide"),
    path("trinn/<str:code>/", views.step_detail, name="step"),
]
