"""A village's year for the reports: awards, deductions and a reversal in two months, goods redeemed.

Everything goes through the services, so the figures the report shows can be checked against
sums taken here independently, straight from the rows.
"""

from datetime import timedelta

import pytest
from django.utils import timezone

from credits.services import entry_record, entry_reverse
from exchange.services import product_restock
from tests.exchange.conftest import redeem
from tests.factories import ProductFactory, RuleFactory, open_household


@pytest.fixture
def today():
    return timezone.localdate()


@pytest.fixture
def history(alice, bob, a1, a2, b1, award, deduction, award_b, deduction_b, shop_a, sam, today):
    """A1 and a2 in 农丰村, b1 in 永丰村; a3 of 农丰村 in no group and never awarded."""
    a3 = open_household(a1.village, by=alice, number="0003", head_name="陈丽华")
    earlier = today - timedelta(days=45)
    big = RuleFactory(name="见义勇为", points=20, domain=award.domain)
    entry_record(household=a1, rule=award, occurred_on=earlier, by=alice)
    entry_record(household=a1, rule=big, occurred_on=today, by=alice)
    mistake = entry_record(household=a2, rule=award, occurred_on=today, by=alice)
    entry_reverse(entry=mistake, reason="录错了", by=alice)
    entry_record(household=a2, rule=deduction, occurred_on=earlier, by=alice)
    entry_record(household=a3, rule=deduction, occurred_on=today, by=alice)
    entry_record(household=b1, rule=award_b, occurred_on=today, by=bob)
    entry_record(household=b1, rule=deduction_b, occurred_on=today, by=bob)
    soap = ProductFactory(shop=shop_a, name="洗衣皂", unit="块", price=10, low_stock=5)
    oil = ProductFactory(shop=shop_a, name="食用油", unit="瓶", price=30, low_stock=2)
    product_restock(product=soap, quantity=6, by=alice)
    product_restock(product=oil, quantity=10, by=alice)
    redeem(shop_a, a1, (soap, 2), (oil, 1))
    return {"a3": a3, "big": big, "soap": soap, "oil": oil}
