"""The village board (`/board/<code>/`), on a TV in the village hall or a villager's phone, and the
front page that links every village's board.

Public and read-only: anyone may look, nothing is written, not even a village's default settings.
"""

from django.shortcuts import get_object_or_404, render

from config.replica import reads_from_replica
from households.models import Village
from public.selectors import village_board, village_boards


@reads_from_replica
def board(request, code):
    village = get_object_or_404(Village, code=code)
    return render(request, "public/board.html", {"board": village_board(village)})


@reads_from_replica
def home(request):
    """The front page, with a link to each village's board."""
    return render(request, "home.html", {"villages": village_boards()})
