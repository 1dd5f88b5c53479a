#!/usr/bin/env python3
"""Draw a Grafana dashboard's panels from a real Prometheus into one PNG.

    render.py --prometheus http://127.0.0.1:16090 --start EPOCH --end EPOCH \
              [--dashboard ringd.json] [--step 2] [--out ringd.png]

For every panel of the dashboard (timeseries, stat and row panels) the
panel's own PromQL is sent to /api/v1/query_range over [start, end] with the
given step, after Grafana's template interpolation: $__rate_interval becomes
--rate-interval (1m), a variable whose "All" has an allValue (group: .*) gets
that value, and one without (instance) gets every value of its
label_values(...) query as a regex, as Grafana does for "All". The panels are
then drawn in the dashboard's 24-column grid, in Grafana's dark theme, with
their titles, legends (and legend calculations), units, stacking, fixed
colours and thresholds. A target that returns no data is an error: the
program lists every such panel and exits 1 without writing the picture.

Grafana itself is not installable where this was written; this is a faithful
stand-in, not a Grafana screenshot. Python 3 standard library and matplotlib.
"""

import argparse
import datetime as dt
import json
import math
import re
import sys
import urllib.error
import urllib.parse
import urllib.request

import matplotlib

matplotlib.use("Agg")
import matplotlib.dates as mdates  # noqa: E402
import matplotlib.pyplot as plt  # noqa: E402
import matplotlib.ticker as mticker  # noqa: E402
from matplotlib.patches import Rectangle  # noqa: E402

# Grafana 10 dark theme.
CANVAS = "#111217"
PANEL = "#181b1f"
BORDER = "#2c2f35"
TEXT = "#ccccdc"
TEXT2 = "#8e8e9e"
GRID = "#26282d"
PALETTE = ["#7EB26D", "#EAB839", "#6ED0E0", "#EF843C", "#E24D42", "#1F78C1", "#BA43A9", "#705DA0",
           "#508642", "#CCA300", "#447EBC", "#C15C17", "#890F02", "#0A437C", "#6D1F62", "#584477"]
NAMED = {"green": "#73BF69", "yellow": "#FADE2A", "red": "#F2495C", "orange": "#FF9830", "purple": "#B877D9",
         "blue": "#5794F2", "dark-red": "#C4162A", "dark-green": "#37872D", "dark-yellow": "#E0B400",
         "dark-orange": "#FA6400", "dark-blue": "#1F60C4", "dark-purple": "#8F3BB8", "text": TEXT,
         "transparent": "#00000000"}

# Grid geometry in pixels: Grafana's 24 columns, 30 px rows, 8 px gutters.
WIDTH = 1600
PAD = 10
GUTTER = 8
ROW_PX = 30
HEADER = 64
FOOTER = 44
DPI = 100
FONT = "DejaVu Sans"


def colour(c):
    return NAMED.get(c, c)


# --- Prometheus -----------------------------------------------------------------

class Prom:
    def __init__(self, base):
        self.base = base.rstrip("/")

    def get(self, path, params):
        url = self.base + path + "?" + urllib.parse.urlencode(params, doseq=True)
        try:
            with urllib.request.urlopen(url, timeout=30) as r:
                body = json.load(r)
        except urllib.error.HTTPError as e:
            body = json.load(e)
        if body.get("status") != "success":
            raise RuntimeError(f"{path} {params}: {body.get('errorType')}: {body.get('error')}")
        return body["data"]

    def query_range(self, expr, start, end, step):
        data = self.get("/api/v1/query_range", {"query": expr, "start": start, "end": end, "step": step})
        out = []
        for s in data["result"]:
            ts = [float(t) for t, _ in s["values"]]
            vs = [float(v) for _, v in s["values"]]
            out.append((s["metric"], ts, vs))
        return out

    def label_values(self, label, match, start, end):
        params = {"start": start, "end": end}
        if match:
            params["match[]"] = match
        return self.get(f"/api/v1/label/{label}/values", params)

    def version(self):
        try:
            return self.get("/api/v1/status/buildinfo", {})["version"]
        except Exception:  # noqa: BLE001 - only for the caption
            return "?"


# --- Grafana's interpolation ---------------------------------------------------------

def prom_regex_escape(v):
    # Grafana's prometheusSpecialRegexEscape: a backslash for the regex,
    # doubled for the PromQL string literal.
    v = v.replace("\\", "\\\\\\\\")
    return re.sub(r"[$^*{}\[\]'+?.()|]", lambda m: "\\\\" + m.group(0), v)


