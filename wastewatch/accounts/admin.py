from django.contrib import admin

from .models import ApiToken, LoginEvent, Role


@admin.register(Role)
class RoleAdmin(admin.ModelAdmin):
    list_display = ["code", "name", "binding"]


@admin.register(LoginEvent)
class LoginEventAdmin(admin.ModelAdmin):
    list_display = ["at", "username", "outcome", "ip"]
    readonly_fields = [f.name for f in LoginEvent._meta.fields]


@admin.register(ApiToken)
class ApiTokenAdmin(admin.ModelAdmin):
    list_display = ["user", "name", "prefix", "expires_at", "revoked_at"]
    readonly_fields = ["digest", "prefix"]
