"""考核评价 pages (see views.py)."""

from django.urls import path

from . import views

app_name = "evaluation"
urlpatterns = [
    path("", views.AssessmentListView.as_view(), name="assessment_list"),
    path("<int:pk>/", views.AssessmentDetailView.as_view(), name="assessment_detail"),
    path("<int:pk>/export/", views.AssessmentExportView.as_view(), name="assessment_export"),
    path("<int:pk>/appeals/<int:appeal_pk>/decide/", views.AppealDecideView.as_view(), name="appeal_decide"),
    path("rubrics/<int:pk>/", views.RubricDetailView.as_view(), name="rubric_detail"),
    path("units/<int:pk>/", views.UnitSheetView.as_view(), name="unit_sheet"),
    path("<int:pk>/reconcile/", views.ReconcileView.as_view(), name="reconcile"),
    path("units/<int:pk>/score/", views.UnitScoreView.as_view(), name="unit_score"),
    path("units/<int:pk>/appeal/", views.AppealAddView.as_view(), name="appeal_add"),
]
