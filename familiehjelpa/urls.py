from django.urls import path

from . import views

app_name = "familiehjelpa"
urlpatterns = [
    path("", views.board, name="board"),
    path("tall/", views.numbers, name="numbers"),
    path("ny/", views.inquiry_new, name="inquiry_new"),
    path("drofting/ny/", views.advice_new, name="advice_new"),
    path("sak/<int:case_pk>/henvis/", views.refer, name="refer"),
    path("<int:pk>/", views.detail, name="detail"),
    path("<int:pk>/flytt/", views.move, name="move"),
    path("<int:pk>/kartlegging/", views.mapping, name="mapping"),
    path("<int:pk>/barn/", views.child_add, name="child_add"),
    path("<int:pk>/samtale/", views.conversation_new, name="conversation_new"),
    path("<int:pk>/duken/", views.duken, name="duken"),
    path("<int:pk>/duken/<int:number>/", views.duken_version, name="duken_version"),
    path("<int:pk>/duken/<int:number>/pdf/", views.duken_pdf, name="duken_pdf"),
    path("<int:pk>/familiekontakt/", views.contact_assign, name="contact_assign"),
    path("<int:pk>/barneteam/", views.child_team_refer, name="child_team_refer"),
    path(
        "<int:pk>/barneteam/<int:item_pk>/beslutning/",
        views.child_team_decide,
        name="child_team_decide",
    ),
    path("<int:pk>/svarbrev/", views.reply_letter, name="reply_letter"),
    path("<int:pk>/svarbrev/pdf/", views.reply_letter_pdf, name="reply_letter_pdf"),
]
