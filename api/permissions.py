"""Role checks of the API: the model permissions the staff roles carry, as the admin checks them.

Scope (which villages, which shop) is not a permission: each view reads from `api.scope` and the
services refuse changes outside the user's villages. A view names the permission a read needs
(`read_perm`, None when scope alone decides, as for households a shopkeeper may look up) and the
one each kind of write needs (`write_perms`, by HTTP method; None when scope alone decides, as for
redemptions, which only a shop's own shopkeepers make). A method not named there is refused.
"""

from rest_framework.permissions import SAFE_METHODS, BasePermission


class RolePermission(BasePermission):
    def has_permission(self, request, view):
        user = request.user
        if not (user and user.is_authenticated and user.is_active):
            return False
        if not hasattr(view, request.method.lower()):
            return True  # the view answers 405 for a method it does not have
        if request.method in SAFE_METHODS:
            perm = getattr(view, "read_perm", None)
        else:
            writes = getattr(view, "write_perms", {})
            if request.method not in writes:
                return False
            perm = writes[request.method]
        return perm is None or user.has_perm(perm)
