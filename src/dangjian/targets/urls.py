from django.urls import path

from . import views

app_name = "targets"
urlpatterns = [
    path("", views.TargetListView.as_view(), name="target_list"),
    path("add/", views.TargetCreateView.as_view(), name="target_add"),
    path("<int:pk>/", views.TargetDetailView.as_view(), name="target_detail"),
    path("<int:pk>/edit/", views.TargetEditView.as_view(), name="target_edit"),
    path("<int:pk>/issue/", views.TargetIssueView.as_view(), name="target_issue"),
    path("<int:pk>/withdraw/", views.TargetWithdrawView.as_view(), name="target_withdraw"),
    path("<int:pk>/indicators/add/", views.IndicatorAddView.as_view(), name="indicator_add"),
    path("<int:pk>/decompose/", views.TargetDecomposeView.as_view(), name="target_decompose"),
    path("<int:pk>/refresh/", views.ComputedRefreshView.as_view(), name="target_refresh"),
    path("<int:pk>/sign/", views.CommitmentSignView.as_view(), name="commitment_sign"),
    path("<int:pk>/upload/", views.CommitmentUploadView.as_view(), name="commitment_upload"),
    path("<int:pk>/evaluate/", views.TargetEvaluateView.as_view(), name="target_evaluate"),
    path("<int:pk>/evaluate-children/", views.ChildrenEvaluateView.as_view(), name="children_evaluate"),
    path("<int:pk>/rollup.xlsx", views.RollupExportView.as_view(), name="rollup_export"),
    path("indicators/<int:pk>/edit/", views.IndicatorEditView.as_view(), name="indicator_edit"),
    path("indicators/<int:pk>/actual/", views.ActualEnterView.as_view(), name="actual_enter"),
    path("commitments/<int:pk>/file/", views.CommitmentDownloadView.as_view(), name="commitment_download"),
]
