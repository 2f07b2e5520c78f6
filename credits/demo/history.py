"""The demo village's ledger from the start of last year to today, planned in memory before anything
is written.

The plan is what a clerk of 农丰村 records in a year, for last year and this year so far: monthly
checks (垃圾分类, 门前三包) and activities (志愿服务, 平安巡防) as batches; individual awards and
deductions one household at a time; a few adjustments with reasons; the corrections of the year's
mistakes — a duplicate, a wrong household, a deduction withdrawn on review — as reversals: last
year's at its year-end review, since the clerk closes last year in the first days of January and
nothing may be dated into a closed year after that; this year's today, last of all. The planner
keeps its own count of each household's uses of each rule per year and leaves out whatever a cap
would refuse, so the services never have to: a demo that swallowed refusals would hide real bugs.
"""

import random
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import date, timedelta

from credits.demo.people import HouseholdSpec


@dataclass(frozen=True)
class RuleSpec:
    points: int
    cap: int | None


@dataclass(frozen=True)
class Open:
    household: HouseholdSpec
    on: date


@dataclass
class Record:
    """One rule for one or more households on one day; `mistake` marks a slip reversed at the end."""

    rule: str
    on: date
    numbers: list[str]
    note: str
    batch: bool
    mistake: str = ""
    key: int = field(default=0, compare=False)


@dataclass(frozen=True)
class Adjust:
    number: str
    points: int
    reason: str
    on: date


@dataclass(frozen=True)
class Close:
    number: str
    on: date


@dataclass(frozen=True)
class Reverse:
    record: Record
    number: str
    reason: str
    on: date | None = None  # when it is written, if at a year-end review; else today, last of all


@dataclass(frozen=True)
class CloseYear:
    """The clerk closes last year; with `restart` every score starts the new year at the base."""

    year: int
    on: date
    restart: bool


Step = Open | Record | Adjust | Close | Reverse | CloseYear

# Monthly volunteer activities; the busy months (spring clean-up, flood and typhoon season) have two.
VOLUNTEERING = {
    1: ["春节前村庄环境大扫除"], 2: ["元宵节文明劝导"], 3: ["学雷锋清理河道", "义务植树"],
    4: ["清明文明祭扫劝导"], 5: ["农忙互助"], 6: ["防汛巡查", "河道保洁"], 7: ["暑期护河巡查"],
    8: ["防台物资准备"], 9: ["防台抗台转移群众", "敬老院慰问"], 10: ["重阳节敬老院慰问"],
    11: ["消防安全宣传"], 12: ["道路保洁", "冬季送温暖"],
}  # fmt: skip

# Once-a-year events: (rule, month, day, note, chance for the least and for the most diligent household).
ANNUAL = [
    ("弘扬好家风", 1, 18, "参加好家风好家训评选", 0.05, 0.35),
    ("参加技能培训", 3, 6, "参加葡萄种植技术培训", 0.02, 0.2),
    ("植绿护绿", 3, 12, "植树节义务植树", 0.05, 0.4),
    ("反诈宣传", 5, 20, "全家安装国家反诈中心应用", 0.35, 0.85),
    ("无偿献血", 6, 14, "参加镇无偿献血活动", 0.01, 0.08),
    ("参加技能培训", 7, 16, "参加农村电商直播培训", 0.02, 0.15),
    ("捐资助学", 9, 1, "为村教育基金捐款", 0.03, 0.3),
    ("消防安全", 11, 9, "消防安全入户检查合格", 0.65, 0.97),
    ("参加技能培训", 11, 20, "参加农机安全操作培训", 0.02, 0.15),
    ("按时参保缴费", 12, 20, "按时缴纳城乡居民医保", 0.75, 0.98),
    ("家庭和睦", 12, 31, "全年无家庭矛盾纠纷", 0.6, 0.95),
]

