from django.urls import path

from . import views

app_name = "reporting"

urlpatterns = [
    path("", views.dashboard, name="dashboard"),
    path("figures.csv", views.figures_export, {"fmt": "csv"}, name="figures_csv"),
    path("figures.xlsx", views.figures_export, {"fmt": "xlsx"}, name="figures_xlsx"),
    path("reach/", views.reach, name="reach"),
    path("pathway/", views.pathway_view, name="pathway"),
    path("indicators/<slug:key>/", views.indicator_records, name="records"),
    path("indicators/<slug:key>/breakdowns/", views.indicator_breakdowns, name="breakdowns"),
    path("indicators/<slug:key>/records.csv", views.indicator_records_csv, name="records_csv"),
    path("periods/", views.periods, name="periods"),
    path("periods/new/", views.period_edit, name="period_new"),
    path("periods/<int:pk>/edit/", views.period_edit, name="period_edit"),
    path("periods/<int:pk>/plan/", views.period_plan, name="period_plan"),
    path("periods/<int:pk>/reports/new/", views.report_new, name="report_new"),
    path("reports/", views.reports, name="reports"),
    path("reports/<int:pk>/", views.report_detail, name="report"),
    path("reports/<int:pk>/figures.csv", views.report_export, {"fmt": "csv"}, name="report_csv"),
    path("reports/<int:pk>/figures.xlsx", views.report_export, {"fmt": "xlsx"}, name="report_xlsx"),
    path("reports/<int:pk>/indicators/<slug:key>/", views.report_records, name="report_records"),
    path(
        "reports/<int:pk>/indicators/<slug:key>/records.csv",
        views.report_records_csv,
        name="report_records_csv",
    ),
]
