from django.urls import path

from public.views import board, claims, lookup, rules

urlpatterns = [
    path("lookup/", lookup.lookup_form, name="lookup"),
    path("lookup/c/<str:token>/", lookup.card_lookup, name="lookup_card"),
    path("lookup/c/<str:token>/object/<int:case_id>/", lookup.card_objection, name="lookup_card_object"),
    path("lookup/me/", lookup.pin_lookup_record, name="lookup_me"),
    path("lookup/me/object/<int:case_id>/", lookup.pin_objection, name="lookup_me_object"),
    path("lookup/c/<str:token>/claim/", claims.card_claim, name="lookup_card_claim"),
    path("lookup/c/<str:token>/report/", claims.card_report, name="lookup_card_report"),
    path("lookup/me/claim/", claims.pin_claim, name="lookup_me_claim"),
    path("lookup/me/report/", claims.pin_report, name="lookup_me_report"),
    path("lookup/rules/<slug:code>/", rules.catalogue, name="lookup_rules"),
    path("board/<slug:code>/", board.board, name="board"),
]
