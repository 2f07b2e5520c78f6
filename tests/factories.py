"""factory-boy factories for the things clerks create by hand.

Ledger rows never come from a factory: `open_household` goes through the ledger's service, so
every household in a test starts with its opening entry, exactly as in the field.
"""

from datetime import date

import factory
from django.contrib.auth.models import Group, User
from django.utils import timezone

from credits.models import Catalogue, CatalogueVersion, Domain, Rule
from credits.services import household_open
from exchange.models import Product, Shop
from households.models import County, Town, Village

PASSWORD = "correct-horse-battery"


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        django_get_or_create = ("username",)
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"user{n}")
    is_staff = True
    password = factory.PostGenerationMethodCall("set_password", PASSWORD)

    @factory.post_generation
    def role(self, create, extracted, **kwargs):
        if extracted:
            self.groups.add(Group.objects.get(name=extracted))
        if create:
            self.save()


class CountyFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = County
        django_get_or_create = ("name",)

    name = factory.Sequence(lambda n: f"第{n}县")


class TownFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Town
        django_get_or_create = ("name",)

    name = factory.Sequence(lambda n: f"第{n}镇")


class VillageFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Village
        django_get_or_create = ("code",)

    code = factory.Sequence(lambda n: f"village{n}")
    name = factory.Sequence(lambda n: f"第{n}村")
    town = factory.SubFactory(TownFactory)


def catalogue_of(village) -> Catalogue:
    """The village's own catalogue, made (empty) the first time a test asks for it."""
    catalogue, _created = Catalogue.objects.get_or_create(
        village=village, defaults={"name": f"{village.name}村规民约"}
    )
    return catalogue


def version_in_force_of(village) -> CatalogueVersion:
    """The village's adopted version, in force since long before any test's deed."""
    catalogue = catalogue_of(village)
    version = catalogue.versions.filter(adopted_on__isnull=False).order_by("-effective_from").first()
    if version is None:
        long_ago = date(2000, 1, 1)
        version = CatalogueVersion.objects.create(
            catalogue=catalogue, number=1, meeting="村民代表大会", adopted_on=long_ago, effective_from=long_ago
        )
    return version


class DomainFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Domain

    name = factory.Sequence(lambda n: f"领域{n}")
    position = factory.Sequence(lambda n: 100 + n)


class RuleFactory(factory.django.DjangoModelFactory):
    """A rule of `village`'s catalogue in force (a new domain of it unless `domain` is given); the
    village is the fixed world's 农丰村 unless told otherwise.

    Rules are made here directly, not by the services, which edit only drafts: a test's world
    starts with a catalogue already adopted.
    """

    class Meta:
        model = Rule
        exclude = ("village",)

    village = factory.SubFactory(VillageFactory, code="nongfeng", name="农丰村", town__name="百步镇")
    domain = factory.LazyAttribute(lambda o: DomainFactory(version=version_in_force_of(o.village)))
    version = factory.LazyAttribute(lambda o: o.domain.version)
    name = factory.Sequence(lambda n: f"规则{n}")
    points = 2
    cap_per_year = None
    description = "测试用的积分标准"


_numbers = iter(range(1, 10**9))


# Households in tests were opened long ago, so that any deed a test dates in the past may be recorded.
OPENED_YEARS_AGO = 3


def open_household(village, *, by, number=None, head_name="张三", **fields):
    """A household opened through the ledger service, with its opening entry, three years ago unless told."""
    today = timezone.localdate()
    fields.setdefault("opened_on", today.replace(year=today.year - OPENED_YEARS_AGO, month=1, day=1))
    return household_open(
        village=village, number=number or f"T{next(_numbers):05d}", head_name=head_name, by=by, **fields
    )


class ShopFactory(factory.django.DjangoModelFactory):
    """A village shop; its shopkeepers are added by the test (`shop.shopkeepers.add(user)`)."""

    class Meta:
        model = Shop
        django_get_or_create = ("village", "name")

    village = factory.SubFactory(VillageFactory)
    name = factory.Sequence(lambda n: f"兑换超市{n}")


class ProductFactory(factory.django.DjangoModelFactory):
    """Goods with no stock: stock arrives only through `exchange.services.product_restock`."""

    class Meta:
        model = Product

    shop = factory.SubFactory(ShopFactory)
    name = factory.Sequence(lambda n: f"商品{n}")
    unit = "件"
    price = 10
    low_stock = 5
