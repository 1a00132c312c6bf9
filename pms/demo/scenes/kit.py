"""Drawing kit shared by the scene modules: an SVG writer, colours, skies, landscape parts.

Coordinates are written as integers (or one decimal for small shapes) to keep every
file well under 15 KB; gradients and clip paths get ids unique within one document.
"""

import hashlib
import math
import random
from contextlib import contextmanager

W, H = 1200, 800


def n(v):
    """Formats a coordinate compactly: integers when close, else one decimal."""
    r = round(v, 1)
    return str(int(r)) if r == int(r) else str(r)


def pts(points):
    return " ".join(f"{round(x)},{round(y)}" for x, y in points)


# ------------------------------------------------------------------ colours

def rgb(hex_colour):
    h = hex_colour.lstrip("#")
    return tuple(int(h[i:i + 2], 16) for i in (0, 2, 4))


def hexc(c):
    return "#" + "".join(f"{max(0, min(255, round(v))):02x}" for v in c)


def mix(a, b, t):
    """Blends colour a towards b by t (0..1)."""
    ca, cb = rgb(a), rgb(b)
    return hexc(tuple(x + (y - x) * t for x, y in zip(ca, cb)))


DARK = {"dusk": 0.3, "night": 0.5}


def lit(c, tod):
    """Darkens a colour for the time of day, so evening scenes read as evening."""
    return shade(c, DARK.get(tod, 0))


def shade(c, t):
    return mix(c, "#000000", t) if t > 0 else mix(c, "#ffffff", -t)


# ------------------------------------------------------------------ the writer

class Svg:
    """Collects defs and body of one SVG document."""

    def __init__(self, seed, width=W, height=H):
        self.width, self.height = width, height
        self.defs, self.body = [], []
        self.count = 0
        self.rng = random.Random(hashlib.sha256(seed.encode()).hexdigest())

    def uid(self):
        self.count += 1
        return f"g{self.count}"

    @staticmethod
    def _attrs(attrs):
        out = []
        for k, v in attrs.items():
            if v is None:
                continue
            out.append(f'{k.rstrip("_").replace("_", "-")}="{v}"')
        return (" " + " ".join(out)) if out else ""

    def add(self, tag, **attrs):
        self.body.append(f"<{tag}{self._attrs(attrs)}/>")

    def raw(self, text):
        self.body.append(text)

    def rect(self, x, y, w, h, fill, **a):
        self.add("rect", x=n(x), y=n(y), width=n(w), height=n(h), fill=fill, **a)

    def poly(self, points, fill, **a):
        self.add("polygon", points=pts(points), fill=fill, **a)

    def path(self, d, fill, **a):
        self.add("path", d=d, fill=fill, **a)

    def circle(self, cx, cy, r, fill, **a):
        self.add("circle", cx=n(cx), cy=n(cy), r=n(r), fill=fill, **a)

    def ellipse(self, cx, cy, rx, ry, fill, **a):
        self.add("ellipse", cx=n(cx), cy=n(cy), rx=n(rx), ry=n(ry), fill=fill, **a)

    def line(self, x1, y1, x2, y2, stroke, width=2, **a):
        self.add("line", x1=n(x1), y1=n(y1), x2=n(x2), y2=n(y2), stroke=stroke,
                 stroke_width=n(width), **a)

    def text(self, x, y, s, size, fill, family, weight=None, anchor=None, spacing=None):
        self.body.append(
            f'<text x="{n(x)}" y="{n(y)}" font-size="{n(size)}" fill="{fill}" '
            f'font-family="{family}"{self._attrs({"font-weight": weight, "text-anchor": anchor, "letter-spacing": spacing})}>{s}</text>')

    def linear(self, stops, x1=0, y1=0, x2=0, y2=1):
        """A linear gradient; stops are (offset, colour) or (offset, colour, opacity)."""
        i = self.uid()
        body = "".join(
            f'<stop offset="{s[0]}" stop-color="{s[1]}"' + (f' stop-opacity="{s[2]}"' if len(s) > 2 else "") + "/>"
            for s in stops)
        self.defs.append(f'<linearGradient id="{i}" x1="{x1}" y1="{y1}" x2="{x2}" y2="{y2}">{body}</linearGradient>')
        return f"url(#{i})"

    def radial(self, stops, cx=0.5, cy=0.5, r=0.5):
        i = self.uid()
        body = "".join(
            f'<stop offset="{s[0]}" stop-color="{s[1]}"' + (f' stop-opacity="{s[2]}"' if len(s) > 2 else "") + "/>"
            for s in stops)
        self.defs.append(f'<radialGradient id="{i}" cx="{cx}" cy="{cy}" r="{r}">{body}</radialGradient>')
        return f"url(#{i})"

    def pattern(self, w, h, content, transform=None):
        i = self.uid()
        t = f' patternTransform="{transform}"' if transform else ""
        self.defs.append(f'<pattern id="{i}" width="{n(w)}" height="{n(h)}" patternUnits="userSpaceOnUse"{t}>{content}</pattern>')
        return f"url(#{i})"

    def clip(self, shape):
        i = self.uid()
        self.defs.append(f'<clipPath id="{i}">{shape}</clipPath>')
        return f"url(#{i})"

    @contextmanager
    def group(self, **attrs):
        self.body.append(f"<g{self._attrs(attrs)}>")
        yield
        self.body.append("</g>")

    @contextmanager
    def viewport(self, x, y, w, h, anchor=0.5):
        """Draws a full 1200x800 scene into the box, cropped to fill it; `anchor` picks which
        part survives a vertical crop (0 keeps the top, 1 the bottom)."""
        c = self.clip(f'<rect x="{n(x)}" y="{n(y)}" width="{n(w)}" height="{n(h)}"/>')
        s = max(w / W, h / H)
        dx, dy = x + (w - W * s) / 2, y + (h - H * s) * anchor
        self.body.append(f'<g clip-path="{c}"><g transform="translate({n(dx)} {n(dy)}) scale({s:.3f})">')
        yield
        self.body.append("</g></g>")

    @contextmanager
    def views(self, boxes):
        """Draws one 1200x800 scene once and shows it, cropped, in each box (windows)."""
        start = len(self.body)
        yield
        scene = "".join(self.body[start:])
        del self.body[start:]
        i = self.uid()
        self.defs.append(f'<g id="{i}">{scene}</g>')
        for x, y, w, h in boxes:
            c = self.clip(f'<rect x="{n(x)}" y="{n(y)}" width="{n(w)}" height="{n(h)}"/>')
            s = max(w / W, h / H)
            dx, dy = x + (w - W * s) / 2, y + (h - H * s) / 2
            self.body.append(f'<g clip-path="{c}"><use href="#{i}" transform="translate({n(dx)} {n(dy)}) scale({s:.3f})"/></g>')

    def render(self):
        return (f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {self.width} {self.height}" '
                f'width="{self.width}" height="{self.height}">'
                f'<defs>{"".join(self.defs)}</defs>{"".join(self.body)}</svg>\n')


