from django.urls import path

from activities import views

app_name = "activities"

urlpatterns = [
    path("<int:activity_id>/check-in/", views.check_in_page, name="check_in"),
]
