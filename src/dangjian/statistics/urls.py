"""党内统计 (statistics): pages."""

app_name = "statistics"
urlpatterns = []
