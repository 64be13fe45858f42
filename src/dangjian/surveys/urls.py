"""测评和民主评议 (surveys): see docs/models/surveys/."""

from django.urls import path

from . import views

app_name = "surveys"
urlpatterns = [
    path("", views.SurveyListView.as_view(), name="survey_list"),
    path("add/", views.SurveyAddView.as_view(), name="survey_add"),
    path("<int:pk>/", views.SurveyDetailView.as_view(), name="survey_detail"),
    path("<int:pk>/edit/", views.SurveyEditView.as_view(), name="survey_edit"),
    path("<int:pk>/questions/", views.QuestionAddView.as_view(), name="question_add"),
    path("<int:pk>/open/", views.SurveyOpenView.as_view(), name="survey_open"),
    path("<int:pk>/close/", views.SurveyCloseView.as_view(), name="survey_close"),
    path("<int:pk>/tokens/", views.TokenIssueView.as_view(), name="token_issue"),
    path("<int:pk>/results/", views.ResultsView.as_view(), name="survey_results"),
    path("<int:pk>/results.xlsx", views.ResultsExportView.as_view(), name="results_export"),
    path("<int:pk>/answer/", views.AnswerView.as_view(), name="survey_answer"),
    path("s/<str:token>/", views.PublicFormView.as_view(), name="public_form"),
    path("reviews/", views.RoundListView.as_view(), name="round_list"),
    path("reviews/add/", views.RoundAddView.as_view(), name="round_add"),
    path("reviews/<int:pk>/", views.RoundDetailView.as_view(), name="round_detail"),
    path("reviews/<int:pk>/decide/", views.DecisionAddView.as_view(), name="decision_add"),
    path("reviews/<int:pk>/conclude/", views.RoundConcludeView.as_view(), name="round_conclude"),
]
