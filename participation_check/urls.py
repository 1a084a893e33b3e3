from django.urls import path

from . import views

app_name = "participation_check"

urlpatterns = [
    path("", views.home, name="home"),
    path("analyses/", views.analysis_list, name="analysis_list"),
    path("analyses/new/", views.analysis_create, name="analysis_create"),
    path("analyses/<int:pk>/", views.analysis_detail, name="analysis_detail"),
    path("analyses/<int:pk>/edit/", views.analysis_edit, name="analysis_edit"),
    path("analyses/<int:pk>/status/", views.analysis_transition, name="analysis_transition"),
    path("analyses/<int:pk>/guideline/", views.guideline_edit, name="guideline_edit"),
    path("analyses/<int:pk>/structures/", views.structure_list, name="structure_list"),
    path("analyses/<int:pk>/structures/new/", views.structure_create, name="structure_create"),
    path("structures/<int:pk>/edit/", views.structure_edit, name="structure_edit"),
    path("structures/<int:pk>/delete/", views.structure_delete, name="structure_delete"),
    path("analyses/<int:pk>/interviews/", views.interview_list, name="interview_list"),
    path("analyses/<int:pk>/interviews/new/", views.interview_create, name="interview_create"),
    path("interviews/<int:pk>/", views.interview_detail, name="interview_detail"),
    path("interviews/<int:pk>/edit/", views.interview_edit, name="interview_edit"),
    path(
        "interviews/<int:pk>/withdraw-consent/",
        views.interview_withdraw_consent,
        name="interview_withdraw_consent",
    ),
    path("interviews/<int:pk>/delete/", views.interview_delete, name="interview_delete"),
    path("analyses/<int:pk>/meetings/", views.meeting_list, name="meeting_list"),
    path("analyses/<int:pk>/meetings/new/", views.meeting_create, name="meeting_create"),
    path("meetings/<int:pk>/edit/", views.meeting_edit, name="meeting_edit"),
    path(
        "analyses/<int:pk>/recommendations/",
        views.recommendation_list,
        name="recommendation_list",
    ),
    path(
        "analyses/<int:pk>/recommendations/new/",
        views.recommendation_create,
        name="recommendation_create",
    ),
    path("recommendations/<int:pk>/", views.recommendation_detail, name="recommendation_detail"),
    path("recommendations/<int:pk>/edit/", views.recommendation_edit, name="recommendation_edit"),
    path("reports/<int:pk>/", views.report, name="report"),
    path("reports/<int:pk>/pdf/", views.report_pdf_download, name="report_pdf"),
    path("analyses/<int:pk>/pdf/", views.report_pdf_request, name="report_pdf_request"),
]
