"""The demo's selection of last year's star households, for `seed_demo`: the village's nine-star
scheme, its selection of the closed year with candidates on notice in January, the village titles
awarded, two nominated to the town, and the town's officer selecting one within the town's quota.

Everything goes through `titles.services`, as the clerk and the officer would have done it; only the
town's quota is written directly, as the county (which the demo does not have) would have set it.
"""

from datetime import date, datetime, time, timedelta

from django.utils import timezone

from credits.models import Rule
from households.models import Village
from titles.errors import QuotaFull
from titles.models import NamedStar, Quota
from titles.selectors import selection_candidates
from titles.services import (
    selection_award,
    selection_confirm,
    selection_create,
    selection_publish,
    title_nominate,
    title_select,
)
from years.selectors import year_figures

# (star, condition, rules, n): the demo's nine-star scheme, over the rules of the site's template.
NINE_STARS = [
    ("守法星", NamedStar.Condition.NO_ENTRY, ["受到治安处罚", "参与赌博迷信", "交通违法", "违章搭建"], 1),
    ("诚信星", NamedStar.Condition.RULE_USES, ["按时参保缴费", "拾金不昧"], 1),
    ("孝老星", NamedStar.Condition.NO_ENTRY, ["不履行赡养义务"], 1),
    ("卫生星", NamedStar.Condition.NO_ENTRY, ["破坏环境", "露天焚烧", "散养禽畜"], 1),
    ("节俭星", NamedStar.Condition.NO_ENTRY, ["红白事大操大办"], 1),
    ("移风易俗星", NamedStar.Condition.NO_ENTRY, ["红白事大操大办", "参与赌博迷信"], 1),
    ("平安星", NamedStar.Condition.RULE_USES, ["消防安全", "反诈宣传"], 1),
    ("热心星", NamedStar.Condition.RULE_USES, ["志愿服务", "邻里互助", "结对帮扶"], 1),
    ("美丽星", NamedStar.Condition.RULE_USES, ["美丽庭院", "植绿护绿", "垃圾分类"], 1),
]
# About this share of the village's households make the list: the least star level that keeps it so.
LIST_SHARE = 0.1
NOTICE_DAYS = 7


def seed_titles(village: Village, *, clerk, officer, today: date | None = None) -> None:
    today = today or timezone.localdate()
    year = today.year - 1
    _nine_stars(village)
    selection = selection_create(village=village, year=year, by=clerk, min_stars=_least_stars(village, year))
    if not selection_candidates(selection):
        return  # a small village where nobody meets the conditions (or all are vetoed): the draft stays
    # The review meets in the first week of January; a demo loaded before the notice has ended
    # shows the candidates on the board.
    review = min(date(today.year, 1, 6), today)
    selection_confirm(selection=selection, by=clerk, at=_at(review, 10))
    selection_publish(
        selection=selection, by=clerk, notice_until=review + timedelta(days=NOTICE_DAYS), at=_at(review, 11)
    )
    if today <= review + timedelta(days=NOTICE_DAYS):
        return
    titles = selection_award(selection=selection, by=clerk, at=_at(review + timedelta(days=NOTICE_DAYS + 1), 9))
    best = sorted(titles, key=lambda title: (-title.stars, -len(title.named_stars), title.number))[:2]
    nominations = [title_nominate(title=title, by=clerk) for title in best]
    Quota.objects.get_or_create(town=village.town, year=year, defaults={"places": 1})
    if nominations:
        try:
            title_select(nomination=nominations[0], by=officer)
        except QuotaFull:
            pass  # another demo village's nominee took the town's place


def _nine_stars(village: Village) -> None:
    rules = {}
    for rule in Rule.objects.filter(version__catalogue__village=village).order_by("pk"):
        rules.setdefault(rule.name, rule)
    for position, (name, condition, names, n) in enumerate(NINE_STARS, start=1):
        chosen = [rules[rule_name] for rule_name in names if rule_name in rules]
        if not chosen:
            continue
        star = NamedStar.objects.create(village=village, name=name, position=position, condition=condition, n=n)
        star.rules.set(chosen)


def _least_stars(village: Village, year: int) -> int | None:
    """The least star level at which about a tenth of the village (or fewer) makes the list."""
    figures = [figure for figure in year_figures(village, year) if figure.rank is not None]
    reached = [stars for stars in range(1, 10) if any(figure.stars >= stars for figure in figures)]
    for stars in reached:
        if sum(figure.stars >= stars for figure in figures) <= max(1, len(figures) * LIST_SHARE):
            return stars
    return reached[-1] if reached else 9


def _at(on: date, hour: int) -> datetime:
    return timezone.make_aware(datetime.combine(on, time(hour)))