def resolve_variables(dash, prom, start, end):
    """The value each template variable has with "All" selected."""
    values, shown = {}, {}
    for var in dash.get("templating", {}).get("list", []):
        name, kind = var["name"], var.get("type")
        if kind == "query":
            q = var.get("query")
            q = q.get("query") if isinstance(q, dict) else q
            if var.get("includeAll") and var.get("allValue"):
                values[name], shown[name] = var["allValue"], "All"
                continue
            m = re.fullmatch(r"\s*label_values\(\s*(?:(.+?)\s*,\s*)?([a-zA-Z_][a-zA-Z0-9_]*)\s*\)\s*", q or "")
            if not m:
                raise SystemExit(f"variable {name}: cannot evaluate query {q!r}")
            vals = sorted(prom.label_values(m.group(2), m.group(1), start, end))
            if not vals:
                raise SystemExit(f"variable {name}: {q} has no values")
            if var.get("includeAll"):
                esc = [prom_regex_escape(v) for v in vals]
                values[name] = esc[0] if len(esc) == 1 else "(" + "|".join(esc) + ")"
                shown[name] = "All"
            else:
                values[name], shown[name] = prom_regex_escape(vals[0]), vals[0]
        elif kind in ("custom", "constant", "textbox"):
            cur = var.get("current", {}).get("value", var.get("query", ""))
            values[name] = cur[0] if isinstance(cur, list) else cur
            shown[name] = values[name]
        elif kind == "datasource":
            continue
        else:
            raise SystemExit(f"variable {name}: type {kind} not supported")
    return values, shown


def interpolate(expr, values, rate_interval):
    builtins = {"__rate_interval": rate_interval, "__interval": rate_interval, "__range": rate_interval}
    allv = {**builtins, **values}

    def sub(m):
        name = m.group(1) or m.group(2) or m.group(3)
        if name not in allv:
            raise SystemExit(f"unknown variable ${name} in {expr}")
        return allv[name]

    return re.sub(r"\$\{(\w+)(?::\w+)?\}|\[\[(\w+)\]\]|\$(\w+)", sub, expr)


def legend_name(fmt, labels):
    if fmt and fmt != "__auto":
        return re.sub(r"\{\{\s*(\w+)\s*\}\}", lambda m: labels.get(m.group(1), ""), fmt).strip()
    name = labels.get("__name__", "")
    rest = ", ".join(f'{k}="{v}"' for k, v in sorted(labels.items()) if k != "__name__")
    return f"{name}{{{rest}}}" if rest else (name or "value")


# --- units -------------------------------------------------------------------------

def _num(v, decimals):
    if decimals is None:
        a = abs(v)
        decimals = 0 if a >= 100 or a == 0 else 1 if a >= 10 else 2 if a >= 1 else 3
        s = f"{v:.{decimals}f}"
        if "." in s:
            s = s.rstrip("0").rstrip(".")
        return s
    return f"{v:.{decimals}f}"


def _scaled(v, steps, decimals):
    for div, suffix in steps:
        if abs(v) >= div:
            return _num(v / (div or 1), decimals) + suffix
    return _num(v, decimals) + steps[-1][1]


def fmt_value(v, unit, decimals=None):
    if v is None or (isinstance(v, float) and math.isnan(v)):
        return "-"
    unit = unit or "short"
    if unit.startswith("suffix:"):
        return _num(v, decimals) + unit[len("suffix:"):]
    if unit == "s":
        return _scaled(v, [(3600, " h"), (60, " min"), (1, " s"), (1e-3, " ms"), (1e-6, " µs"), (1e-9, " ns"),
                           (0, " s")], decimals)
    if unit == "bytes":
        return _scaled(v, [(2**40, " TiB"), (2**30, " GiB"), (2**20, " MiB"), (2**10, " KiB"), (0, " B")], decimals)
    if unit == "percentunit":
        return _num(v * 100, decimals) + "%"
    if unit == "percent":
        return _num(v, decimals) + "%"
    per = {"reqps": " req/s", "ops": " ops/s", "cps": " c/s", "rps": " rd/s", "wps": " wr/s"}
    if unit in per:
        return _scaled(v, [(1e9, "B"), (1e6, "M"), (1e3, "K"), (0, "")], decimals) + per[unit]
    if unit in ("short", "none", ""):
        return _scaled(v, [(1e12, " T"), (1e9, " B"), (1e6, " Mil"), (1e3, " K"), (0, "")], decimals)
    return _num(v, decimals) + " " + unit


