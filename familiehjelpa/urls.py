from django.urls import path

from . import views

app_name = "familiehjelpa"
urlpatterns = [
    path("", views.board, name="board"),
    path("tall/", views.numbers, name="numbers"),
    path("ny/", views.inquiry_new, name="inquiry_new"),
    path("drofting/ny/", views.advice_new, name="advice_new"),
    path("sak/<id:case_pk>/henvis/", views.refer, name="refer"),
    path("<id:pk>/", views.detail, name="detail"),
    path("<id:pk>/flytt/", views.move, name="move"),
    path("<id:pk>/kartlegging/", views.mapping, name="mapping"),
    path("<id:pk>/barn/", views.child_add, name="child_add"),
    path("<id:pk>/samtale/", views.conversation_new, name="conversation_new"),
    path("<id:pk>/duken/", views.duken, name="duken"),
    path("<id:pk>/duken/<id:number>/", views.duken_version, name="duken_version"),
    path("<id:pk>/duken/<id:number>/pdf/", views.duken_pdf, name="duken_pdf"),
    path("<id:pk>/familiekontakt/", views.contact_assign, name="contact_assign"),
    path("<id:pk>/barneteam/", views.child_team_refer, name="child_team_refer"),
    path(
        "<id:pk>/barneteam/<id:item_pk>/beslutning/",
        views.child_team_decide,
        name="child_team_decide",
    ),
    path("<id:pk>/svarbrev/", views.reply_letter, name="reply_letter"),
    path("<id:pk>/svarbrev/pdf/", views.reply_letter_pdf, name="reply_letter_pdf"),
]
