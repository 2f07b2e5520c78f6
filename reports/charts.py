"""Charts as plain SVG drawn by the server: the geometry here, the markup in `reports/_chart.html`.

No script, no external file, no web font: the page works offline on a village laptop, prints
as sharp as the text beside it, and costs nothing to render. Each chart is a `viewBox` that
scales to the width of a phone or a sheet of A4; the numbers are written on the bars as well as
in the table beside each chart.
"""

from dataclasses import dataclass, field

# Widths of the viewBox: narrow enough that the text stays legible when a phone scales it down.
WIDTH = 480  # charts by month
BAR_WIDTH = 420  # horizontal bars
LABEL = 110  # room for a label left of horizontal bars
VALUE = 52  # room for the value right of them
ROW = 28


@dataclass
class Shape:
    kind: str  # "rect", "text", "line", "polyline", "circle"
    css: str = ""
    x: float = 0
    y: float = 0
    w: float = 0
    h: float = 0
    x2: float = 0
    y2: float = 0
    text: str = ""
    anchor: str = "start"
    points: str = ""


@dataclass
class Chart:
    width: int
    height: int
    title: str
    shapes: list[Shape] = field(default_factory=list)


def _fmt(value: float, percent: bool = False) -> str:
    if percent:
        return f"{value * 100:.0f}%"
    return f"{value:,.0f}" if isinstance(value, int) or float(value).is_integer() else f"{value:,.1f}"


def hbars(title: str, rows: list[tuple[str, list[tuple[float, str]]]], *, percent: bool = False) -> Chart:
    """Horizontal bars, one row per label with one bar per series: [(label, [(value, css), …]), …].

    Values are drawn by magnitude (a deduction of −40 is a bar as long as an award of 40), each
    bar labelled with its signed value.
    """
    series = max((len(bars) for _label, bars in rows), default=1)
    bar_h = (ROW - 8) / series
    top = max((abs(value) for _label, bars in rows for value, _css in bars), default=0) or 1
    if percent:
        top = max(top, 1.0)
    plot = BAR_WIDTH - LABEL - VALUE
    chart = Chart(BAR_WIDTH, max(ROW * len(rows), ROW) + 10, title)
    for i, (label, bars) in enumerate(rows):
        y = 5 + i * ROW
        chart.shapes.append(Shape("text", "label", x=LABEL - 8, y=y + ROW / 2 + 1, text=label, anchor="end"))
        for j, (value, css) in enumerate(bars):
            length = plot * abs(value) / top
            by = y + 3 + j * bar_h
            chart.shapes.append(Shape("rect", css, x=LABEL, y=by, w=max(length, 1 if value else 0), h=bar_h - 2))
            if value or series == 1:
                chart.shapes.append(
                    Shape("text", "value", x=LABEL + length + 5, y=by + bar_h / 2 + 2, text=_fmt(value, percent))
                )
    chart.shapes.append(Shape("line", "axis", x=LABEL, y=2, x2=LABEL, y2=chart.height - 4))
    return chart


def month_bars(title: str, months: list[tuple[str, float, float]]) -> Chart:
    """Columns by month: the first value above the axis (awards), the second below it (deductions)."""
    height, pad_top, pad_bottom = 230, 18, 34
    n = max(len(months), 1)
    slot = (WIDTH - 20) / n
    up = max((a for _m, a, _d in months), default=0)
    down = max((abs(d) for _m, _a, d in months), default=0)
    span = (up + down) or 1
    plot_h = height - pad_top - pad_bottom
    zero = pad_top + plot_h * up / span
    chart = Chart(WIDTH, height, title)
    for i, (label, awarded, deducted) in enumerate(months):
        x = 10 + i * slot + slot * 0.15
        w = slot * 0.7
        a_h = plot_h * awarded / span
        d_h = plot_h * abs(deducted) / span
        chart.shapes.append(Shape("rect", "award", x=x, y=zero - a_h, w=w, h=a_h))
        chart.shapes.append(Shape("rect", "deduction", x=x, y=zero, w=w, h=d_h))
        if awarded:
            chart.shapes.append(
                Shape("text", "value small", x=x + w / 2, y=zero - a_h - 4, text=_fmt(awarded), anchor="middle")
            )
        if deducted:
            chart.shapes.append(
                Shape("text", "value small", x=x + w / 2, y=zero + d_h + 11, text=_fmt(deducted), anchor="middle")
            )
        chart.shapes.append(Shape("text", "label", x=x + w / 2, y=height - 10, text=label, anchor="middle"))
    chart.shapes.append(Shape("line", "axis", x=10, y=zero, x2=WIDTH - 10, y2=zero))
    return chart


def line(title: str, points: list[tuple[str, float]], *, css: str = "line") -> Chart:
    """A line through the values by month, each point labelled with its value."""
    height, pad_top, pad_bottom = 190, 22, 34
    n = max(len(points), 1)
    slot = (WIDTH - 40) / n
    top = max((value for _label, value in points), default=0) or 1
    plot_h = height - pad_top - pad_bottom
    chart = Chart(WIDTH, height, title)
    base = pad_top + plot_h
    chart.shapes.append(Shape("line", "axis", x=20, y=base, x2=WIDTH - 20, y2=base))
    coords = []
    for i, (label, value) in enumerate(points):
        x = 20 + slot * (i + 0.5)
        y = base - plot_h * value / top
        coords.append(f"{x:.1f},{y:.1f}")
        chart.shapes.append(Shape("circle", css, x=x, y=y))
        if value:
            chart.shapes.append(Shape("text", "value small", x=x, y=y - 8, text=_fmt(value), anchor="middle"))
        chart.shapes.append(Shape("text", "label", x=x, y=height - 10, text=label, anchor="middle"))
    if coords:
        chart.shapes.insert(1, Shape("polyline", css, points=" ".join(coords)))
    return chart
