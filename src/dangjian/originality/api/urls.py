from rest_framework.routers import DefaultRouter

from .views import OriginalityCheckViewSet

app_name = "originality-api"
router = DefaultRouter()
router.register("checks", OriginalityCheckViewSet, basename="check")
urlpatterns = router.urls
