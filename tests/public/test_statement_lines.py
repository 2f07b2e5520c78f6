"""The statement's lines on the villager's record and on the clerk's statement page read exactly as
the templates' own lookups and filters wrote them, before the lines were read once in the views.

Each test renders the lines' former template beside the page and asks for every line in it, byte
for byte: an award with a note and a photo, a deduction and the reversal that undid it, an
adjustment (no rule, titled by its kind), an entry recorded weeks after its deed (补记), a
redemption, and the opening.
"""

from datetime import timedelta

import pytest
from django.template import Context, Template
from django.urls import reverse
from django.utils import timezone, translation

from credits.selectors import statement
from credits.services import entry_adjust, entry_record, entry_reverse
from evidence.services import evidence_add
from exchange.services import product_restock, redemption_create
from tests.evidence.conftest import PDF, image_bytes, upload
from tests.factories import ProductFactory
from tests.public.test_lookup import card_url

pytestmark = pytest.mark.django_db

LOOKUP_LINE = """{% load i18n %}{% for row in entries %}{% with entry=row.entry %}
        <li class="lk-entry">
          <div class="lk-what">
            <div class="lk-title">{{ row.title }}
              {% if entry.rule_name %}<span class="tag">{{ entry.get_kind_display }}</span>{% endif %}
              {% if row.reversed %}<span class="tag void">{% translate "reversed" %}</span>{% endif %}</div>
            {% if entry.note %}<div class="lk-entry-note">{{ entry.note }}</div>{% endif %}
            {% include "evidence/_thumbnails.html" with evidence=row.evidence %}
            <div class="muted lk-small">{{ entry.occurred_on|date:"Y-m-d" }}
              {% if entry.recorded_late %}<span class="tag late">{% translate "recorded late" context "entry" %}</span> {% blocktranslate with day=entry.created_at|date:"Y-m-d" %}recorded {{ day }}{% endblocktranslate %}{% endif %}</div>
          </div>
          <div class="lk-amount">
            <span class="num lk-points {% if entry.points >= 0 %}plus{% else %}minus{% endif %}">{{ entry.points|stringformat:"+d" }}</span>
            <span class="muted lk-small">{% translate "balance after" %} <span class="num">{{ entry.balance_after }}</span></span>
          </div>
        </li>
      {% endwith %}{% endfor %}"""  # noqa: E501  # noqa: E501 (the template as it was, its lines as long)

CLERK_LINES = """{% load i18n %}{% for row in rows %}{% with entry=row.entry %}
    <tr class="{% cycle 'row1' 'row2' %}{% if row.reversal %} xf-reversed{% endif %}" id="entry-{{ entry.pk }}">
      <td class="xf-nowrap">{{ entry.occurred_on|date:"Y-m-d" }}{% if entry.recorded_late %} <span class="xf-late" title="{% blocktranslate with day=entry.created_at|date:'Y-m-d' %}recorded {{ day }}{% endblocktranslate %}">{% translate "recorded late" context "entry" %}</span>{% endif %}</td>
      <td class="{% if entry.points > 0 %}xf-plus{% else %}xf-minus{% endif %}">{{ entry.points|stringformat:"+d" }}</td>
      <td>{{ entry.rule_name|default:"-" }}</td>
      <td class="xf-nowrap">{{ entry.get_kind_display }} <span class="xf-muted">#{{ entry.pk }}</span></td>
      <td>{{ entry.note|default:"" }}</td>
      <td>{% if entry.in_score %}{{ entry.score_after }}{% else %}<span class="xf-muted">{{ entry.score_after }}</span>{% endif %}</td>
      <td>{{ entry.balance_after }}</td>
      <td>{{ entry.recorded_by.get_full_name|default:entry.recorded_by.username }}</td>
      <td class="xf-nowrap xf-muted">{{ entry.created_at|date:"Y-m-d H:i" }}</td>
      <td class="xf-status xf-nowrap">
        {% if row.reversal %}
          <a href="{% url 'admin:credits_entry_change' row.reversal.pk %}">{% blocktranslate with number=row.reversal.pk %}Reversed by #{{ number }}{% endblocktranslate %}</a>
        {% elif entry.reverses_id %}
          <a href="{% url 'admin:credits_entry_change' entry.reverses_id %}">{% blocktranslate with number=entry.reverses_id %}Reverses #{{ number }}{% endblocktranslate %}</a>
        {% elif row.can_reverse %}
          <a class="button" href="{% url 'admin:credits_entry_reverse' entry.pk %}">{% translate "Reverse" %}</a>
        {% endif %}
      </td>
    </tr>
  {% endwith %}{% endfor %}"""  # noqa: E501


@pytest.fixture
def history(a1, alice, sam, award, deduction, shop_a):
    """Every kind of line a statement shows, the newest an award recorded weeks after its deed."""
    today = timezone.localdate()
    alice.first_name, alice.last_name = "丽", "王"
    alice.save()
    noted = entry_record(household=a1, rule=award, occurred_on=today, by=alice, note="帮邻居收稻 <3 & “好”")
    evidence_add(household=a1, file=upload(image_bytes()), by=alice, entry=noted)
    evidence_add(household=a1, file=upload(PDF, "单据.pdf", "application/pdf"), by=alice, entry=noted)
    mistaken = entry_record(household=a1, rule=deduction, occurred_on=today, by=alice)
    entry_reverse(entry=mistaken, reason="记错了", by=alice)
    entry_adjust(household=a1, points=-3, reason="更正", by=alice)
    rice = ProductFactory(shop=shop_a, name="大米", price=4)
    product_restock(product=rice, quantity=10, by=alice)
    redemption_create(shop=shop_a, household=a1, quantities=[(rice.pk, 1)], by=sam, idempotency_key="k1")
    entry_record(household=a1, rule=award, occurred_on=today - timedelta(days=20), by=alice)
    return a1


@pytest.mark.parametrize("language", ["zh-hans", "en"])
def test_the_records_lines_read_as_the_template_wrote_them(client, history, language):
    response = client.get(card_url(history), HTTP_ACCEPT_LANGUAGE=language)

    page = response.content.decode()
    with translation.override(language):
        lines = Template(LOOKUP_LINE).render(Context({"entries": response.context["entries"]}))
    assert lines in page
    assert lines.count('<li class="lk-entry">') == 7
    assert 'class="tag late"' in lines and 'class="tag void"' in lines and "&lt;3 &amp;" in lines


@pytest.mark.parametrize("language", ["zh-hans", "en"])
def test_the_clerks_statement_lines_read_as_the_template_wrote_them(client, history, alice, language):
    client.force_login(alice)
    response = client.get(
        reverse("admin:households_household_statement", args=[history.pk]), HTTP_ACCEPT_LANGUAGE=language
    )

    page = response.content.decode()
    rows = []
    for entry in statement(history):
        reversal = getattr(entry, "reversal", None)
        can_reverse = reversal is None and entry.kind in {"award", "deduction", "adjustment"}
        rows.append({"entry": entry, "reversal": reversal, "can_reverse": can_reverse})
    with translation.override(language):
        lines = Template(CLERK_LINES).render(Context({"rows": rows}))
    assert lines in page
    assert lines.count("<tr ") == 7
    assert "xf-late" in lines and "xf-reversed" in lines and "丽 王" in lines and "&lt;3 &amp;" in lines
