"""`POST /api/auth/token/`: a user's API token for their username and password.

Logins here count toward the same lockout as the login pages (`accounts.services.user_authenticate`).
A refusal says whether it counted and how many attempts are left: 400 `bad_credentials` with
`counted: true` and `attempts_left`; 429 `locked_out` with `counted`, `locked_until` and a
`Retry-After` header. Invalid input (no password) is a 400 `invalid` and counts nothing.
"""

from django.core.validators import RegexValidator
from drf_spectacular.utils import extend_schema, inline_serializer
from rest_framework import serializers, status
from rest_framework.permissions import AllowAny
from rest_framework.response import Response
from rest_framework.views import APIView

from accounts.forms import locked_message, refused_message
from accounts.guards import Locked, Refused
from accounts.services import user_authenticate
from accounts.tokens import api_token_create
from api.fields import RequestSerializer, TextField
from api.schema import errors


class CredentialsSerializer(RequestSerializer):
    username = TextField(max_length=150)
    # Taken as typed, spaces and all; only a NUL is refused, as in any request (`config.middleware`).
    password = serializers.CharField(
        max_length=128,
        trim_whitespace=False,
        validators=[RegexValidator(r"^[^\x00]*\Z")],
        style={"input_type": "password"},
    )


class TokenView(APIView):
    authentication_classes = []
    permission_classes = [AllowAny]

    @extend_schema(
        operation_id="auth_token",
        request=CredentialsSerializer,
        responses={
            200: inline_serializer("Token", {"token": serializers.CharField(), "expiry": serializers.DateTimeField()}),
            **errors(400, 415, 429),
        },
        auth=[],
    )
    def post(self, request):
        credentials = CredentialsSerializer(data=request.data)
        credentials.is_valid(raise_exception=True)
        try:
            user = user_authenticate(request=request._request, **credentials.validated_data)
        except Refused as refused:
            body = {"code": "bad_credentials", "message": refused_message(refused), "counted": True}
            return Response({**body, "attempts_left": refused.remaining}, status=status.HTTP_400_BAD_REQUEST)
        except Locked as locked:
            body = {"code": "locked_out", "message": locked_message(locked), "counted": locked.counted}
            return Response(
                {**body, "locked_until": locked.until.isoformat()},
                status=status.HTTP_429_TOO_MANY_REQUESTS,
                headers={"Retry-After": locked.retry_after()},
            )
        token, expiry = api_token_create(user=user)
        return Response({"token": token, "expiry": expiry})
