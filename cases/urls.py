from django.urls import path

from . import views

app_name = "cases"
urlpatterns = [
    path("ny/", views.new, name="new"),
    path("ny/akutt/", views.acute, name="acute"),
    path("ny/barn/", views.child_search, name="child"),
    path("ny/barn/nytt/", views.child_new, name="child_new"),
    path("ny/barn/<int:child_pk>/undring/", views.concern_new, name="concern_new"),
    path("anonym-drofting/", views.anonymous_new, name="anonymous_new"),
    path("overfor-alle/", views.reassign_all, name="reassign_all"),
    path("<int:pk>/", views.detail, name="detail"),
    path("<int:pk>/trinn/", views.step_done, name="step_done"),
    path("<int:pk>/sjekkliste/", views.checklist, name="checklist"),
    path("<int:pk>/notat/", views.note_add, name="note_add"),
    path("<int:pk>/undring/", views.concern_add, name="concern_add"),
    path("<int:pk>/samtykke/", views.consent_new, name="consent_new"),
    path(
        "<int:pk>/samtykke/<int:consent_pk>/skjema/",
        views.consent_document,
        name="consent_document",
    ),
    path(
        "<int:pk>/samtykke/<int:consent_pk>/trekk-tilbake/",
        views.consent_withdraw,
        name="consent_withdraw",
    ),
    path("<int:pk>/tjenester/", views.involve, name="involve"),
    path("<int:pk>/beslutning/", views.decide, name="decide"),
    path("<int:pk>/barnevern/", views.report, name="report"),
    path("<int:pk>/tilgangslogg/", views.access_log, name="access_log"),
    path("<int:pk>/tilgangslogg/innsyn.pdf", views.access_report, name="access_report"),
    path("<int:pk>/tilgangslogg/logg.csv", views.access_log_csv, name="access_log_csv"),
    path("<int:pk>/moter/ny/", views.meeting_new, name="meeting_new"),
    path("<int:pk>/moter/<int:meeting_pk>/referat/", views.minutes, name="minutes"),
    path("<int:pk>/tiltak/ny/", views.measure_new, name="measure_new"),
    path(
        "<int:pk>/tiltak/<int:measure_pk>/evaluering/",
        views.evaluation_new,
        name="evaluation_new",
    ),
    path("<int:pk>/ansvar/", views.handover_new, name="handover_new"),
    path("<int:pk>/ansvar/<int:handover_pk>/svar/", views.handover_answer, name="handover_answer"),
    path("<int:pk>/folger-ikke/", views.watch_end, name="watch_end"),
    path("<int:pk>/koordinering/", views.coordination, name="coordination"),
    path("<int:pk>/niva-3/", views.wide_collaboration, name="wide_collaboration"),
]
