"""The households of the demo village: heads' names, groups, addresses and phone numbers.

Surnames are weighted the way they run in a village of 海盐县 (王, 沈, 朱, 顾, 应 far more often
than elsewhere in China); given names are what rural heads of household born between the 1940s
and the 1980s were called. Each household also gets two hidden traits that steer its history:
`diligence` (checks passed, deductions avoided) and `civic` (volunteering, helping others).
"""

import random
from dataclasses import dataclass
from datetime import date, timedelta

# (surname, weight): roughly the shares of a Jiaxing village's household register.
SURNAMES = [
    ("王", 9), ("沈", 8), ("朱", 7), ("李", 6), ("张", 6), ("陈", 6), ("徐", 6), ("顾", 5),
    ("应", 4), ("钱", 4), ("周", 4), ("吴", 4), ("金", 4), ("陆", 3), ("杨", 3), ("褚", 3),
    ("俞", 3), ("冯", 3), ("蒋", 2), ("胡", 2), ("黄", 2), ("吕", 2), ("孙", 2), ("何", 2),
    ("姚", 2), ("许", 2), ("费", 2), ("郁", 2), ("马", 1), ("钟", 1), ("范", 1), ("潘", 1),
    ("屠", 1), ("戴", 1), ("宋", 1), ("倪", 1), ("唐", 1), ("曹", 1), ("严", 1), ("汤", 1),
]  # fmt: skip

# Men born 1945–1985 in rural Zhejiang: the era's names (建国, 国庆), the Wu-dialect ones
# (金根, 阿毛, 根宝) and the plain one-character names of the later cohorts.
MEN = (
    "建国 国庆 建华 卫东 志明 金根 水根 阿毛 根宝 福林 关林 荣华 国强 永康 海明 月明 雪根 金林 "
    "惠明 宝林 士良 建林 伟忠 忠良 文龙 新华 福根 正华 树林 炳荣 根法 伟明 建明 建平 建新 国平 "
    "国良 利明 海林 春林 秋根 炳华 雪松 兴法 金龙 杏林 林根 阿大 小龙 志刚 志华 卫国 红军 德明 "
    "德林 金海 根荣 连生 云龙 锦华 勤峰 建峰 国华 学明 明华 仁贵 水林 长根 永林 金法 鑫 伟 勇 "
    "军 明 林 强 斌 峰 刚 华 平 杰 亮 涛"
).split()

WOMEN = (
    "美凤 秀英 桂英 玉珍 月娥 金妹 雪琴 凤英 菊英 彩娥 梅芳 秀珍 美娟 丽萍 红英 玉英 素珍 佩芳 "
    "雅萍 惠芬 月英 林娟 小妹 金娥 杏芬 美华 建英 琴 芳 英 燕 萍"
).split()

GROUPS = ["第一", "第二", "第三", "第四", "第五", "第六", "第七", "第八"]

# China Mobile, Unicom and Telecom prefixes seen on a rural roster around 2025.
MOBILE_PREFIXES = ["135", "136", "137", "138", "139", "150", "151", "152", "157", "158", "159",
                   "130", "131", "132", "155", "156", "185", "186", "133", "153", "180", "181",
                   "189", "177", "187", "188", "198", "199"]  # fmt: skip


@dataclass
class HouseholdSpec:
    number: str
    head_name: str
    group: str
    address: str
    phone: str
    diligence: float
    civic: float
    opened_on: date
    closed_on: date | None = None


def group_name(index: int) -> str:
    return f"{GROUPS[index]}村民小组"


def invent_households(rnd: random.Random, *, count: int, village_name: str, start: date, today: date):
    """`count` households, numbered 0001… group by group; the last few open during the year.

    A handful of households formed during the year (分户, 迁入) take the next free numbers and open
    on their own date; two households leave (迁出, 户主去世) in the last months and are closed.
    """
    surnames, weights = zip(*SURNAMES, strict=True)
    late = max(1, count // 60) if count >= 20 else 0
    founding = count - late
    # Groups differ in size, as the natural villages (自然村) they were drawn from did.
    shares = [rnd.uniform(0.8, 1.25) for _ in GROUPS]
    sizes = [int(founding * share / sum(shares)) for share in shares]
    sizes[-1] += founding - sum(sizes)
    group_of = [g for g, size in enumerate(sizes) for _ in range(size)]
    group_of += [rnd.randrange(len(GROUPS)) for _ in range(late)]

    seen: set[str] = set()
    house_numbers = [0] * len(GROUPS)
    households = []
    for i, group in enumerate(group_of):
        name = _unique_name(rnd, surnames, weights, seen)
        house_numbers[group] += rnd.choice([1, 1, 1, 2, 3])
        diligence = rnd.betavariate(4, 2)
        civic = min(1.0, max(0.0, 0.6 * rnd.betavariate(2, 3) + 0.4 * diligence))
        opened_on = start if i < founding else _late_opening(rnd, start, today)
        households.append(
            HouseholdSpec(
                number=f"{i + 1:04d}",
                head_name=name,
                group=group_name(group),
                address=f"{village_name}{GROUPS[group]}组{house_numbers[group]}号",
                phone=_phone(rnd),
                diligence=diligence,
                civic=civic,
                opened_on=opened_on,
            )
        )
    if founding >= 20:
        # One family moves to town (全户迁出); one head dies alone and the household is struck off.
        for spec in rnd.sample(households[:founding], 2):
            spec.closed_on = today - timedelta(days=rnd.randint(20, 80))
    return households


def _unique_name(rnd: random.Random, surnames, weights, seen: set[str]) -> str:
    for _attempt in range(50):
        # About one head in five is a woman: widows, and wives heading a household whose husband
        # works away.
        given = rnd.choice(WOMEN) if rnd.random() < 0.2 else rnd.choice(MEN)
        name = rnd.choices(surnames, weights)[0] + given
        if name not in seen:
            seen.add(name)
            return name
    return name  # a village does have namesakes, and search has to cope with them


def _phone(rnd: random.Random) -> str:
    # The oldest heads often have no mobile of their own; the clerk reaches them through family.
    if rnd.random() < 0.12:
        return ""
    return rnd.choice(MOBILE_PREFIXES) + f"{rnd.randrange(10**8):08d}"


def _late_opening(rnd: random.Random, start: date, today: date) -> date:
    return start + timedelta(days=rnd.randint(60, max(61, (today - start).days - 30)))
