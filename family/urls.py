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
    path("sak/<id:pk>/", views.case, name="case"),
    path("sak/<id:pk>/innsyn.pdf", views.access_report, name="access_report"),
    path(
        "sak/<id:pk>/dokument/<slug:kind>/<id:object_pk>.pdf",
        views.document,
        name="document",
    ),
    path(
        "sak/<id:pk>/samtykke/<id:consent_pk>/svar/",
        views.consent_answer,
        name="consent_answer",
    ),
    path(
        "sak/<id:pk>/samtykke/<id:consent_pk>/trekk-tilbake/",
        views.consent_withdraw,
        name="consent_withdraw",
    ),
    path("sak/<id:pk>/notat/", views.write, {"what": "notat"}, name="note_add"),
    path("sak/<id:pk>/skriv/<slug:what>/", views.write, name="write"),
    path("sak/<id:pk>/mote/<id:meeting_pk>/svar/", views.meeting_answer, name="meeting_answer"),
]
