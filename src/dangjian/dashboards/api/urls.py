from django.urls import path
from rest_framework.routers import DefaultRouter

from .views import ChartApiView, DashboardApiView

app_name = "dashboards-api"
router = DefaultRouter()
urlpatterns = [
    path("<int:pk>/", DashboardApiView.as_view(), name="dashboard"),
    path("<int:pk>/<slug:chart>/", ChartApiView.as_view(), name="chart"),
    *router.urls,
]
