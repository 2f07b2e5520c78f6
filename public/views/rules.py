"""A village's published catalogue of rules (村规民约), `/lookup/rules/<code>/`: what each deed
earns or costs, for anyone to read on a phone or print on A4. Public and read-only."""

from django.shortcuts import get_object_or_404, render
from django.utils import timezone

from credits.selectors import published_catalogue
from households.models import Village


def catalogue(request, code):
    village = get_object_or_404(Village.objects.select_related("town"), code=code)
    published = published_catalogue(village.pk, on=timezone.localdate())
    return render(request, "public/rules.html", {"village": village, "published": published})
