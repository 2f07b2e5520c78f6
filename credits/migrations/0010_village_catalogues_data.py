"""Give every village its own copy of the catalogue every village shared until now.

The shared domains and rules stay as they are and become the site's template (version 1). Each
village gets a catalogue whose version 1 is a copy of them, with the same keys, adopted and in
force from the ledger's first day; the village's past entries are pointed at the village's own
copy of the rule they used, and take a copy of its domain's name and its standard, as an entry
recorded from now on does. Points, scores and balances do not move, so `reconcile` stays clean.
The ledger's append-only triggers are lifted for the repointing and put back after it.
"""

from django.db import migrations
from django.db.models import Min
from django.utils import timezone

from credits import append_only


def forwards(apps, schema_editor):
    Catalogue = apps.get_model("credits", "Catalogue")
    Version = apps.get_model("credits", "CatalogueVersion")
    Domain = apps.get_model("credits", "Domain")
    Rule = apps.get_model("credits", "Rule")
    Entry = apps.get_model("credits", "Entry")
    Village = apps.get_model("households", "Village")

    append_only.remove(schema_editor.connection, "credits")
    first_day = Entry.objects.aggregate(first=Min("occurred_on"))["first"] or timezone.localdate()
    template = Catalogue.objects.create(name="村规民约模板")
    shared = Version.objects.create(catalogue=template, number=1, adopted_on=first_day, effective_from=first_day)
    domains = list(Domain.objects.order_by("id"))
    for domain in domains:
        domain.version, domain.key = shared, f"d{domain.pk}"
    Domain.objects.bulk_update(domains, ["version", "key"])
    rules = list(Rule.objects.order_by("id"))
    for rule in rules:
        rule.version, rule.key = shared, f"r{rule.pk}"
    Rule.objects.bulk_update(rules, ["version", "key"])
    domain_of = {domain.pk: domain for domain in domains}

    for village in Village.objects.order_by("id"):
        catalogue = Catalogue.objects.create(village=village, name=f"{village.name}村规民约")
        version = Version.objects.create(
            catalogue=catalogue, number=1, based_on=shared, adopted_on=first_day, effective_from=first_day
        )
        copies = {
            domain.pk: Domain.objects.create(
                version=version,
                key=domain.key,
                name=domain.name,
                position=domain.position,
                description=domain.description,
            )
            for domain in domains
        }
        for rule in rules:
            copy = Rule.objects.create(
                version=version,
                key=rule.key,
                domain=copies[rule.domain_id],
                name=rule.name,
                points=rule.points,
                cap_per_year=rule.cap_per_year,
                description=rule.description,
                active=rule.active,
                position=rule.position,
            )
            Entry.objects.filter(rule_id=rule.pk, household__village=village).update(
                rule=copy, domain_name=domain_of[rule.domain_id].name, rule_standard=rule.description
            )
    append_only.install(schema_editor.connection, "credits")


def backwards(apps, schema_editor):
    Catalogue = apps.get_model("credits", "Catalogue")
    Version = apps.get_model("credits", "CatalogueVersion")
    Domain = apps.get_model("credits", "Domain")
    Rule = apps.get_model("credits", "Rule")
    Entry = apps.get_model("credits", "Entry")

    append_only.remove(schema_editor.connection, "credits")
    # The site's template made by `forwards`: the rules every village shared before.
    template = Catalogue.objects.filter(village__isnull=True, town__isnull=True).order_by("id").first()
    shared = {rule.key: rule.pk for rule in Rule.objects.filter(version__catalogue=template)}
    own = Rule.objects.exclude(version__catalogue=template)
    for rule in own:
        Entry.objects.filter(rule=rule).update(rule_id=shared[rule.key])
    own.delete()
    Domain.objects.exclude(version__catalogue=template).delete()
    Domain.objects.update(version=None)
    Rule.objects.update(version=None)
    Version.objects.update(based_on=None)
    Version.objects.all().delete()
    Catalogue.objects.all().delete()
    append_only.install(schema_editor.connection, "credits")


class Migration(migrations.Migration):
    dependencies = [("credits", "0009_village_catalogues"), ("households", "0004_full_phone_permission")]

    operations = [migrations.RunPython(forwards, backwards)]
