from django.urls import path

from credits import views

urlpatterns = [
    path("versions/<int:pk>/minutes/", views.minutes, name="catalogue_minutes"),
]
