"""Who may call what. The seller API's lists are also filtered by owner in every
queryset: a permission class alone never guards a list."""

from rest_framework.permissions import BasePermission

from ..seller.access import api_seller_for_user


class IsSeller(BasePermission):
    """The user runs a shop. Sets ``request.seller`` for the views."""

    message = "This account does not run a shop."
    code = "not_a_seller"

    def has_permission(self, request, view) -> bool:
        if not getattr(request, "seller", None):
            request.seller = api_seller_for_user(request.user)
        return request.seller is not None
