from django.contrib import messages
from django.contrib.auth import login, logout, update_session_auth_hash
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.shortcuts import redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_POST

from wastewatch.core.errors import ServiceError
from wastewatch.core.selectors import record_get

from . import services
from .forms import LoginForm, PasswordChangeForm, TokenForm
from .resources import users
from .selectors import login_events_visible


def login_view(request):
    form = LoginForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            user = services.user_authenticate(
                username=form.cleaned_data["username"], password=form.cleaned_data["password"], request=request
            )
        except ServiceError as exc:
            form.add_error(None, exc.message)
        else:
            login(request, user, backend="wastewatch.accounts.backends.RoleBackend")
            target = request.GET.get("next", "")
            if not url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()}):
                target = "/"
            return redirect(target or "/")
    return render(request, "accounts/login.html", {"form": form})


@require_POST
def logout_view(request):
    logout(request)
    return redirect("accounts:login")


@login_required
def profile_view(request):
    password_form = PasswordChangeForm()
    token_form = TokenForm()
    new_token = None
    if request.method == "POST":
        action = request.POST.get("action")
        try:
            if action == "password":
                password_form = PasswordChangeForm(request.POST)
                if password_form.is_valid():
                    if not request.user.check_password(password_form.cleaned_data["old_password"]):
                        password_form.add_error("old_password", "原密码不正确")
                    else:
                        services.user_set_password(actor=request.user, user=request.user, password=password_form.cleaned_data["new_password"])
                        update_session_auth_hash(request, request.user)
                        messages.success(request, "密码已修改")
                        return redirect("accounts:profile")
            elif action == "token":
                token_form = TokenForm(request.POST)
                if token_form.is_valid():
                    _, new_token = services.token_create(actor=request.user, user=request.user, name=token_form.cleaned_data["name"])
            elif action == "revoke":
                token = request.user.api_tokens.filter(pk=request.POST.get("token")).first()
                if token:
                    services.token_revoke(actor=request.user, token=token)
                    messages.success(request, "令牌已撤销")
                return redirect("accounts:profile")
        except ServiceError as exc:
            for d in exc.details:
                password_form.add_error("new_password", d["reason"])
            messages.error(request, exc.message)
    return render(request, "accounts/profile.html", {
        "password_form": password_form, "token_form": token_form, "new_token": new_token,
        "tokens": request.user.api_tokens.order_by("-created_at"),
        "logins": request.user.login_events.all()[:10],
    })


@login_required
def reset_password_view(request, key):
    if not request.user.can("accounts.change"):
        raise PermissionDenied("您没有修改账号的权限")
    user = record_get(users, user=request.user, key=key)
    password = None
    if request.method == "POST":
        password = services.user_reset_password(actor=request.user, user=user)
    return render(request, "accounts/reset_password.html", {"target": user, "password": password})


@login_required
def login_log_view(request):
    if not request.user.can("core.view_audit"):
        raise PermissionDenied("您没有查看登录日志的权限")
    page = Paginator(login_events_visible(user=request.user, q=request.GET.get("q", "")), 50).get_page(request.GET.get("page"))
    return render(request, "accounts/login_log.html", {"page": page, "q": request.GET.get("q", "")})
