from django.urls import path

from . import views, views_attachments, views_checkin, views_compliance, views_edit, views_mine

app_name = "activities"
urlpatterns = [
    path("", views.ActivityListView.as_view(), name="activity_list"),
    path("add/", views.ActivityCreateView.as_view(), name="activity_add"),
    path("<int:pk>/", views.ActivityDetailView.as_view(), name="activity_detail"),
    path("<int:pk>/attendance/", views.AttendanceView.as_view(), name="activity_attendance"),
    path("<int:pk>/cancel/", views.ActivityCancelView.as_view(), name="activity_cancel"),
    path("<int:pk>/edit/", views_edit.ActivityEditView.as_view(), name="activity_edit"),
    path("<int:pk>/spot-check/", views.SpotCheckCreateView.as_view(), name="spotcheck_add"),
    path("<int:pk>/attachments/", views_attachments.AttachmentAddView.as_view(), name="attachment_add"),
    path(
        "attachments/<int:pk>/download/",
        views_attachments.AttachmentDownloadView.as_view(),
        name="attachment_download",
    ),
    path(
        "attachments/<int:pk>/remove/",
        views_attachments.AttachmentRemoveView.as_view(),
        name="attachment_remove",
    ),
    path("org/<int:pk>/sheet/", views.SignInSheetView.as_view(), name="activity_sheet"),
    path("org/<int:pk>/rules/", views.RuleListView.as_view(), name="rule_list"),
    path("org/<int:pk>/rules/add/", views.RuleCreateView.as_view(), name="rule_add"),
    path("org/<int:pk>/spot-checks/", views.SpotCheckDrawView.as_view(), name="spotcheck_draw"),
]
urlpatterns += [
    path("due/", views_compliance.DueView.as_view(), name="compliance_due"),
    path("compliance/", views_compliance.ComplianceIndexView.as_view(), name="compliance_index"),
    path(
        "org/<int:pk>/compliance/", views_compliance.ComplianceMatrixView.as_view(), name="compliance_matrix"
    ),
    path(
        "org/<int:pk>/compliance/detail/",
        views_compliance.ComplianceDetailView.as_view(),
        name="compliance_detail",
    ),
    path(
        "org/<int:pk>/compliance/export/",
        views_compliance.ComplianceExportView.as_view(),
        name="compliance_export",
    ),
    path("org/<int:pk>/ledger/<int:year>/", views_compliance.LedgerView.as_view(), name="ledger_detail"),
    path(
        "org/<int:pk>/ledger/<int:year>/docx/", views_compliance.LedgerDocxView.as_view(), name="ledger_docx"
    ),
    path(
        "org/<int:pk>/ledger/<int:year>/xlsx/", views_compliance.LedgerXlsxView.as_view(), name="ledger_xlsx"
    ),
]
urlpatterns += [
    path("mine/", views_mine.MyActivitiesView.as_view(), name="my_activities"),
    path("<int:pk>/check-in/", views_checkin.CheckInOpenView.as_view(), name="activity_check_in_open"),
    path(
        "<int:pk>/check-in/status/",
        views_checkin.CheckInStatusView.as_view(),
        name="activity_check_in_status",
    ),
    path("check-in/<str:token>/", views_checkin.SelfCheckInView.as_view(), name="self_check_in"),
]
