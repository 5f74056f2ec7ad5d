from django.db import transaction

from .models import Role
from .permissions import DEFAULT_ROLES


@transaction.atomic
def load_roles():
    """The standard roles; an existing role keeps the actions an office has given it."""
    for code, name, actions, binding in DEFAULT_ROLES:
        Role.objects.get_or_create(code=code, defaults={"name": name, "actions": actions, "binding": binding})
