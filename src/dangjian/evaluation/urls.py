"""考核评价 pages (see views.py and, for the rubric editor, views_rubrics.py)."""

from django.urls import path

from . import views, views_rubrics

app_name = "evaluation"
urlpatterns = [
    path("", views.AssessmentListView.as_view(), name="assessment_list"),
    path("add/", views.AssessmentCreateView.as_view(), name="assessment_add"),
    path("<int:pk>/", views.AssessmentDetailView.as_view(), name="assessment_detail"),
    path("<int:pk>/stage/", views.AssessmentStageView.as_view(), name="assessment_stage"),
    path("<int:pk>/assessors/", views.AssessorsView.as_view(), name="assessment_assessors"),
    path("<int:pk>/export/", views.AssessmentExportView.as_view(), name="assessment_export"),
    path("<int:pk>/appeals/<int:appeal_pk>/decide/", views.AppealDecideView.as_view(), name="appeal_decide"),
    path("rubrics/", views_rubrics.RubricListView.as_view(), name="rubric_list"),
    path("rubrics/add/", views_rubrics.RubricCreateView.as_view(), name="rubric_add"),
    path("rubrics/<int:pk>/", views.RubricDetailView.as_view(), name="rubric_detail"),
    path("rubrics/<int:pk>/edit/", views_rubrics.RubricEditView.as_view(), name="rubric_edit"),
    path("rubrics/<int:pk>/sections/add/", views_rubrics.SectionAddView.as_view(), name="section_add"),
    path("rubrics/<int:pk>/bands/", views_rubrics.BandsView.as_view(), name="rubric_bands"),
    path("rubrics/<int:pk>/publish/", views_rubrics.PublishView.as_view(), name="rubric_publish"),
    path("sections/<int:pk>/edit/", views_rubrics.SectionEditView.as_view(), name="section_edit"),
    path("sections/<int:pk>/items/add/", views_rubrics.ItemAddView.as_view(), name="item_add"),
    path("items/<int:pk>/edit/", views_rubrics.ItemEditView.as_view(), name="item_edit"),
    path("items/<int:pk>/remove/", views_rubrics.ItemRemoveView.as_view(), name="item_remove"),
    path("units/<int:pk>/", views.UnitSheetView.as_view(), name="unit_sheet"),
    path("units/<int:pk>/export/", views.UnitSheetExportView.as_view(), name="unit_sheet_export"),
    path("<int:pk>/reconcile/", views.ReconcileView.as_view(), name="reconcile"),
    path("units/<int:pk>/self/", views.UnitSelfView.as_view(), name="unit_self"),
    path("units/<int:pk>/score/", views.UnitScoreView.as_view(), name="unit_score"),
    path("units/<int:pk>/appeal/", views.AppealAddView.as_view(), name="appeal_add"),
]
