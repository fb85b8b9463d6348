from django.urls import path

from . import views

app_name = "family"
urlpatterns = [
    path("", views.entry, name="entry"),
    path("logg-inn/tilbake/", views.sign_in_callback, name="sign_in_callback"),
    path("logg-inn/<str:number>/", views.sign_in, name="sign_in"),
    path("logg-ut/", views.sign_out, name="sign_out"),
    path("sprak/", views.language, name="language"),
    path("kontakt/", views.contact, name="contact"),
    path("sak/<int:pk>/", views.case, name="case"),
    path("sak/<int:pk>/innsyn.pdf", views.access_report, name="access_report"),
    path(
        "sak/<int:pk>/dokument/<slug:kind>/<int:object_pk>.pdf",
        views.document,
        name="document",
    ),
    path(
        "sak/<int:pk>/samtykke/<int:consent_pk>/svar/",
        views.consent_answer,
        name="consent_answer",
    ),
    path(
        "sak/<int:pk>/samtykke/<int:consent_pk>/trekk-tilbake/",
        views.consent_withdraw,
        name="consent_withdraw",
    ),
    path("sak/<int:pk>/notat/", views.write, {"what": "notat"}, name="note_add"),
    path("sak/<int:pk>/skriv/<slug:what>/", views.write, name="write"),
    path("sak/<int:pk>/mote/<int:meeting_pk>/svar/", views.meeting_answer, name="meeting_answer"),
]
