"""工作看板 (dashboards): pages."""

from django.urls import path

from . import views

app_name = "dashboards"
urlpatterns = [
    path("", views.DashboardIndexView.as_view(), name="index"),
    path("<int:pk>/", views.DashboardView.as_view(), name="dashboard"),
    path("<int:pk>/charts/<slug:chart>.xlsx", views.ChartExportView.as_view(), name="chart_export"),
]