# ------------------------------------------------------------------ light and sky

# Each time of day: sky stops (top to horizon), sun (x, y, radius, colour) or None,
# haze (colour distant things fade into), light (key colour on lit faces),
# and whether windows glow.
TIMES = {
    "morning": dict(sky=[(0, "#5e9bd3"), (0.65, "#b9d6ee"), (1, "#f8e3c8")],
                    sun=(0.22, 0.55, 34, "#fff6dc"), haze="#dfe6ee", light="#fff4de", glow=False),
    "day": dict(sky=[(0, "#2f80c8"), (0.6, "#7dbbe6"), (1, "#d6ecf7")],
                sun=(0.82, 0.16, 30, "#fffbe8"), haze="#cfe3f0", light="#ffffff", glow=False),
    "golden": dict(sky=[(0, "#4f83bd"), (0.55, "#e9c497"), (1, "#fcd08c")],
                   sun=(0.78, 0.62, 40, "#fff0c2"), haze="#f1cfa3", light="#ffe2b0", glow=False),
    "sunset": dict(sky=[(0, "#2b2f63"), (0.42, "#a64f7c"), (0.72, "#ee7f4a"), (1, "#fbc468")],
                   sun=(0.5, 0.8, 52, "#ffe39a"), haze="#e98e62", light="#ffb98a", glow=True),
    "dusk": dict(sky=[(0, "#101d40"), (0.55, "#3a5590"), (0.85, "#9a86a6"), (1, "#e2a58c")],
                 sun=None, haze="#7d7fa6", light="#c9b7c8", glow=True),
    "night": dict(sky=[(0, "#050b1c"), (0.7, "#13244a"), (1, "#2a3e68")],
                  sun=(0.8, 0.18, 22, "#f4f1e0"), haze="#24375c", light="#8da2c9", glow=True),
}


