from django import forms
from django.contrib.auth import login
from django.contrib.auth.forms import UserCreationForm
from django.shortcuts import redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_POST

from .markets import MARKET_COOKIE, markets_by_code
from .models import User


class SignupForm(UserCreationForm):
    email = forms.EmailField(label="Email")

    class Meta(UserCreationForm.Meta):
        model = User
        fields = ("username", "email")


def _safe_next(request, fallback="/"):
    target = request.POST.get("next") or request.GET.get("next") or fallback
    if url_has_allowed_host_and_scheme(target, {request.get_host()}, request.is_secure()):
        return target
    return fallback


def signup(request):
    form = SignupForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        user = form.save(commit=False)
        user.market_id = request.market.code if request.market else None
        user.save()
        login(request, user, backend="django.contrib.auth.backends.ModelBackend")
        return redirect(_safe_next(request))
    return render(request, "accounts/signup.html", {"form": form})


@require_POST
def set_market(request):
    code = request.POST.get("market", "")
    response = redirect(_safe_next(request))
    if code in markets_by_code():
        response.set_cookie(MARKET_COOKIE, code, max_age=365 * 24 * 3600, samesite="Lax")
        if request.user.is_authenticated:
            request.user.market_id = code
            request.user.save(update_fields=["market"])
    return response
