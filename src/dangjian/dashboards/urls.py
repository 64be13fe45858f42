"""工作看板 (dashboards): pages."""

app_name = "dashboards"
urlpatterns = []
