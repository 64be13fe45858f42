from rest_framework.routers import DefaultRouter

app_name = "inspections-api"
router = DefaultRouter()
urlpatterns = router.urls
