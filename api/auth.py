"""`POST /api/auth/token/`: a user's API token for their username and password.

Logins here count toward django-axes' lockout like the login page's: after repeated failures the
username is locked on that address for a while, answered as a 429 in the API's own error body.
"""

from django.contrib.auth import authenticate
from django.utils.translation import gettext as _
from drf_spectacular.utils import extend_schema, inline_serializer
from rest_framework import serializers, status
from rest_framework.authtoken.models import Token
from rest_framework.permissions import AllowAny
from rest_framework.response import Response
from rest_framework.views import APIView

from api.errors import ApiError
from api.schema import errors


class CredentialsSerializer(serializers.Serializer):
    username = serializers.CharField(max_length=150)
    password = serializers.CharField(max_length=128, trim_whitespace=False, style={"input_type": "password"})


class TokenView(APIView):
    authentication_classes = []
    permission_classes = [AllowAny]

    @extend_schema(
        operation_id="auth_token",
        request=CredentialsSerializer,
        responses={200: inline_serializer("Token", {"token": serializers.CharField()}), **errors(400, 415, 429)},
        auth=[],
    )
    def post(self, request):
        credentials = CredentialsSerializer(data=request.data)
        credentials.is_valid(raise_exception=True)
        django_request = request._request
        user = authenticate(django_request, **credentials.validated_data)
        if getattr(django_request, "axes_locked_out", False):
            # Answered here in the API's body; axes' middleware would otherwise replace it with its page.
            django_request.axes_locked_out = False
            raise ApiError(
                _("Too many failed logins: this account is locked for a while on this address."),
                code="locked_out",
                status_code=status.HTTP_429_TOO_MANY_REQUESTS,
            )
        if user is None or not user.is_active:
            raise ApiError(
                _("Wrong username or password."), code="bad_credentials", status_code=status.HTTP_400_BAD_REQUEST
            )
        token, _created = Token.objects.get_or_create(user=user)
        return Response({"token": token.key})
