from django.urls import path

from public.views import board, lookup, rules

urlpatterns = [
    path("lookup/", lookup.lookup_form, name="lookup"),
    path("lookup/c/<str:token>/", lookup.card_lookup, name="lookup_card"),
    path("lookup/c/<str:token>/object/<int:case_id>/", lookup.card_objection, name="lookup_card_object"),
    path("lookup/me/", lookup.pin_lookup_record, name="lookup_me"),
    path("lookup/me/object/<int:case_id>/", lookup.pin_objection, name="lookup_me_object"),
    path("lookup/rules/<slug:code>/", rules.catalogue, name="lookup_rules"),
    path("board/<slug:code>/", board.board, name="board"),
]
