"""Recording changes the ORM's signals do not see: the bulk writes of a roster import.

django-auditlog records every `save()`, `delete()` and many-to-many change by itself. A roster of
thousands of households is written with `bulk_create`/`bulk_update`, which send no signals, so the
service that does so records the changes here, in one INSERT, computed by auditlog's own diff
(the same fields left out and secrets hidden as for a single save).
"""

from auditlog.cid import get_cid
from auditlog.context import auditlog_value
from auditlog.diff import model_instance_diff
from django.contrib.contenttypes.models import ContentType

from history.models import Change
from history.tracked import scope_of


def changes_record_bulk(*, pairs: list[tuple], action: int, by) -> list[Change]:
    """One change for each (old, new) pair of instances of one model; old is None for a creation."""
    if not pairs:
        return []
    some = pairs[0][1]
    content_type = ContentType.objects.get_for_model(some)
    address = auditlog_value.get({}).get("remote_addr")  # the page's address, when a page made them
    actor = by if getattr(by, "is_authenticated", False) else None
    changes = []
    for old, new in pairs:
        diff = model_instance_diff(old, new, use_json_for_changes=True)
        if not diff:
            continue
        village, town = scope_of(new)
        changes.append(
            Change(
                content_type=content_type,
                object_pk=str(new.pk),
                object_id=new.pk,
                object_repr=str(new),
                action=action,
                changes=diff,
                actor=actor,
                actor_email=getattr(actor, "email", None),
                remote_addr=address,
                cid=get_cid(),
                village=village,
                town=town,
            )
        )
    return Change.objects.bulk_create(changes, batch_size=500)
