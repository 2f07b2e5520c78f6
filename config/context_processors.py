"""What every page may ask about the person looking at it."""

from functools import cached_property

from config.admin_site import may_use_admin
from exchange.selectors import shops_for


class Places:
    """Where this person may go: pages link only there. Asked lazily, so a page that shows no
    links costs no query."""

    def __init__(self, user):
        self.user = user

    @cached_property
    def counter(self) -> bool:
        return shops_for(self.user).exists()

    @cached_property
    def admin(self) -> bool:
        return may_use_admin(self.user)


def places(request):
    return {"places": Places(request.user)}
