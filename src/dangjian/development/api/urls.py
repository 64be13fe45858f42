from django.urls import path
from rest_framework.routers import DefaultRouter

from .views import CheckView, DevelopmentFileViewSet

app_name = "development-api"
router = DefaultRouter()
router.register("files", DevelopmentFileViewSet, basename="file")
urlpatterns = [path("check/", CheckView.as_view(), name="check"), *router.urls]