def calc(name, vs):
    xs = [v for v in vs if not math.isnan(v)]
    if not xs:
        return float("nan")
    return {"mean": lambda: sum(xs) / len(xs), "max": lambda: max(xs), "min": lambda: min(xs),
            "lastNotNull": lambda: xs[-1], "last": lambda: vs[-1], "sum": lambda: sum(xs),
            "firstNotNull": lambda: xs[0]}[name]()


CALC_TITLE = {"mean": "Mean", "max": "Max", "min": "Min", "lastNotNull": "Last *", "last": "Last",
              "sum": "Total", "firstNotNull": "First *"}


# --- drawing -------------------------------------------------------------------------

class Canvas:
    def __init__(self, height):
        self.h = height
        self.fig = plt.figure(figsize=(WIDTH / DPI, height / DPI), dpi=DPI, facecolor=CANVAS)

    def box(self, x, y, w, h):  # pixels from the top left -> figure fraction [l, b, w, h]
        return [x / WIDTH, 1 - (y + h) / self.h, w / WIDTH, h / self.h]

    def rect(self, x, y, w, h, face, edge=None, lw=1.0, alpha=1.0):
        l, b, ww, hh = self.box(x, y, w, h)
        self.fig.patches.append(Rectangle((l, b), ww, hh, transform=self.fig.transFigure, facecolor=face,
                                          edgecolor=edge or face, linewidth=lw, alpha=alpha, zorder=-10))

    def text(self, x, y, s, size=9, color=TEXT, weight="normal", ha="left", va="top", **kw):
        return self.fig.text(x / WIDTH, 1 - y / self.h, s, fontsize=size, color=color, fontweight=weight,
                             ha=ha, va=va, family=FONT, **kw)


def text_px(s, size):
    """Rough width in pixels of s at size points (DejaVu Sans)."""
    return len(s) * size * 0.62 * DPI / 72


def series_colours(panel, names):
    fc = panel.get("fieldConfig", {})
    fixed = {}
    for o in fc.get("overrides", []):
        m = o.get("matcher", {})
        if m.get("id") == "byName":
            for p in o.get("properties", []):
                if p.get("id") == "color" and p["value"].get("mode") == "fixed":
                    fixed[m["options"]] = colour(p["value"]["fixedColor"])
    mode = fc.get("defaults", {}).get("color", {}).get("mode", "palette-classic")
    out = []
    for i, n in enumerate(names):
        if n in fixed:
            out.append(fixed[n])
        elif mode == "fixed":
            out.append(colour(fc["defaults"]["color"].get("fixedColor", PALETTE[0])))
        else:
            out.append(PALETTE[i % len(PALETTE)])
    return out


def threshold_colour(steps, v):
    c = steps[0]["color"] if steps else "green"
    for s in steps:
        if s.get("value") is None or (not math.isnan(v) and v >= s["value"]):
            c = s["color"]
    return colour(c)


