from django.urls import path

from exchange import views

app_name = "counter"

urlpatterns = [
    path("", views.counter_home, name="home"),
    path("<int:shop_id>/", views.shop_counter, name="shop"),
    path("<int:shop_id>/h/<int:household_id>/", views.household_counter, name="household"),
    path("<int:shop_id>/r/<int:redemption_id>/", views.receipt, name="receipt"),
]