def sky(svg, tod, horizon=H, clouds=3):
    t = TIMES[tod]
    svg.rect(0, 0, svg.width, horizon, svg.linear(t["sky"]))
    if tod == "night":
        stars = " ".join(
            f"M{svg.rng.randint(0, svg.width)} {svg.rng.randint(0, int(horizon * 0.7))}h2"
            for _ in range(50))
        svg.path(stars, "none", stroke="#fff", stroke_width="2", stroke_linecap="round",
                 stroke_opacity="0.8")
    if t["sun"]:
        sx, sy, r, c = t["sun"]
        x, y = sx * svg.width, sy * horizon
        svg.circle(x, y, r * 4, svg.radial([(0, c, 0.55), (1, c, 0)]))
        svg.circle(x, y, r, c)
        if tod == "night":
            svg.circle(x + r * 0.35, y - r * 0.2, r * 0.9, mix(t["sky"][0][1], "#13244a", 0.5))
    for _ in range(clouds):
        cloud(svg, svg.rng.randint(60, svg.width - 60), svg.rng.randint(40, int(horizon * 0.45)),
              svg.rng.uniform(0.6, 1.3), tod)
    return t


def cloud(svg, x, y, s, tod):
    c = {"sunset": "#ffd1b0", "dusk": "#c7a6b5", "night": "#2f4570", "golden": "#fff0dc"}.get(tod, "#ffffff")
    o = 0.55 if tod in ("night", "dusk") else 0.8
    d = (f"M{n(x - 110 * s)} {n(y)}a{n(40 * s)} {n(26 * s)} 0 0 1 {n(60 * s)}-{n(18 * s)}"
         f"a{n(50 * s)} {n(38 * s)} 0 0 1 {n(90 * s)}-{n(6 * s)}a{n(36 * s)} {n(26 * s)} 0 0 1 {n(70 * s)} {n(24 * s)}z")
    svg.path(d, c, fill_opacity=o)


# ------------------------------------------------------------------ landscape parts

def ridge(rng, x0, x1, base, peaks, rough=0.35, steps=5):
    """A mountain ridge through the given (x, y) peaks, roughened by midpoint displacement."""
    ptl = [(x0, base)] + sorted(peaks) + [(x1, base)]
    for _ in range(steps):
        out = [ptl[0]]
        for (ax, ay), (bx, by) in zip(ptl, ptl[1:]):
            d = math.hypot(bx - ax, by - ay)
            mx, my = (ax + bx) / 2, (ay + by) / 2 + rng.uniform(-1, 1) * d * rough * 0.5
            out += [(mx, min(my, base)), (bx, by)]
        ptl = out
        rough *= 0.9
    return ptl


def mountains(svg, base, peaks, colour, snow=None, rough=0.35, shade_right=False):
    """A mountain range; snow is the y above which the range is white-capped."""
    line = ridge(svg.rng, -20, svg.width + 20, base, peaks, rough)
    poly = line + [(svg.width + 20, base + 400), (-20, base + 400)]
    shape = svg.uid()
    svg.poly(poly, colour, id=shape)
    c = svg.clip(f'<use href="#{shape}"/>') if snow is not None or shade_right else None
    if snow is not None:
        edge = [(x, snow + svg.rng.uniform(-18, 30)) for x in range(-20, svg.width + 40, 40)]
        svg.poly([(-20, -10), (svg.width + 20, -10)] + edge[::-1], "#f4f7fb", clip_path=c)
    if shade_right:
        # The faces right of each summit are in shadow: a simple, convincing relief.
        for px, py in sorted(peaks):
            w = (base - py) * 0.9
            svg.poly([(px, py), (px + w, base + 10), (px + w * 0.2, base + 10)], "#0b1a33",
                     fill_opacity="0.16", clip_path=c)
    return line


