from django.contrib import admin
from django.urls import include, path

admin.site.site_header = admin.site.site_title = "乡风积分"

urlpatterns = [
    path("i18n/", include("django.conf.urls.i18n")),
    path("admin/", admin.site.urls),
]
