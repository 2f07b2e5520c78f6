from django.urls import path

from public.views import activities, board, claims, lookup, rules

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
    path(
        "lookup/c/<str:token>/activities/<int:activity_id>/sign-up/", activities.card_signup, name="lookup_card_signup"
    ),
    path(
        "lookup/c/<str:token>/activities/<int:activity_id>/withdraw/",
        activities.card_withdraw,
        name="lookup_card_withdraw",
    ),
    path("lookup/me/activities/<int:activity_id>/sign-up/", activities.pin_signup, name="lookup_me_signup"),
    path("lookup/me/activities/<int:activity_id>/withdraw/", activities.pin_withdraw, name="lookup_me_withdraw"),
    path("lookup/rules/<slug:code>/", rules.catalogue, name="lookup_rules"),
    path("board/<slug:code>/", board.board, name="board"),
]