def matterhorn(svg, cx, base, height, tod, snow=True):
    """The unmistakable pyramid: a hooked summit, a shadowed north-east face, snow bands."""
    top = base - height
    left = [(cx - height * 1.25, base), (cx - height * 0.62, base - height * 0.42),
            (cx - height * 0.36, base - height * 0.62), (cx - height * 0.16, base - height * 0.86),
            (cx - height * 0.04, top + 6), (cx + height * 0.02, top)]
    right = [(cx + height * 0.1, top + height * 0.06), (cx + height * 0.2, base - height * 0.72),
             (cx + height * 0.42, base - height * 0.5), (cx + height * 0.8, base - height * 0.26),
             (cx + height * 1.4, base)]
    rock = {"night": "#33476b", "dusk": "#5d6b94", "sunset": "#b87a78"}.get(tod, "#8b95a8")
    lit = {"sunset": "#ffc9a0", "dusk": "#d9dcef", "night": "#a9b7d6", "golden": "#ffe6c4"}.get(tod, "#ffffff")
    svg.poly(left + right, rock)
    face = [(cx + height * 0.02, top), (cx + height * 0.1, top + height * 0.06)] + right[1:] + [(cx + height * 0.05, base)]
    svg.poly(face, "#0b1a33", fill_opacity="0.28")
    if snow:
        # Snow lies on ledges and couloirs, not in even bands: irregular wedges, lit on the
        # west face and shadowed on the east, thinning out towards the foot.
        rng = svg.rng
        c = svg.clip(f'<polygon points="{pts(left + right)}"/>')
        wedges = []
        for i in range(9):
            y = top + height * (0.1 + i * 0.085) + rng.uniform(-8, 8)
            depth = y - top
            x_from = cx - depth * rng.uniform(0.5, 1.1)
            x_to = cx + depth * rng.uniform(0.1, 0.8)
            upper, lower = [], []
            steps = 6
            for k in range(steps + 1):
                x = x_from + (x_to - x_from) * k / steps
                yy = y + abs(x - cx) * 0.42
                upper.append((x, yy))
                lower.append((x, yy + rng.uniform(4, 10 + 14 * (1 - i / 9))))
            wedges.append("M" + " ".join(f"{round(x)},{round(y)}" for x, y in upper + lower[::-1]) + "z")
        svg.path("".join(wedges), lit, clip_path=c, fill_opacity="0.9")
        svg.poly([(cx - height * 0.04, top + 6), (cx + height * 0.02, top), (cx + height * 0.1, top + height * 0.06),
                  (cx + height * 0.02, top + height * 0.16), (cx - height * 0.1, top + height * 0.2)], lit)
        svg.poly(face, "#0b1a33", fill_opacity="0.18", clip_path=c)


def pine(svg, x, y, h, colour, snow=False):
    """A fir tree of stacked triangles; snow dusts the upper edge of each tier."""
    w = h * 0.42
    svg.rect(x - h * 0.03, y - h * 0.08, h * 0.06, h * 0.1, shade(colour, 0.3))
    tiers = 4
    for i in range(tiers):
        ty = y - h * 0.08 - i * h * 0.22
        tw = w * (1 - i * 0.2)
        svg.poly([(x - tw, ty), (x + tw, ty), (x, ty - h * 0.36)], colour)
        if snow:
            svg.poly([(x - tw * 0.55, ty - h * 0.14), (x, ty - h * 0.36), (x + tw * 0.35, ty - h * 0.2),
                      (x + tw * 0.1, ty - h * 0.17)], "#f2f5fa", fill_opacity="0.9")


def palm(svg, x, y, h, lean, colour, frond=None):
    """A coconut palm: a tapering curved trunk and drooping fronds."""
    frond = frond or colour
    tx, ty = x + lean, y - h
    cx, cy = x + lean * 0.15, y - h * 0.55
    left, right = [], []
    for i in range(9):
        t = i / 8
        px = (1 - t) ** 2 * x + 2 * (1 - t) * t * cx + t * t * tx
        py = (1 - t) ** 2 * y + 2 * (1 - t) * t * cy + t * t * ty
        w = 9 - 4 * t
        left.append((px - w, py))
        right.append((px + w, py))
    svg.poly(left + right[::-1], colour)
    leaves = []
    for a in (-168, -140, -110, -75, -40, -12, 20, 160, 195):
        r = math.radians(a + svg.rng.uniform(-8, 8))
        L = h * svg.rng.uniform(0.36, 0.46)
        ex, ey = tx + math.cos(r) * L, ty + math.sin(r) * L * 0.6 + L * 0.35
        mx, my = tx + math.cos(r) * L * 0.55, ty + math.sin(r) * L * 0.55 - L * 0.12
        nx, ny = -math.sin(r) * L * 0.12, math.cos(r) * L * 0.12
        leaves.append(f"M{n(tx)} {n(ty)}Q{n(mx + nx)} {n(my + ny)} {n(ex)} {n(ey)}"
                      f"Q{n(mx - nx)} {n(my - ny)} {n(tx)} {n(ty)}z")
    svg.path("".join(leaves), frond)
    svg.circle(tx, ty + 4, 7, shade(colour, 0.2))