# Single entries: (rule, base rate a year, extra for a civic household, extra for a careless one, notes).
SINGLES = [
    ("邻里互助", 0.0, 1.4, 0.0, ["帮邻居抢收稻谷", "雨夜送邻居老人就医", "帮邻居修缮屋顶", "帮孤老代买生活用品"]),
    ("孝老爱亲", 0.0, 0.35, 0.0, ["常年照顾瘫痪在床的母亲", "悉心照料患病公婆", "村民评议孝老爱亲典型"]),
    ("移风易俗", 0.06, 0.0, 0.0, ["儿子婚礼简办，酒席不超过十桌", "父亲丧事简办，不请乐队", "践行移风易俗承诺"]),
    ("拾金不昧", 0.03, 0.0, 0.0, ["捡到钱包主动交还失主", "拾到手机交村委会归还失主"]),
    ("调解纠纷", 0.0, 0.3, 0.0, ["协助调解宅基地边界纠纷", "协助化解邻里用水矛盾", "协助调解家庭赡养纠纷"]),
    ("结对帮扶", 0.0, 0.3, 0.0, ["结对帮扶留守儿童", "结对帮扶孤寡老人", "结对帮扶低保困难户"]),
    ("获评先进典型", 0.0, 0.06, 0.0, ["获评镇级“最美家庭”", "获评县级“身边好人”", "获评“文明家庭”"]),
    ("带头发展产业", 0.03, 0.0, 0.0, ["带头种植葡萄二十亩，带动周边农户", "开办农家乐，吸纳本村劳动力"]),
    ("提供违法线索", 0.01, 0.0, 0.0, ["提供电信诈骗线索，经查证属实", "举报电鱼非法捕捞，经查证属实"]),
    ("见义勇为", 0.004, 0.0, 0.0, ["跳入河中救起落水儿童"]),
    ("破坏环境", 0.05, 0.0, 2.5, ["向河道倾倒生活垃圾", "建筑垃圾堆放路边", "乱倒污水", "门前乱堆杂物，劝导不改"]),
    ("露天焚烧", 0.02, 0.0, 1.0, ["田间焚烧秸秆", "屋后焚烧垃圾"]),
    ("散养禽畜", 0.02, 0.0, 0.5, ["散养鸡鸭影响环境卫生，劝导不改"]),
    ("侵占公共空间", 0.01, 0.0, 0.25, ["在村道上晾晒稻谷占道", "在河道边堆放杂物"]),
    ("私拉乱接电线", 0.01, 0.0, 0.2, ["私拉电线给电瓶车充电"]),
    ("损坏公共设施", 0.005, 0.0, 0.08, ["损坏村口路灯", "损坏文化礼堂健身器材"]),
    ("参与赌博迷信", 0.005, 0.0, 0.1, ["参与聚众赌博被查处"]),
    ("交通违法", 0.01, 0.0, 0.08, ["酒后驾驶被交警查处", "无证驾驶被查处"]),
    ("违章搭建", 0.01, 0.0, 0.05, ["未经审批搭建彩钢棚"]),
    ("红白事大操大办", 0.012, 0.0, 0.03, ["婚宴超过规定桌数", "丧事大操大办，连请三天乐队"]),
    ("受到治安处罚", 0.002, 0.0, 0.02, ["家庭成员打架斗殴受到治安处罚"]),
]  # fmt: skip


def plan_history(
    rnd: random.Random,
    households: list[HouseholdSpec],
    rules: dict[str, RuleSpec],
    *,
    start: date,
    today: date,
    restart: bool = False,
) -> list[Step]:
    """Every step from the opening day to today, in the order a clerk would have written them.

    A history that reaches into a new year closes the year before in its first days (with
    `restart`, each score starting again at the base).
    """
    by_number = {h.number: h for h in households}
    dated: list[tuple[date, int, Step]] = []
    dated += [(h.opened_on, 0, Open(h, h.opened_on)) for h in households]
    dated += [(r.on, 1, r) for r in _checks_and_activities(rnd, households, start, today)]
    singles = list(_singles(rnd, households, start, today))
    dated += [(r.on, 2, r) for r in singles]
    dated += [(a.on, 3, a) for a in _adjustments(rnd, households, start, today)]
    dated += [(h.closed_on, 4, Close(h.number, h.closed_on)) for h in households if h.closed_on]
    if start.year < today.year:
        review = date(today.year - 1, 12, 31)
        slips = [r for r in singles if r.mistake and r.on <= review]
        dated += [(review, 5, Reverse(r, r.numbers[0], r.mistake, review)) for r in slips]
        closing = min(today, date(today.year, 1, 5))
        dated.append((closing, -1, CloseYear(today.year - 1, closing, restart)))
    dated.sort(key=lambda item: (item[0], item[1]))

    ledger = _Ledger(rules)
    steps = [step for _on, _order, step in dated if ledger.accept(step)]
    active_now = {h.number for h in households if h.closed_on is None}
    this_year = [s for s in steps if isinstance(s, Record) and s.on.year == today.year]
    corrections = [Reverse(s, s.numbers[0], s.mistake) for s in this_year if s.mistake]
    corrections += _slips(rnd, this_year, active_now, by_number, rules)
    steps += [step for step in corrections if ledger.accept(step)]
    for key, record in enumerate(s for s in steps if isinstance(s, Record)):
        record.key = key
    return steps


def final_scores(steps: list[Step], rules: dict[str, RuleSpec], base: int) -> dict[str, int]:
    """The score each household ends with, to report and to check the plan against the ledger."""
    return _replayed(steps, rules, base).scores


def final_balances(steps: list[Step], rules: dict[str, RuleSpec], base: int) -> dict[str, int]:
    """What each household could spend at the end, had it spent nothing: a restart keeps the balance."""
    return _replayed(steps, rules, base).balances


