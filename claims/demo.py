"""The demo village's claims (申报) and reports (随手拍), for `manage.py seed_demo`.

A few of the catalogue's awards are opened to claims (邻里互助 first); a handful of households
claim through the same service the lookup page calls, with a photo, and the clerk approves one and
rejects one through the admin's services; the rest wait in the clerk's queue. Two reports: one
waiting, one handled. The photos are drawn here (a coloured square with a mark), never read from
disk. Deterministic: the households are taken by number, the dates counted back from today.
"""

import io
from datetime import date, timedelta

from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone
from PIL import Image, ImageDraw

from claims.selectors import claimable_rules
from claims.services import claim_approve, claim_reject, claim_submit, claimable_set, report_handle, report_submit
from credits.selectors import version_in_force
from households.errors import DomainError
from households.models import Village

CLAIMABLE = ["邻里互助", "志愿服务", "孝老爱亲", "垃圾分类"]
# (rule, days ago, what the household says, photos, then: None waits, "approve", or a rejection's reason)
CLAIMS = [
    ("邻里互助", 1, "帮隔壁王阿姨把晒的稻谷收进屋，赶在下雨前", 2, None),
    ("志愿服务", 2, "参加村里组织的河道清理，上午八点到十一点半", 1, None),
    ("垃圾分类", 0, "这个月家里垃圾都分好类了，桶边干净", 1, None),
    ("邻里互助", 3, "开车送邻居老人去镇卫生院看病", 1, "approve"),
    ("孝老爱亲", 4, "照顾生病的母亲一个星期", 0, "没有照片，也没有邻居证明；请村民小组长确认后再申报"),
]
REPORTS = [
    ("东桥桥头堆了一堆建筑垃圾，挡住半边路", "东桥桥头", None),
    ("村口路灯不亮了，晚上骑车看不清", "村口公交站旁", "已联系电工，路灯已修好"),
]
COLOURS = [(196, 61, 45), (46, 125, 50), (30, 90, 160), (200, 140, 20)]


def load_claims(village: Village, *, clerk) -> None:
    """Open the village's claimable rules and write its demo claims and reports, as villagers and clerk would."""
    today = timezone.localdate()
    version = version_in_force(village.pk, on=today)
    rules = {rule.name: rule for rule in version.rules.all()} if version else {}
    keys = [rules[name].key for name in CLAIMABLE if name in rules and rules[name].points > 0]
    claimable_set(village=village, keys=keys, by=clerk)
    offered = {rule.name: rule for rule in claimable_rules(village.pk, on=today)}
    households = list(village.households.filter(active=True).order_by("number")[: len(CLAIMS) + len(REPORTS)])
    for index, (household, (name, days, text, photos, decision)) in enumerate(zip(households, CLAIMS, strict=False)):
        if name not in offered:
            continue
        claim = claim_submit(
            household=household,
            rule=offered[name],
            occurred_on=_this_year(today, days),
            description=text,
            files=[_photo(f"IMG_{index}{n}.jpg", COLOURS[(index + n) % len(COLOURS)]) for n in range(photos)],
        )
        if decision == "approve":
            try:
                claim_approve(claim=claim, by=clerk)
            except DomainError:
                pass  # a cap the household's history already reached: the claim waits, as it would
        elif decision:
            claim_reject(claim=claim, by=clerk, reason=decision)
    for index, (household, (text, place, note)) in enumerate(zip(households[len(CLAIMS) :], REPORTS, strict=False)):
        report = report_submit(
            household=household, description=text, place=place, files=[_photo(f"report_{index}.jpg", (120, 110, 100))]
        )
        if note:
            report_handle(report=report, by=clerk, note=note)


def _this_year(today: date, days: int) -> date:
    # Last year is closed in the demo: a deed of the first days of January stays in this one.
    return max(today - timedelta(days=days), today.replace(month=1, day=1))


def _photo(name: str, colour: tuple[int, int, int]) -> SimpleUploadedFile:
    image = Image.new("RGB", (800, 600), colour)
    draw = ImageDraw.Draw(image)
    draw.rectangle((160, 120, 640, 480), outline=(255, 255, 255), width=12)
    draw.ellipse((300, 220, 500, 420), fill=(255, 255, 255))
    out = io.BytesIO()
    image.save(out, format="JPEG", quality=80)
    return SimpleUploadedFile(name, out.getvalue(), content_type="image/jpeg")
