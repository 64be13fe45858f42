from django.urls import path
from rest_framework.routers import DefaultRouter

from .views import CompareApiView, TablesApiView

app_name = "statistics-api"
router = DefaultRouter()
urlpatterns = [
    path("<int:pk>/", TablesApiView.as_view(), name="tables"),
    path("<int:pk>/compare/", CompareApiView.as_view(), name="compare"),
    *router.urls,
]
