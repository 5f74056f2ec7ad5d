from django.contrib.auth.backends import ModelBackend


class RoleBackend(ModelBackend):
    """Permissions come from the user's role: `user.has_perm("registry.change")`."""

    def has_perm(self, user_obj, perm, obj=None):
        return user_obj.is_active and getattr(user_obj, "can", None) is not None and user_obj.can(perm)

    def has_module_perms(self, user_obj, app_label):
        return user_obj.is_active and user_obj.role_id is not None and any(
            a.startswith(app_label + ".") for a in user_obj.role.actions
        )
