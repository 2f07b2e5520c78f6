"""The default catalogue: 5 domains and 40 rules, after the scheme of 农丰村 (海盐县).

Clerks edit it freely afterwards; entries keep the name and points they were recorded with.
Each rule: name, points per occurrence, times per household per year (None: no limit), standard.
"""

from django.db import migrations

CATALOGUE = [
    (
        "民生实事",
        "参与村庄公共事务，支持民生项目",
        [
            ("村民议事", 2, 12, "参加村民议事会、村民代表会议并建言献策"),
            ("支持村庄建设", 5, 4, "支持配合道路、水利、污水治理等村庄公共工程建设"),
            ("按时参保缴费", 2, 1, "按时足额缴纳城乡居民医疗保险、养老保险"),
            ("参加技能培训", 2, 6, "参加村、镇组织的农业技术或就业技能培训"),
            ("带头发展产业", 5, 2, "带头发展特色种养、民宿农家乐等增收产业"),
            ("配合征迁工作", 5, 2, "按时签约，配合土地征收和房屋征迁"),
            ("违章搭建", -10, None, "新增违法建筑、乱搭乱建，每处"),
            ("阻挠公共事务", -5, None, "无正当理由阻挠村集体公共事务或工程施工"),
        ],
    ),
    (
        "乡风文明",
        "移风易俗，孝老爱亲，培育文明家风",
        [
            ("移风易俗", 5, 2, "婚事新办、丧事简办，签订并践行移风易俗承诺"),
            ("孝老爱亲", 5, 2, "孝敬赡养老人、关爱家庭成员，经村民评议认定"),
            ("家庭和睦", 2, 1, "家庭和睦，全年无家庭矛盾纠纷"),
            ("弘扬好家风", 3, 1, "家风家训上墙，参加好家风好家训评选"),
            ("获评先进典型", 10, 2, "获评身边好人、最美家庭、文明家庭等荣誉"),
            ("红白事大操大办", -20, None, "婚丧嫁娶大操大办、铺张浪费，每次"),
            ("参与赌博迷信", -10, None, "参与聚众赌博或封建迷信活动，每次"),
            ("不履行赡养义务", -20, None, "不赡养老人，经调解仍不改正"),
        ],
    ),
    (
        "美丽乡村",
        "庭院整洁，环境优美，人居和谐",
        [
            ("美丽庭院", 3, 4, "庭院干净整洁、绿化美化，季度检查合格"),
            ("垃圾分类", 1, 12, "正确开展垃圾分类，月度检查合格"),
            ("门前三包", 1, 12, "落实门前三包责任，屋前屋后无杂物"),
            ("植绿护绿", 2, 2, "参与植树造林、认养绿地"),
            ("破坏环境", -5, None, "乱扔垃圾、乱倒污水、乱堆乱放等破坏环境行为，每次"),
            ("露天焚烧", -5, None, "露天焚烧秸秆、垃圾，每次"),
            ("侵占公共空间", -5, None, "侵占道路、河道、绿地等公共空间，每处"),
            ("散养禽畜", -3, None, "散养家禽家畜影响环境卫生，经劝导不改"),
        ],
    ),
    (
        "公益美德",
        "热心公益，互帮互助，崇德向善",
        [
            ("志愿服务", 2, 24, "参加志愿服务活动，每次半天以上"),
            ("邻里互助", 2, 12, "主动帮助邻里解决生产生活困难"),
            ("无偿献血", 5, 2, "参加无偿献血"),
            ("捐资助学", 3, 4, "为公益事业捐款捐物、捐资助学"),
            ("见义勇为", 10, None, "见义勇为，经有关部门认定"),
            ("拾金不昧", 3, None, "拾金不昧，主动归还失物"),
            ("结对帮扶", 3, 4, "结对帮扶困难户、留守儿童和孤寡老人"),
            ("损坏公共设施", -5, None, "损坏路灯、健身器材、宣传栏等公共设施，每次"),
        ],
    ),
    (
        "平安创建",
        "遵纪守法，防范风险，共建平安",
        [
            ("调解纠纷", 3, 6, "协助化解邻里矛盾纠纷"),
            ("平安巡防", 2, 24, "参加平安巡逻、护村队值守"),
            ("反诈宣传", 1, 1, "家庭成员安装反诈应用并参加反诈宣传"),
            ("消防安全", 1, 2, "家中消防器材齐全、无安全隐患，检查合格"),
            ("提供违法线索", 5, None, "提供违法犯罪线索，经查证属实"),
            ("交通违法", -10, None, "酒驾、无证驾驶等受到处罚，每次"),
            ("私拉乱接电线", -5, None, "私拉乱接电线、违规使用燃气等安全隐患，经劝导不改"),
            ("受到治安处罚", -20, None, "家庭成员受到治安管理处罚，每次"),
        ],
    ),
]


def install(apps, schema_editor):
    Domain = apps.get_model("credits", "Domain")
    Rule = apps.get_model("credits", "Rule")
    for position, (name, description, rules) in enumerate(CATALOGUE, start=1):
        domain = Domain.objects.create(name=name, position=position, description=description)
        Rule.objects.bulk_create(
            Rule(domain=domain, name=rule, points=points, cap_per_year=cap, description=standard, position=i)
            for i, (rule, points, cap, standard) in enumerate(rules, start=1)
        )


def remove(apps, schema_editor):
    Domain = apps.get_model("credits", "Domain")
    Rule = apps.get_model("credits", "Rule")
    names = [name for name, _description, _rules in CATALOGUE]
    Rule.objects.filter(domain__name__in=names).delete()
    Domain.objects.filter(name__in=names).delete()


class Migration(migrations.Migration):
    dependencies = [("credits", "0002_append_only")]

    operations = [migrations.RunPython(install, remove)]
