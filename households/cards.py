"""Household cards: a printed card per household whose QR code holds the household's lookup link.

The link, …/lookup/c/<card code>/, opens the household's record on a villager's phone, and the
shop's scanner types it into the counter's search (`selectors.card_token_in`). Issuing a new code
(`services.household_card_reissue`) makes every printed copy of the old card useless. Cards are
printed eight to an A4 sheet, two columns of four, each 90 × 60 mm (`templates/households/cards.html`).
"""

from dataclasses import dataclass
from ipaddress import ip_address

import segno
from django.conf import settings
from django.urls import reverse
from django.utils.safestring import SafeString, mark_safe

from households.models import Household

CARDS_PER_SHEET = 8
# Drawing a QR code costs a few milliseconds of CPU (segno tries all eight masks, as the standard
# asks, and keeps the one a scanner reads best): 400 cards take some 3 s, a 3,000-household village
# would outlast a web worker's timeout. Larger villages print group by group.
MAX_CARDS_PER_PRINT = 400


@dataclass(frozen=True)
class Card:
    household: Household
    link: str
    qr_svg: SafeString


def card_link(request, household: Household) -> str:
    """The absolute lookup link a card carries: on the site's public address when one is set
    (`XIANGFENG_PUBLIC_URL`), otherwise on the host the clerk is using."""
    path = reverse("lookup_card", args=[household.card_token])
    if settings.XIANGFENG_PUBLIC_URL:
        return settings.XIANGFENG_PUBLIC_URL + path
    return request.build_absolute_uri(path)


def card_qr(link: str) -> segno.QRCode:
    """The card's QR code. Level M still reads with 15% of it scuffed or folded; a lookup link fits
    version 4 (33 × 33 modules), so on a 36 mm square each module prints about 0.9 mm wide."""
    return segno.make(link, error="m", micro=False)


def card_svg(link: str) -> SafeString:
    """The QR code as inline SVG, sized by its container: no image files, no external assets."""
    svg = card_qr(link).svg_inline(scale=1, border=4, omitsize=True, light="#fff", svgclass="qr")
    return mark_safe(svg)  # segno's own markup; the link inside it is only module coordinates


def card_sheets(request, households: list[Household]) -> list[list[Card]]:
    """The households' cards, eight to a sheet, in the order given. No queries."""
    cards = []
    for household in households:
        link = card_link(request, household)
        cards.append(Card(household, link, card_svg(link)))
    return [cards[start : start + CARDS_PER_SHEET] for start in range(0, len(cards), CARDS_PER_SHEET)]


def reachable_only_here(request) -> bool:
    """True when the cards would link to this computer or its local network (localhost, a private
    address), which a villager's phone at home cannot open: print from the site's public address."""
    if settings.XIANGFENG_PUBLIC_URL:
        return False
    host = request.get_host().rsplit(":", 1)[0].strip("[]")
    if host == "localhost" or host.endswith(".local"):
        return True
    try:
        address = ip_address(host)
    except ValueError:
        return False
    return address.is_loopback or address.is_private or address.is_link_local
