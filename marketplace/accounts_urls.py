from django.contrib.auth import views as auth_views
from django.urls import path

from . import accounts_views

urlpatterns = [
    path(
        "login/",
        auth_views.LoginView.as_view(template_name="accounts/login.html"),
        name="login",
    ),
    path("logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("signup/", accounts_views.signup, name="signup"),
    path("market/", accounts_views.set_market, name="set-market"),
]