def _replayed(steps: list[Step], rules: dict[str, RuleSpec], base: int) -> "_Ledger":
    ledger = _Ledger(rules, base=base)
    for step in steps:
        ledger.accept(step)
    return ledger


class _Ledger:
    """Just enough of the ledger to plan around caps and closed households: counts, scores, balances."""

    def __init__(self, rules: dict[str, RuleSpec], base: int = 0):
        self.rules, self.base = rules, base
        self.uses: Counter[tuple[str, str, int]] = Counter()
        self.scores: dict[str, int] = {}
        self.balances: dict[str, int] = {}
        self.points: Counter[tuple[str, int]] = Counter()  # by household and year of the deed
        self.opened: dict[str, date] = {}
        self.closed: set[str] = set()

    def accept(self, step: Step) -> bool:
        if isinstance(step, Open):
            number = step.household.number
            self.scores[number] = self.balances[number] = self.base
            self.opened[number] = step.on
        elif isinstance(step, Close):
            self.closed.add(step.number)
        elif isinstance(step, CloseYear):
            if step.restart:  # as years.services does: households opened by the year's end, still active
                for number, opened in self.opened.items():
                    if number not in self.closed and opened.year <= step.year:
                        self.scores[number] = self.base + self.points[(number, step.year + 1)]
        elif isinstance(step, Adjust):
            if step.number in self.closed:
                return False
            self._add(step.number, step.points, step.on.year)
        elif isinstance(step, Reverse):
            if step.number in self.closed or step.number not in step.record.numbers:
                return False
            self.uses[(step.number, step.record.rule, step.record.on.year)] -= 1
            self._add(step.number, -self.rules[step.record.rule].points, step.record.on.year)
        else:
            rule = self.rules[step.rule]
            step.numbers = [
                n
                for n in step.numbers
                if n not in self.closed and (rule.cap is None or self.uses[(n, step.rule, step.on.year)] < rule.cap)
            ]
            for number in step.numbers:
                self.uses[(number, step.rule, step.on.year)] += 1
                self._add(number, rule.points, step.on.year)
        return not isinstance(step, Record) or bool(step.numbers)

    def _add(self, number: str, points: int, year: int) -> None:
        self.scores[number] += points
        self.balances[number] += points
        self.points[(number, year)] += points


def _present(household: HouseholdSpec, on: date) -> bool:
    return household.opened_on < on and (household.closed_on is None or on < household.closed_on)


def _days(start: date, today: date, *, month: int | None = None, day: int) -> Iterator[date]:
    """Every date with this day (and month) after `start`, up to today."""
    year, m = start.year, start.month
    while True:
        try:
            on = date(year, m, day)
        except ValueError:  # 31 December is fine; 31 June is not
            on = None
        if on is not None and on > today:
            return
        if on is not None and on > start and (month is None or m == month):
            yield on
        m = m % 12 + 1
        year += m == 1


def _between(diligence: float, least: float, most: float) -> float:
    return least + (most - least) * diligence


