"""The redemption counter (`/counter/`): find a household, redeem goods, print the receipt.

Shopkeepers only, each at their own shops, serving the households of the shop's village. Pages
work without JavaScript; the little script on the household page keeps a running total.
"""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from exchange.forms import RedemptionForm, new_key
from exchange.models import Redemption, Shop
from exchange.selectors import counter_visit, recent_redemptions, shops_for
from exchange.services import redemption_create
from households.errors import DomainError
from households.models import Household
from households.selectors import card_token_in, household_numbered, household_search, year_stars_of

SEARCH_LIMIT = 20


def _get_shop_for_user(user, shop_id: int) -> Shop:
    """The shop, if `user` serves at it; otherwise 404, so other shops' ids reveal nothing."""
    return get_object_or_404(shops_for(user), pk=shop_id)


@login_required
def counter_home(request):
    shops = list(shops_for(request.user).select_related("village"))
    if not shops:
        raise PermissionDenied(_("Only a shopkeeper can use the counter."))
    if len(shops) == 1:
        return redirect("counter:shop", shop_id=shops[0].pk)
    return render(request, "exchange/choose_shop.html", {"shops": shops})


@login_required
def shop_counter(request, shop_id: int):
    shop = _get_shop_for_user(request.user, shop_id)
    query = request.GET.get("q", "").strip()[:100]
    results = None
    if query:
        households = Household.objects.filter(village_id=shop.village_id)
        token = card_token_in(query)
        # A scanned card, or a number typed in full (4 for 0004), names one household: go to it.
        match = households.filter(card_token=token).first() if token else household_numbered(households, query)
        if match:
            return redirect("counter:household", shop_id=shop.pk, household_id=match.pk)
        if token:
            results = []
        else:
            results = list(household_search(households, query).order_by("number")[: SEARCH_LIMIT + 1])
            if len(results) == 1:
                return redirect("counter:household", shop_id=shop.pk, household_id=results[0].pk)
    return render(
        request,
        "exchange/counter.html",
        {
            "shop": shop,
            "query": query,
            "results": results[:SEARCH_LIMIT] if results else results,
            "more": results is not None and len(results) > SEARCH_LIMIT,
            "recent": recent_redemptions(shop),
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def household_counter(request, shop_id: int, household_id: int):
    visit = counter_visit(request.user, shop_id, household_id)
    if visit is None:
        raise Http404
    shop, household, products = visit
    if request.method == "POST":
        # Bind the quantities of every product of the shop, not only those on sale now: one
        # retired while this page was open must be refused by name, not silently left out.
        form = RedemptionForm(request.POST, products=products)
        if form.is_valid():
            try:
                redemption = redemption_create(
                    shop=shop,
                    household=household,
                    quantities=form.quantities(),
                    by=request.user,
                    idempotency_key=form.cleaned_data["key"],
                    prices_seen=form.prices_seen(),
                    scope_checked=True,
                )
            except DomainError as error:
                form.add_error(None, error.message)
            else:
                if redemption.replayed:
                    # The page was sent again (the back button, a reload): say why no new sale appears.
                    said = _("This redemption was already made when first confirmed; nothing more was taken.")
                    messages.info(request, said)
                return redirect("counter:receipt", shop_id=shop.pk, redemption_id=redemption.pk)
        household.refresh_from_db(fields=["score", "balance", "active"])
    else:
        form = RedemptionForm(products=[product for product in products if product.active], initial={"key": new_key()})
    stars, most_stars = year_stars_of([household], timezone.localdate().year)[household.pk]
    return render(
        request,
        "exchange/household.html",
        {
            "shop": shop,
            "household": household,
            "stars": stars,
            "most_stars": most_stars,
            "form": form,
            "rows": form.rows(),
        },
    )


@login_required
def receipt(request, shop_id: int, redemption_id: int):
    shop = _get_shop_for_user(request.user, shop_id)
    redemption = get_object_or_404(
        Redemption.objects.select_related("household", "shopkeeper", "entry", "void").prefetch_related("lines"),
        pk=redemption_id,
        shop=shop,
    )
    paper = request.GET.get("paper", "58")
    if paper not in ("58", "a4"):
        raise Http404
    return render(
        request,
        "exchange/receipt.html",
        {
            "shop": shop,
            "redemption": redemption,
            "balance_before": redemption.entry.balance_after + redemption.total,
            "paper": paper,
        },
    )
