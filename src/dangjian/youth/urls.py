from django.urls import path

from . import views

app_name = "youth"
urlpatterns = [
    path("", views.RecommendationListView.as_view(), name="recommendation_list"),
    path("organizations/add/", views.YouthOrganizationAddView.as_view(), name="youth_organization_add"),
    path("recommendations/add/", views.RecommendationAddView.as_view(), name="recommendation_add"),
    path("recommendations/<int:pk>/", views.RecommendationDetailView.as_view(), name="recommendation_detail"),
    path(
        "recommendations/<int:pk>/accept/",
        views.RecommendationAcceptView.as_view(),
        name="recommendation_accept",
    ),
    path(
        "recommendations/<int:pk>/reject/",
        views.RecommendationRejectView.as_view(),
        name="recommendation_reject",
    ),
    path("cohorts/", views.CohortListView.as_view(), name="cohort_list"),
    path("cohorts/add/", views.CohortAddView.as_view(), name="cohort_add"),
    path("cohorts/<int:pk>/", views.CohortDetailView.as_view(), name="cohort_detail"),
    path("cohorts/<int:pk>/trainees/", views.TraineeAddView.as_view(), name="trainee_add"),
    path("trainees/<int:pk>/practices/", views.PracticeAddView.as_view(), name="practice_add"),
    path("trainees/<int:pk>/complete/", views.TraineeCompleteView.as_view(), name="trainee_complete"),
]
