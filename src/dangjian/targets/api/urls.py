from rest_framework.routers import DefaultRouter

app_name = "targets-api"
router = DefaultRouter()
urlpatterns = router.urls