def _checks_and_activities(rnd, households, start, today) -> Iterator[Record]:
    # The monthly spot check (月度抽查): the inspectors visit about two households in five, and a visit
    # judges two rules. Households keep their habits from month to month.
    for on in _days(start, today, day=25):
        visited = [h for h in households if _present(h, on) and rnd.random() < 0.4]
        for rule, least, most in [("垃圾分类", 0.35, 0.95), ("门前三包", 0.3, 0.9)]:
            passed = [h.number for h in visited if rnd.random() < _between(h.diligence, least, most)]
            yield Record(rule, on, passed, f"{on.month}月{rule}抽查合格", batch=True)
    for on in _days(start, today, day=20):
        if on.month % 3 == 0:
            passed = [
                h.number for h in households if _present(h, on) and rnd.random() < _between(h.diligence, 0.02, 0.45)
            ]
            yield Record("美丽庭院", on, passed, f"第{on.month // 3}季度美丽庭院评比合格", batch=True)
    for on in _days(start, today, day=8):
        for activity, on_day in zip(VOLUNTEERING[on.month], [on, on.replace(day=22)], strict=False):
            if on_day <= today:
                came = [h.number for h in households if _present(h, on_day) and rnd.random() < 0.35 * h.civic**2]
                yield Record("志愿服务", on_day, came, f"志愿服务：{activity}", batch=True)

    # Standing bodies: the villagers' representatives (村民代表) meet each quarter; the village
    # guard (护村队) patrols every month.
    civic = sorted(households, key=lambda h: -h.civic * rnd.random())
    size = max(1, len(households) // 12)
    representatives, guards = civic[:size], civic[size : 2 * size]
    for on in _days(start, today, day=10):
        if on.month % 3 == 1:
            came = [h.number for h in representatives if _present(h, on) and rnd.random() < 0.85]
            yield Record("村民议事", on, came, f"{on.month}月村民代表会议", batch=True)
        came = [h.number for h in guards if _present(h, on) and rnd.random() < 0.8]
        yield Record("平安巡防", on.replace(day=15), came, f"{on.month}月护村队夜间巡逻", batch=True)

    for rule, month, day, note, least, most in ANNUAL:
        for on in _days(start, today, month=month, day=day):
            chosen = [
                h.number for h in households if _present(h, on) and rnd.random() < _between(h.diligence, least, most)
            ]
            yield Record(rule, on, chosen, note, batch=True)

    # This year's public works ran through two groups only.
    works = {h.group for h in rnd.sample(households, min(2, len(households)))}
    for on in _days(start, today, month=4, day=18):
        chosen = [h.number for h in households if h.group in works and _present(h, on) and rnd.random() < 0.9]
        yield Record("支持村庄建设", on, chosen, "配合污水管网改造施工", batch=True)


def _singles(rnd, households, start, today) -> Iterator[Record]:
    for h in households:
        first = max(start, h.opened_on) + timedelta(days=1)
        last = min(today, h.closed_on - timedelta(days=1)) if h.closed_on else today
        if last < first:
            continue
        for rule, base, civic, careless, notes in SINGLES:
            rate = base + civic * h.civic**2 + careless * (1 - h.diligence) ** 3
            for _ in range(poisson(rnd, rate * (last - first).days / 365)):
                on = first + timedelta(days=rnd.randint(0, (last - first).days))
                yield Record(rule, on, [h.number], rnd.choice(notes), batch=False)
                if rule == "邻里互助" and rnd.random() < 0.025:
                    # The same good deed, entered twice by two people: found and reversed later.
                    yield Record(rule, on, [h.number], "", batch=False, mistake="重复录入，撤销")


def _adjustments(rnd, households, start, today) -> Iterator[Adjust]:
    founding = [h for h in households if h.opened_on == start and h.closed_on is None]
    if len(founding) < 10:
        return
    carried = start + timedelta(days=12)
    for h in rnd.sample(founding, 4):
        yield Adjust(h.number, rnd.choice([2, 3, 5, 6]), "结转原纸质台账积分（村两委会议确认）", carried)
    for on in _days(start, today, month=9, day=16):
        for h in rnd.sample(founding, 3):
            yield Adjust(h.number, 5, "防台抗台中表现突出，经村两委会议研究加分", on)
    late = today - timedelta(days=rnd.randint(15, 40))
    yield Adjust(rnd.choice(founding).number, 2, "与纸质台账核对，补登漏记积分", late)
    yield Adjust(rnd.choice(founding).number, -5, "违章建筑逾期未拆除，经村民代表会议决定追加扣分", late)


def _slips(rnd, steps, active_now, by_number, rules) -> list[Step]:
    """The year's other mistakes, found in review and put right today."""
    singles = [
        s for s in steps if isinstance(s, Record) and not s.batch and not s.mistake and s.numbers[0] in active_now
    ]
    deductions = [s for s in singles if rules[s.rule].points < 0]
    awards = [s for s in singles if rules[s.rule].points > 0 and rules[s.rule].cap is None]
    volunteering = [s for s in steps if isinstance(s, Record) and s.rule == "志愿服务" and s.numbers]
    fixes: list[Step] = []
    for record in rnd.sample(deductions, min(2, len(deductions))):
        fixes.append(Reverse(record, record.numbers[0], "当事人提出异议，经村民代表复核非本户所为，撤销扣分"))
    for record in rnd.sample(volunteering, min(1, len(volunteering))):
        number = rnd.choice([n for n in record.numbers if n in active_now] or [""])
        if number:
            fixes.append(Reverse(record, number, "误录：该户当日未参加活动"))
    for record in rnd.sample(awards, min(1, len(awards))):
        # A typo in the household number: reverse it, and record the deed for the right household.
        wrong = record.numbers[0]
        neighbours = [f"{int(wrong) + step:04d}" for step in (1, -1, 10, -10)]
        right = next((n for n in neighbours if n in active_now and by_number[n].opened_on < record.on), None)
        if right:
            fixes.append(Reverse(record, wrong, f"户号录错，应为{right}户"))
            fixes.append(Record(record.rule, record.on, [right], f"{record.note}（更正户号）", batch=False))
    return fixes


def poisson(rnd: random.Random, mean: float) -> int:
    # Knuth's method: fine for the small means used here.
    limit, count, product = pow(2.718281828459045, -mean), 0, rnd.random()
    while product > limit:
        count += 1
        product *= rnd.random()
    return count