def time_axis(ax, start, end, width_px):
    """Ticks at round times, as many as fit (~90 px a label), like Grafana's."""
    ax.set_xlim(dt.datetime.fromtimestamp(start, dt.timezone.utc), dt.datetime.fromtimestamp(end, dt.timezone.utc))
    span, fit = end - start, max(2.0, width_px / 90)
    iv = next((i for i in (5, 10, 15, 30, 60, 120, 300, 600, 900, 1800, 3600, 7200, 21600, 43200)
               if span / i <= fit), 86400)
    if iv < 60:
        ax.xaxis.set_major_locator(mdates.SecondLocator(bysecond=range(0, 60, iv), tz=dt.timezone.utc))
    elif iv < 3600:
        ax.xaxis.set_major_locator(mdates.MinuteLocator(byminute=range(0, 60, iv // 60), tz=dt.timezone.utc))
    elif iv < 86400:
        ax.xaxis.set_major_locator(mdates.HourLocator(byhour=range(0, 24, iv // 3600), tz=dt.timezone.utc))
    else:
        ax.xaxis.set_major_locator(mdates.DayLocator(tz=dt.timezone.utc))
    ax.xaxis.set_major_formatter(mdates.DateFormatter("%H:%M:%S" if iv < 60 else "%H:%M", tz=dt.timezone.utc))


def style_axes(ax):
    ax.set_facecolor("none")
    for s in ax.spines.values():
        s.set_visible(False)
    ax.tick_params(colors=TEXT2, labelsize=7.5, length=0, pad=3)
    for lab in ax.get_xticklabels() + ax.get_yticklabels():
        lab.set_family(FONT)
    ax.grid(True, color=GRID, linewidth=0.8)
    ax.set_axisbelow(True)


def draw_timeseries(cv, panel, px, data, start, end):
    x, y, w, h = px
    fc = panel.get("fieldConfig", {}).get("defaults", {})
    custom = fc.get("custom", {})
    unit, decimals = fc.get("unit", "short"), fc.get("decimals")
    legend = panel.get("options", {}).get("legend", {})
    calcs = legend.get("calcs", []) if legend.get("showLegend", True) else []
    names = [d["name"] for d in data]
    colours = series_colours(panel, names)

    # Legend area at the bottom.
    leg_h = 0
    items = []
    if legend.get("showLegend", True):
        if legend.get("displayMode") == "table":
            leg_h = 18 * (len(data) + 1) + 6
        else:
            cx, rows = 0, 1
            for n in names:
                iw = 18 + text_px(n, 8) + 14
                if cx + iw > w - 16 and cx > 0:
                    rows, cx = rows + 1, 0
                items.append((cx, rows - 1, n))
                cx += iw
            leg_h = 17 * rows + 6
    title_h = 30
    left, bottom, right = 58, 20, 10
    plot = (x + left, y + title_h, w - left - right, h - title_h - bottom - leg_h)
    ax = cv.fig.add_axes(cv.box(*plot))
    style_axes(ax)

    stack = custom.get("stacking", {}).get("mode", "none") == "normal"
    fill = custom.get("fillOpacity", 0) / 100
    lw = custom.get("lineWidth", 1) * 0.9
    base = None
    ymax = 0.0
    for d, c in zip(data, colours):
        t = [dt.datetime.fromtimestamp(s, dt.timezone.utc) for s in d["t"]]
        v = d["v"]
        if stack:
            if base is None or len(base) != len(v):
                base = [0.0] * len(v)
            top = [b + (0.0 if math.isnan(val) else val) for b, val in zip(base, v)]
            shown = [tp if not math.isnan(val) else float("nan") for tp, val in zip(top, v)]
            ax.plot(t, shown, color=c, linewidth=lw)
            if fill:
                ax.fill_between(t, base, top, color=c, alpha=fill, linewidth=0)
            base = top
            ymax = max([ymax] + [a for a in top if not math.isnan(a)])
        else:
            ax.plot(t, v, color=c, linewidth=lw)
            if fill:
                ax.fill_between(t, [0] * len(v), v, color=c, alpha=fill, linewidth=0)
            ymax = max([ymax] + [a for a in v if not math.isnan(a)])
    time_axis(ax, start, end, plot[2])
    lo = fc.get("min")
    hi = fc.get("max")
    if lo is not None:
        ax.set_ylim(bottom=lo)
    if hi is not None:
        ax.set_ylim(top=hi)
    elif ymax <= (lo or 0):
        ax.set_ylim(top=(lo or 0) + 1)
    else:
        ax.set_ylim(top=ymax * 1.08)
    if unit == "bytes":  # ticks on round binary sizes, as Grafana does
        top = ax.get_ylim()[1]
        mib = 2**20 if top >= 2**20 else 2**10 if top >= 2**10 else 1
        stepv = next((k * mib for k in (1, 2, 4, 5, 8, 10, 16, 20, 25, 32, 50, 64, 100, 128, 256, 512, 1024)
                      if top / (k * mib) <= 5), top / 4)
        ax.yaxis.set_major_locator(mticker.MultipleLocator(stepv))
    else:
        ax.yaxis.set_major_locator(mticker.MaxNLocator(nbins=5, steps=[1, 2, 2.5, 5, 10], integer=decimals == 0))
    ax.yaxis.set_major_formatter(mticker.FuncFormatter(lambda v, _: fmt_value(v, unit, None)))
    for lab in ax.get_yticklabels():
        lab.set_family(FONT)

    # Legend.
    ly = y + h - leg_h + 4
    if legend.get("displayMode") == "table":
        colw = 78
        namew = w - 24 - colw * len(calcs)
        for j, cname in enumerate(calcs):
            cv.text(x + 12 + namew + colw * (j + 1), ly, CALC_TITLE.get(cname, cname), size=7.5, color="#6e9fff",
                    ha="right", weight="bold")
        for i, (d, c) in enumerate(zip(data, colours)):
            yy = ly + 18 * (i + 1)
            cv.rect(x + 12, yy + 5, 14, 3, c)
            cv.text(x + 32, yy, d["name"], size=8)
            for j, cname in enumerate(calcs):
                cv.text(x + 12 + namew + colw * (j + 1), yy, fmt_value(calc(cname, d["v"]), unit, decimals),
                        size=8, ha="right")
    else:
        for (cx, r, n), c in zip(items, colours):
            cv.rect(x + 12 + cx, ly + 17 * r + 6, 14, 3, c)
            cv.text(x + 12 + cx + 18, ly + 17 * r, n, size=8)


def draw_stat(cv, panel, px, data, start, end):
    x, y, w, h = px
    fc = panel.get("fieldConfig", {}).get("defaults", {})
    opts = panel.get("options", {})
    unit, decimals = fc.get("unit", "short"), fc.get("decimals")
    reducer = (opts.get("reduceOptions", {}).get("calcs") or ["lastNotNull"])[0]
    steps = fc.get("thresholds", {}).get("steps", [])
    d = data[0]
    v = calc(reducer, d["v"])
    c = threshold_colour(steps, v) if fc.get("color", {}).get("mode") == "thresholds" else PALETTE[0]
    if opts.get("graphMode", "area") == "area":
        ax = cv.fig.add_axes(cv.box(x + 1, y + h * 0.45, w - 2, h * 0.55 - 1))
        ax.set_axis_off()
        t = [dt.datetime.fromtimestamp(s, dt.timezone.utc) for s in d["t"]]
        vals = [a for a in d["v"] if not math.isnan(a)]
        lo = min(vals)
        ax.plot(t, d["v"], color=c, linewidth=1.1, alpha=0.9)
        ax.fill_between(t, [lo] * len(t), d["v"], color=c, alpha=0.18, linewidth=0)
        time_axis(ax, start, end, w)
        span = max(vals) - lo
        ax.set_ylim(lo - 0.02 * (span or 1), max(vals) + 0.6 * (span or 1))
    size = min(24, h * 0.17, w / max(4, len(fmt_value(v, unit, decimals))) * 0.95 * 72 / DPI / 0.62)
    cv.text(x + w / 2, y + h * 0.55, fmt_value(v, unit, decimals), size=size, color=c, weight="bold",
            ha="center", va="center")
    if len(data) > 1:
        cv.text(x + w - 8, y + 8, f"+{len(data) - 1} more series", size=7, color=TEXT2, ha="right")


def layout_height(panels):
    bottom = max(p["gridPos"]["y"] + p["gridPos"]["h"] for p in panels)
    return HEADER + bottom * (ROW_PX + GUTTER) + PAD + FOOTER


def panel_px(gp):
    colw = (WIDTH - 2 * PAD - 23 * GUTTER) / 24
    x = PAD + gp["x"] * (colw + GUTTER)
    w = gp["w"] * colw + (gp["w"] - 1) * GUTTER
    y = HEADER + gp["y"] * (ROW_PX + GUTTER)
    h = gp["h"] * ROW_PX + (gp["h"] - 1) * GUTTER
    return x, y, w, h


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--prometheus", default="http://127.0.0.1:16090")
    ap.add_argument("--dashboard", default="ringd.json")
    ap.add_argument("--start", type=float, required=True, help="unix seconds")
    ap.add_argument("--end", type=float, required=True, help="unix seconds")
    ap.add_argument("--step", type=float, default=2)
    ap.add_argument("--rate-interval", default="1m", help="what $__rate_interval stands for")
    ap.add_argument("--out", default="ringd.png")
    ap.add_argument("--subtitle", default="")
    a = ap.parse_args()

    dash = json.load(open(a.dashboard, encoding="utf-8"))
    prom = Prom(a.prometheus)
    values, shown = resolve_variables(dash, prom, a.start, a.end)
    panels = sorted(dash["panels"], key=lambda p: (p["gridPos"]["y"], p["gridPos"]["x"]))

    # Query everything first: no picture unless every target has data.
    results, missing = {}, []
    for p in panels:
        if p["type"] == "row":
            continue
        if p["type"] not in ("timeseries", "stat"):
            raise SystemExit(f"panel {p['title']!r}: type {p['type']} is not drawn by this renderer")
        series = []
        for tgt in p.get("targets", []):
            if tgt.get("hide"):
                continue
            expr = interpolate(tgt["expr"], values, a.rate_interval)
            got = prom.query_range(expr, a.start, a.end, a.step)
            got = [g for g in got if any(not math.isnan(v) for v in g[2])]
            if not got:
                missing.append(f"  {p['title']!r} target {tgt['refId']}: {expr}")
            for labels, ts, vs in got:
                series.append({"name": legend_name(tgt.get("legendFormat", ""), labels), "t": ts, "v": vs,
                               "expr": expr})
        results[p["id"]] = series
    if missing:
        print("render.py: no data for these panel queries:\n" + "\n".join(missing), file=sys.stderr)
        sys.exit(1)

    cv = Canvas(layout_height(panels))
    # Header: title, variables, time range.
    cv.text(PAD + 4, 14, dash.get("title", ""), size=15, weight="bold")
    vx = PAD + 4 + text_px(dash.get("title", ""), 15) + 30
    for var in dash.get("templating", {}).get("list", []):
        label = var.get("label") or var["name"]
        lw = text_px(label, 8.5) + 16
        vw = text_px(shown.get(var["name"], ""), 8.5) + 30
        cv.rect(vx, 12, lw, 26, "#22252b", BORDER)
        cv.text(vx + 8, 19, label, size=8.5)
        cv.rect(vx + lw, 12, vw, 26, CANVAS, BORDER)
        cv.text(vx + lw + 8, 19, shown.get(var["name"], "") + "  ▾", size=8.5)
        vx += lw + vw + 10
    t0 = dt.datetime.fromtimestamp(a.start, dt.timezone.utc).strftime("%Y-%m-%d %H:%M:%S")
    t1 = dt.datetime.fromtimestamp(a.end, dt.timezone.utc).strftime("%H:%M:%S")
    cv.text(WIDTH - PAD - 4, 19, f"{t0} to {t1} UTC   step {a.step:g}s", size=8.5, ha="right")
    cv.text(WIDTH - PAD - 4, 44, f"Prometheus {prom.version()} at {a.prometheus}", size=7.5, color=TEXT2,
            ha="right")

    for p in panels:
        x, y, w, h = panel_px(p["gridPos"])
        if p["type"] == "row":
            cv.text(x + 2, y + 8, "⌄  " + p.get("title", ""), size=10.5, weight="bold")
            continue
        cv.rect(x, y, w, h, PANEL, BORDER, lw=0.8)
        cv.text(x + 10, y + 9, p.get("title", ""), size=9, weight="bold")
        data = results[p["id"]]
        if p["type"] == "stat":
            draw_stat(cv, p, (x, y, w, h), data, a.start, a.end)
        else:
            draw_timeseries(cv, p, (x, y, w, h), data, a.start, a.end)

    foot = ("Drawn by bench/grafana/render.py (matplotlib) from ringd.json's own PromQL "
            f"($__rate_interval = {a.rate_interval}, variables at All) over a real Prometheus; "
            "not a Grafana screenshot (Grafana is not installable here).")
    if a.subtitle:
        cv.text(PAD + 4, cv.h - FOOTER + 6, a.subtitle, size=7.5, color=TEXT2)
    cv.text(PAD + 4, cv.h - FOOTER + 22, foot, size=7.5, color=TEXT2)
    cv.fig.savefig(a.out, dpi=DPI, facecolor=CANVAS)

    # What each panel saw, for the run's report.
    print(f"render.py: wrote {a.out} ({WIDTH}x{cv.h} px), {len(results)} panels, every query had data")
    for p in panels:
        if p["type"] == "row":
            continue
        fc = p.get("fieldConfig", {}).get("defaults", {})
        unit = fc.get("unit", "short")
        print(f"  {p['title']}")
        for d in results[p["id"]]:
            print(f"    {d['name']:<28} mean {fmt_value(calc('mean', d['v']), unit):>14}"
                  f"  max {fmt_value(calc('max', d['v']), unit):>14}"
                  f"  last {fmt_value(calc('lastNotNull', d['v']), unit):>14}")


if __name__ == "__main__":
    main()
