"""党内统计 (statistics): pages."""

from django.urls import path

from . import views

app_name = "statistics"
urlpatterns = [
    path("", views.IndexView.as_view(), name="index"),
    path("<int:pk>/", views.TablesView.as_view(), name="tables"),
    path("<int:pk>/export/", views.ExportView.as_view(), name="export"),
    path("<int:pk>/compare/", views.CompareView.as_view(), name="compare"),
    path("<int:pk>/cell/", views.CellView.as_view(), name="cell"),
]
