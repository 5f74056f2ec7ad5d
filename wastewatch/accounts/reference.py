from django.db import transaction

from .models import Role
from .permissions import DEFAULT_ROLES


@transaction.atomic
def load_roles():
    """The standard roles. An existing role keeps the actions an office has given it and
    gains the defaults that later releases add."""
    for code, name, actions, binding in DEFAULT_ROLES:
        role, created = Role.objects.get_or_create(code=code, defaults={"name": name, "actions": actions, "binding": binding})
        missing = [a for a in actions if a not in role.actions]
        if not created and missing:
            role.actions = role.actions + missing
            role.save(update_fields=["actions"])
