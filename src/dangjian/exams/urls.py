from django.urls import path

from . import views, views_exams

app_name = "exams"
urlpatterns = [
    path("", views_exams.ExamListView.as_view(), name="exam_list"),
    path("add/", views_exams.ExamCreateView.as_view(), name="exam_add"),
    path("<int:pk>/", views_exams.ExamDetailView.as_view(), name="exam_detail"),
    path("<int:pk>/cancel/", views_exams.ExamCancelView.as_view(), name="exam_cancel"),
    path("<int:pk>/start/", views_exams.ExamStartView.as_view(), name="exam_start"),
    path("<int:pk>/results/", views_exams.ExamResultsView.as_view(), name="exam_results"),
    path("<int:pk>/results/export/", views_exams.ExamExportView.as_view(), name="exam_export"),
    path("attempts/<int:pk>/", views_exams.AttemptDetailView.as_view(), name="attempt_detail"),
    path("attempts/<int:pk>/take/", views_exams.AttemptTakeView.as_view(), name="attempt_take"),
    path("banks/", views.QuestionBankListView.as_view(), name="questionbank_list"),
    path("banks/add/", views.QuestionBankCreateView.as_view(), name="questionbank_add"),
    path("banks/<int:pk>/", views.QuestionBankDetailView.as_view(), name="questionbank_detail"),
    path("banks/<int:pk>/questions/add/", views.QuestionCreateView.as_view(), name="question_add"),
    path("banks/<int:pk>/import/", views.QuestionImportView.as_view(), name="question_import"),
    path(
        "banks/import-template/", views.QuestionImportTemplateView.as_view(), name="question_import_template"
    ),
    path("questions/<int:pk>/edit/", views.QuestionEditView.as_view(), name="question_edit"),
    path("questions/<int:pk>/retire/", views.QuestionRetireView.as_view(), name="question_retire"),
    path("papers/", views.PaperListView.as_view(), name="paper_list"),
    path("papers/add/", views.PaperCreateView.as_view(), name="paper_add"),
    path("papers/<int:pk>/", views.PaperDetailView.as_view(), name="paper_detail"),
    path("papers/<int:pk>/print/", views.PaperPrintView.as_view(), name="paper_print"),
]