def bush(svg, x, y, r, colour, count=5):
    d = []
    for _ in range(count):
        bx, by = x + svg.rng.uniform(-r, r), y - svg.rng.uniform(0, r * 0.6)
        br = r * svg.rng.uniform(0.45, 0.75)
        d.append(f"M{n(bx - br)} {n(by)}a{n(br)} {n(br)} 0 1 0 {n(2 * br)} 0a{n(br)} {n(br)} 0 1 0 -{n(2 * br)} 0")
    svg.path("".join(d), colour)


def sea(svg, top, bottom, tod, colour=None):
    t = TIMES[tod]
    c = colour or {"sunset": "#5b4a78", "dusk": "#2a3b66", "night": "#0d1a36"}.get(tod, "#2f7fb4")
    svg.rect(0, top, svg.width, bottom - top,
             svg.linear([(0, mix(c, t["haze"], 0.45)), (1, shade(c, 0.25))]))
    glints = []
    for _ in range(26):
        y = svg.rng.uniform(top + 6, bottom)
        w = 10 + (y - top) * 0.12
        glints.append(f"M{n(svg.rng.uniform(0, svg.width))} {n(y)}h{n(w)}")
    svg.path("".join(glints), "none", stroke=t["light"], stroke_opacity="0.35", stroke_width="2")
    if t["sun"] and tod in ("morning", "golden", "sunset"):
        sx = t["sun"][0] * svg.width
        svg.poly([(sx - 20, top), (sx + 20, top), (sx + 140, bottom), (sx - 140, bottom)],
                 svg.linear([(0, t["sun"][3], 0.55), (1, t["sun"][3], 0)]))


def shadow(svg, cx, cy, rx, ry, opacity=0.18):
    svg.ellipse(cx, cy, rx, ry, "#000", fill_opacity=str(opacity))


def window_frame(svg, x, y, w, h, frame, bars=(1, 1), width=10):
    """A window frame with glazing bars, drawn over a view already painted in the box."""
    d = f"M{n(x)} {n(y)}h{n(w)}v{n(h)}h-{n(w)}z"
    cols, rows = bars
    for i in range(1, cols + 1):
        xx = x + w * i / (cols + 1)
        d += f"M{n(xx)} {n(y)}v{n(h)}"
    for j in range(1, rows + 1):
        yy = y + h * j / (rows + 1)
        d += f"M{n(x)} {n(yy)}h{n(w)}"
    svg.path(d, "none", stroke=frame, stroke_width=n(width))


def lamp_glow(svg, x, y, r, colour="#ffd38a", opacity=0.5):
    svg.circle(x, y, r, svg.radial([(0, colour, opacity), (1, colour, 0)]))


def plant(svg, x, y, h, pot, leaf):
    svg.poly([(x - h * 0.16, y - h * 0.28), (x + h * 0.16, y - h * 0.28), (x + h * 0.12, y), (x - h * 0.12, y)], pot)
    d = []
    for a in (-60, -35, -12, 8, 30, 55, -80, 80):
        r = math.radians(a - 90)
        L = h * svg.rng.uniform(0.5, 0.8)
        ex, ey = x + math.cos(r) * L, y - h * 0.28 + math.sin(r) * L
        mx, my = (x + ex) / 2, (y - h * 0.28 + ey) / 2
        nx, ny = -math.sin(r) * L * 0.18, math.cos(r) * L * 0.18
        d.append(f"M{n(x)} {n(y - h * 0.28)}Q{n(mx + nx)} {n(my + ny)} {n(ex)} {n(ey)}Q{n(mx - nx)} {n(my - ny)} {n(x)} {n(y - h * 0.28)}z")
    svg.path("".join(d), leaf)


def vignette(svg, strength=0.22):
    svg.rect(0, 0, svg.width, svg.height,
             svg.radial([(0.55, "#000", 0), (1, "#000", strength)], r=0.75))
