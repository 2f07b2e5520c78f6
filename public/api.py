"""`GET /api/board/<village_code>/`: a village's public board as JSON, for anyone.

The same figures and the same masking as the board page, from the same selector
(`public.selectors.village_board`): no phone, address, PIN or card code is ever read.
"""

from dataclasses import asdict

from django.shortcuts import get_object_or_404
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import serializers
from rest_framework.permissions import AllowAny
from rest_framework.response import Response
from rest_framework.views import APIView

from api.schema import errors
from config.replica import reads_from_replica
from households.models import Village
from public.selectors import village_board


class RankedSerializer(serializers.Serializer):
    rank = serializers.IntegerField()
    number = serializers.CharField()
    name = serializers.CharField(help_text="Masked to the surname (王×) unless the village chose otherwise.")
    stars = serializers.IntegerField()
    points = serializers.IntegerField(help_text="Points this year.")


class BoardEntrySerializer(serializers.Serializer):
    occurred_on = serializers.DateField()
    number = serializers.CharField()
    name = serializers.CharField()
    rule = serializers.CharField()
    points = serializers.IntegerField()


class StarCountSerializer(serializers.Serializer):
    stars = serializers.IntegerField()
    min_score = serializers.IntegerField()
    households = serializers.IntegerField()


class BoardHouseholdSerializer(serializers.Serializer):
    level = serializers.CharField(help_text="The title's level in words; empty for a candidate.")
    number = serializers.CharField()
    name = serializers.CharField()
    stars = serializers.IntegerField()
    named_stars = serializers.ListField(child=serializers.CharField())


class BoardTitlesSerializer(serializers.Serializer):
    year = serializers.IntegerField(allow_null=True, help_text="The latest year with titles.")
    titles = BoardHouseholdSerializer(many=True)
    notice_year = serializers.IntegerField(allow_null=True)
    notice_until = serializers.DateField(allow_null=True)
    candidates = BoardHouseholdSerializer(many=True, help_text="On notice; empty when no selection is.")


class BoardActivitySerializer(serializers.Serializer):
    title = serializers.CharField()
    held_on = serializers.DateField()
    starts_at = serializers.TimeField(allow_null=True)
    place = serializers.CharField()
    places_left = serializers.IntegerField(allow_null=True, help_text="Null when the activity takes any number.")
    signup_until = serializers.DateTimeField()
    signup_open = serializers.BooleanField(help_text="Households may still sign up on their lookup page.")


class BoardSerializer(serializers.Serializer):
    """A list is null when the village chose not to show it."""

    village_code = serializers.CharField()
    village_name = serializers.CharField()
    year = serializers.IntegerField()
    updated_at = serializers.DateTimeField()
    most_stars = serializers.IntegerField()
    recent_days = serializers.IntegerField()
    deduction_days = serializers.IntegerField(help_text="Deductions of this many days are listed.")
    red_list = RankedSerializer(many=True, allow_null=True)
    star_counts = StarCountSerializer(many=True, allow_null=True)
    without_stars = serializers.IntegerField(allow_null=True)
    recent_awards = BoardEntrySerializer(many=True, allow_null=True)
    deductions = BoardEntrySerializer(many=True, allow_null=True, help_text="Final deductions only.")
    pending = BoardEntrySerializer(
        many=True, allow_null=True, help_text="Cases in notice, not final, names masked; null unless shown."
    )
    titles = BoardTitlesSerializer(
        help_text="The star households (星级文明户) of the latest year, and candidates on notice."
    )
    activities = BoardActivitySerializer(
        many=True, help_text="The village's soonest activities not closed or cancelled; no household is named."
    )


class BoardView(APIView):
    authentication_classes = []
    permission_classes = [AllowAny]

    @extend_schema(
        # A village's code is a slug (`Village.code`); a NUL anywhere in the path is a 400.
        parameters=[
            OpenApiParameter("village_code", OpenApiTypes.STR, OpenApiParameter.PATH, pattern=r"^[-a-zA-Z0-9_]+$")
        ],
        responses={200: BoardSerializer, **errors(400, 404)},
        auth=[],
    )
    @reads_from_replica
    def get(self, request, village_code):
        village = get_object_or_404(Village, code=village_code)
        return Response(BoardSerializer(asdict(village_board(village))).data)
