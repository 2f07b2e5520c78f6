from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path

from accounts.forms import LoginForm
from accounts.views import api_tokens, lockout_page
from config.views import healthz, readyz
from public.views.board import home

urlpatterns = [
    path("", home, name="home"),
    path("healthz/", healthz, name="healthz"),
    path("readyz/", readyz, name="readyz"),
    path("i18n/", include("django.conf.urls.i18n")),
    path(
        "accounts/login/",
        lockout_page(auth_views.LoginView.as_view(authentication_form=LoginForm, redirect_authenticated_user=True)),
        name="login",
    ),
    path("accounts/logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("accounts/tokens/", api_tokens, name="api_tokens"),
    # The admin's own login view, with our form, answering a lockout with the site's 429 page.
    path("admin/login/", lockout_page(admin.site.login)),
    path("admin/", admin.site.urls),
    path("counter/", include("exchange.urls")),
    path("api/", include("api.urls")),
    path("reports/", include("reports.urls")),
    path("evidence/", include("evidence.urls")),
    path("catalogues/", include("credits.urls")),
    path("activities/", include("activities.urls")),
    path("", include("public.urls")),
]
