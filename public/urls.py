from django.urls import path

from public.views import board, lookup, rules

urlpatterns = [
    path("lookup/", lookup.lookup_form, name="lookup"),
    path("lookup/c/<str:token>/", lookup.card_lookup, name="lookup_card"),
    path("lookup/me/", lookup.pin_lookup_record, name="lookup_me"),
    path("lookup/rules/<slug:code>/", rules.catalogue, name="lookup_rules"),
    path("board/<slug:code>/", board.board, name="board"),
]
