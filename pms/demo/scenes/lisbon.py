"""Lisbon: tiled façades, tram 28, terracotta roofs over the Tagus, and the rooms of a small hotel."""

import math

from .kit import (TIMES, W, H, bush, lamp_glow, lit, mix, mountains, plant, sea, shade, shadow, sky,
                  vignette, window_frame)

FACADES = ["#f2c14e", "#e9a6a0", "#f4eee4", "#8fb8d6", "#e58a5c", "#a8cba3", "#f3d9b1", "#d7c8e6"]
ROOF = "#c4553b"
TILE_BLUE = "#1f4e8c"
TRAM = "#f3b61f"


def azulejo(svg, blue=TILE_BLUE, ground="#f6f3ec", size=36):
    """A repeating blue-and-white tile: quarter circles at the corners, a four-petal centre."""
    key = ("azulejo", blue, ground, size)
    cache = svg.__dict__.setdefault("patterns", {})
    if key in cache:
        return cache[key]
    s = size
    h = s / 2
    content = (f'<rect width="{s}" height="{s}" fill="{ground}"/>'
               f'<path d="M0 0h{h * 0.6:.0f}a{h * 0.6:.0f} {h * 0.6:.0f} 0 0 1 -{h * 0.6:.0f} {h * 0.6:.0f}z'
               f'M{s} 0v{h * 0.6:.0f}a{h * 0.6:.0f} {h * 0.6:.0f} 0 0 1 -{h * 0.6:.0f} -{h * 0.6:.0f}z'
               f'M0 {s}v-{h * 0.6:.0f}a{h * 0.6:.0f} {h * 0.6:.0f} 0 0 1 {h * 0.6:.0f} {h * 0.6:.0f}z'
               f'M{s} {s}h-{h * 0.6:.0f}a{h * 0.6:.0f} {h * 0.6:.0f} 0 0 1 {h * 0.6:.0f} -{h * 0.6:.0f}z'
               f'M{h} {h * 0.35:.1f}Q{h * 1.4:.1f} {h} {h} {h * 1.65:.1f}Q{h * 0.6:.1f} {h} {h} {h * 0.35:.1f}z'
               f'M{h * 0.35:.1f} {h}Q{h} {h * 0.6:.1f} {h * 1.65:.1f} {h}Q{h} {h * 1.4:.1f} {h * 0.35:.1f} {h}z" fill="{blue}"/>'
               f'<path d="M0 0h{s}v{s}" fill="none" stroke="{shade(ground, 0.12)}" stroke-width="1"/>')
    cache[key] = svg.pattern(s, s, content)
    return cache[key]


def calcada(svg):
    """Lisbon's black-and-white pavement waves."""
    return svg.pattern(120, 40, '<rect width="120" height="40" fill="#efebe3"/>'
                                '<path d="M0 28q30 -22 60 0t60 0" fill="none" stroke="#3c3a38" stroke-width="7"/>')


def facade_windows(svg, x, y, w, h, floors, colour, tod, shutters, balcony, rng):
    t = TIMES[tod]
    cols = max(2, int(w // 70))
    fh = h / floors
    glass = "#f5cd7a" if t["glow"] else shade(mix("#2b3f5c", t["sky"][0][1], 0.3), 0.1)
    d_glass, d_frame, d_rail, d_shut = [], [], [], []
    for f in range(floors):
        for c in range(cols):
            wx = x + w * (c + 0.5) / cols - 13
            wy = y + f * fh + fh * 0.22
            ww, wh = 26, fh * 0.56
            lit = not t["glow"] or rng.random() < 0.6
            (d_glass if lit else d_frame).append(f"M{wx:.0f} {wy:.0f}h{ww}v{wh:.0f}h-{ww}z")
            if shutters:
                d_shut.append(f"M{wx - 9:.0f} {wy:.0f}h8v{wh:.0f}h-8zM{wx + ww + 1:.0f} {wy:.0f}h8v{wh:.0f}h-8z")
            if balcony and f < floors - 1:
                d_rail.append(f"M{wx - 6:.0f} {wy + wh:.0f}h{ww + 12}M{wx - 6:.0f} {wy + wh * 0.66:.0f}h{ww + 12}")
    svg.path("".join(d_glass), glass)
    if d_frame:
        svg.path("".join(d_frame), "#2b2f3a")
    if d_shut:
        svg.path("".join(d_shut), shutters)
    if d_rail:
        svg.path("".join(d_rail), "none", stroke="#22252b", stroke_width="3")


def building(svg, x, base_left, base_right, w, top, colour, tod, tiles=None, floors=4):
    """A town house with a sloping foot (it stands on a hill), windows and a tiled roof."""
    t = TIMES[tod]
    c = lit(mix(colour, t["haze"], 0.15), tod)
    svg.poly([(x, top), (x + w, top), (x + w, base_right), (x, base_left)], tiles or c)
    if tiles and tod in ("dusk", "night"):
        svg.poly([(x, top), (x + w, top), (x + w, base_right), (x, base_left)], "#0b1630", fill_opacity="0.4")
    svg.rect(x, top, w, 10, shade(c, 0.12))
    svg.poly([(x - 6, top), (x + w + 6, top), (x + w - 14, top - 26), (x + 14, top - 26)], mix(ROOF, t["haze"], 0.15))
    rng = svg.rng
    shutters = rng.choice([None, "#3c6e5a", "#2f4b7c", "#7a3b2e"])
    facade_windows(svg, x + 8, top + 14, w - 16, min(base_left, base_right) - top - 70, floors, c, tod,
                   shutters, rng.random() < 0.7, rng)
    svg.poly([(x + w, top), (x + w + 4, top), (x + w + 4, base_right), (x + w, base_right)], "#000", fill_opacity="0.15")


def tram(svg, x, y, angle, tod, scale=1.0):
    """Lisbon's yellow Remodelado tram, numbered 28, on a slope of `angle` degrees."""
    glow = TIMES[tod]["glow"]
    with svg.group(transform=f"translate({x:.0f} {y:.0f}) rotate({angle:.1f}) scale({scale:.2f})"):
        svg.line(170, -180, 250, -330, "#2a2a2a", 4)
        svg.rect(0, -180, 360, 150, TRAM, rx="14")
        svg.rect(0, -70, 360, 40, "#f4f0e4")
        svg.rect(0, -76, 360, 8, "#c7891a")
        svg.rect(10, -196, 340, 22, "#efeae0", rx="8")
        svg.rect(130, -216, 100, 24, "#1e1e1e", rx="3")
        svg.text(180, -198, "28 E", 18, "#f7d774", "Helvetica, Arial, sans-serif", "700", "middle")
        glass = "#ffe2a0" if glow else "#9fb9cf"
        svg.path("".join(f"M{16 + i * 56} -166h44v70h-44z" for i in range(6)), glass)
        svg.path("".join(f"M{38 + i * 56} -166v70" for i in range(6)), "none", stroke="#f4f0e4", stroke_width="3")
        svg.rect(-8, -30, 376, 12, "#3a3a3a", rx="4")
        svg.circle(80, -14, 18, "#2a2a2a")
        svg.circle(280, -14, 18, "#2a2a2a")
        svg.circle(350, -120, 9, "#fff6d0" if glow else "#f6f0d8")
        if glow:
            lamp_glow(svg, 360, -120, 80, "#fff1b0", 0.7)


def street(svg, tod="day", tram_x=420, span=(-30, W + 40)):
    """A street climbing through Alfama: coloured houses, tram 28 on the hill, calçada pavement.

    `span` limits the houses drawn to the part of the scene that will be seen (window views).
    """
    t = sky(svg, tod, 560, clouds=2)
    rng = svg.rng
    slope = 0.16

    def ground(x):
        return 700 - slope * x

    x = -30
    while x < W + 40:
        w = rng.randint(150, 230)
        top = rng.randint(60, 160) + (ground(x) - 700) * 0.6
        colour = rng.choice(FACADES)
        tiled = rng.random() < 0.3
        tile_colour = rng.choice([TILE_BLUE, "#2d6f6a", "#7a3b2e"])
        floors = rng.randint(3, 5)
        if x + w > span[0] and x < span[1]:
            tiles = azulejo(svg, tile_colour) if tiled else None
            building(svg, x, ground(x) - 40, ground(x + w) - 40, w, top, colour, tod, tiles, floors)
        x += w
    svg.poly([(-10, ground(-10) - 40), (W + 10, ground(W + 10) - 40), (W + 10, H), (-10, H)], "#8a857c")
    svg.path("".join(f"M{-20 + i * 70} {ground(-20 + i * 70) - 20:.0f}l60 -10" for i in range(19)), "none",
             stroke="#6f6a62", stroke_width="3", stroke_opacity="0.6")
    svg.path(f"M-10 {ground(-10) - 4:.0f}L{W + 10} {ground(W + 10) - 4:.0f}", "none", stroke="#4d4a45", stroke_width="5")
    svg.path(f"M-10 {ground(-10) + 14:.0f}L{W + 10} {ground(W + 10) + 14:.0f}", "none", stroke="#4d4a45", stroke_width="5")
    svg.path(f"M-10 {ground(-10) - 296:.0f}L{W + 10} {ground(W + 10) - 296:.0f}", "none", stroke="#2a2a2a", stroke_width="2")
    ang = -math.degrees(math.atan(slope))
    tram(svg, tram_x, ground(tram_x) + 6, ang, tod)
    svg.poly([(-10, 760), (W + 10, 700), (W + 10, H), (-10, H)], calcada(svg))
    svg.line(100, 770, 100, 380, "#222", 8)
    svg.path("M80 380h40l-6 -40h-28z", "#222")
    svg.rect(86, 342, 28, 34, "#ffe9a8" if t["glow"] else "#dfe6ea")
    if t["glow"]:
        lamp_glow(svg, 100, 360, 160, "#ffd27a", 0.6)
    vignette(svg, 0.2)


def river_far(svg, tod, top=330, bottom=430, bridge=True):
    t = TIMES[tod]
    mountains(svg, top + 4, [(300, top - 40), (900, top - 30)], mix("#6c7a6a", t["haze"], 0.55), rough=0.15)
    sea(svg, top, bottom, tod, "#4f84a6")
    if bridge:
        red = mix("#c0392b", t["haze"], 0.3)
        deck = top + 40
        svg.path(f"M40 {deck}H560", "none", stroke=red, stroke_width="6")
        for tx in (180, 420):
            svg.rect(tx - 5, deck - 110, 10, 150, red)
        svg.path(f"M40 {deck - 10}Q110 {deck - 40} 180 {deck - 110}Q300 {deck - 10} 420 {deck - 110}Q490 {deck - 40} 560 {deck - 10}",
                 "none", stroke=red, stroke_width="3")
    svg.path(f"M1040 {top + 6}v-56M1032 {top - 40}h16", "none", stroke=mix("#e8e2d8", t["haze"], 0.3), stroke_width="5")


def rooftops(svg, tod="golden", rows=4, dome=True):
    """Looking down over Alfama's roofs to the Tagus and the 25 de Abril bridge."""
    t = sky(svg, tod, 360, clouds=2)
    river_far(svg, tod)
    rng = svg.rng
    palette = FACADES[:6]
    for r in range(rows):
        base = 450 + r * 100
        s = 0.6 + r * 0.3
        haze = 0.45 - r * 0.11
        walls = {c: [] for c in palette}
        roofs, wins = [], []
        dome_at = None
        x = -rng.randint(0, 60)
        while x < W:
            w = rng.randint(80, 140) * s
            h = rng.randint(60, 110) * s
            walls[rng.choice(palette)].append(f"M{x:.0f} {base - h:.0f}h{w:.0f}v{h + 110:.0f}h-{w:.0f}z")
            roofs.append(f"M{x - 4:.0f} {base - h:.0f}h{w + 8:.0f}l-{w * 0.25 + 4:.0f} -{22 * s:.0f}h-{w * 0.5:.0f}z")
            wins.append(f"M{x + w * 0.25:.0f} {base - h + 18 * s:.0f}h{9 * s:.0f}v{15 * s:.0f}h-{9 * s:.0f}z"
                        f"M{x + w * 0.65:.0f} {base - h + 18 * s:.0f}h{9 * s:.0f}v{15 * s:.0f}h-{9 * s:.0f}z")
            if dome and r == 1 and dome_at is None and 520 < x < 760:
                dome_at = (x, base - h)
            x += w + rng.randint(-6, 4)
        if dome_at:
            dx, dy = dome_at
            white = lit(mix("#f7f4ee", t["haze"], haze), tod)
            svg.path(f"M{dx:.0f} {dy:.0f}v-{90 * s:.0f}h{110 * s:.0f}v{90 * s:.0f}z"
                     f"M{dx - 4:.0f} {dy - 90 * s:.0f}a{59 * s:.0f} {62 * s:.0f} 0 0 1 {118 * s:.0f} 0z"
                     f"M{dx + 50 * s:.0f} {dy - 170 * s:.0f}h{10 * s:.0f}v{20 * s:.0f}h-{10 * s:.0f}z", white)
        for c, d in walls.items():
            if d:
                svg.path("".join(d), lit(mix(c, t["haze"], haze), tod))
        svg.path("".join(roofs), lit(mix(ROOF, t["haze"], haze), tod))
        svg.path("".join(wins), "#f5cd7a" if t["glow"] else mix("#5a4a42", t["haze"], haze), fill_opacity="0.85")
    vignette(svg, 0.22)


def terrace(svg, tod="sunset"):
    """A private roof terrace: a table laid for two, an olive tree, lavender, the city below."""
    rooftops(svg, tod, rows=3)
    t = TIMES[tod]
    svg.rect(0, 610, W, 190, svg.linear([(0, "#c96f4f"), (1, "#a4533a")]))
    svg.path("".join(f"M0 {y}h{W}" for y in range(640, 800, 40)) + "".join(f"M{x} 610v190" for x in range(0, W, 80)),
             "none", stroke="#8e4632", stroke_width="2", stroke_opacity="0.5")
    svg.rect(0, 560, W, 56, "#f1ebe1")
    svg.rect(0, 556, W, 10, "#ddd3c4")
    shadow(svg, 600, 760, 230, 18)
    svg.ellipse(600, 640, 170, 26, "#f3efe8")
    svg.rect(590, 640, 20, 120, "#2a2a2a")
    svg.path("M520 632v-40M680 632v-40", "none", stroke="#e9f0f2", stroke_width="6", stroke_opacity="0.8")
    svg.path("M512 592h16M672 592h16", "none", stroke="#8a1f3b", stroke_width="12")
    svg.rect(592, 560, 16, 70, "#2f5f3a")
    for cx, side in ((380, -1), (820, 1)):
        svg.rect(cx - 50, 650, 100, 14, "#2f3a40", rx="6")
        svg.path(f"M{cx - 40} 664l-10 96M{cx + 40} 664l10 96M{cx + side * 46} 656l{side * 8} -110"
                 f"M{cx + side * 52} 580h{-side * 50}M{cx + side * 50} 612h{-side * 50}",
                 "none", stroke="#2f3a40", stroke_width="7", stroke_linecap="round")
    svg.poly([(980, 760), (1120, 760), (1100, 640), (1000, 640)], "#b56b4a")
    svg.path("M1050 640q-20 -120 20 -220", "none", stroke="#5a4a3a", stroke_width="12")
    bush(svg, 1050, 430, 100, "#7c8f5a", 7)
    bush(svg, 1070, 380, 70, "#94a56f", 5)
    lav = "".join(f"M{x} 760v-{svg.rng.randint(40, 80)}" for x in range(40, 300, 14))
    svg.poly([(30, 760), (310, 760), (300, 700), (40, 700)], "#b56b4a")
    svg.path(lav, "none", stroke="#8f7bc2", stroke_width="8", stroke_linecap="round")
    if t["glow"]:
        lamp_glow(svg, 600, 600, 220, "#ffcf7a", 0.45)
    vignette(svg, 0.22)


def wall_art(svg, x, y, w, h, colours):
    """A framed print of simple shapes above the bed: arches, a sun, a river line."""
    svg.rect(x - 10, y - 10, w + 20, h + 20, "#b08d57")
    svg.rect(x, y, w, h, "#f7f3ea")
    a, b, c = colours
    svg.path(f"M{x + w * 0.1:.0f} {y + h * 0.9:.0f}V{y + h * 0.5:.0f}a{w * 0.15:.0f} {w * 0.15:.0f} 0 0 1 {w * 0.3:.0f} 0V{y + h * 0.9:.0f}z", a)
    svg.circle(x + w * 0.68, y + h * 0.38, h * 0.2, b)
    svg.path(f"M{x + w * 0.45:.0f} {y + h * 0.9:.0f}q{w * 0.12:.0f} -{h * 0.25:.0f} {w * 0.45:.0f} -{h * 0.2:.0f}v{h * 0.2:.0f}z", c)


def armchair(svg, x, y, colour):
    svg.path(f"M{x + 10} {y + 120}l-6 30M{x + 130} {y + 120}l6 30", "none", stroke="#5b4030", stroke_width="8")
    svg.rect(x + 10, y, 120, 90, shade(colour, 0.1), rx="20")
    svg.rect(x, y + 60, 140, 60, colour, rx="16")
    svg.rect(x - 6, y + 40, 30, 80, shade(colour, 0.2), rx="12")
    svg.rect(x + 116, y + 40, 30, 80, shade(colour, 0.2), rx="12")


def room(svg, tod="day", wall=None, headboard="#2f5d62", linen="#faf8f4", throw="#c9a227",
         tiles=False, outlook="street", beams=False, twin=False):
    """A hotel room: a tall window with a French balcony, parquet floor, an upholstered bed."""
    t = TIMES[tod]
    rng = svg.rng
    wall = wall or rng.choice(["#f2ece3", "#e6ecef", "#f3e6de", "#ecefe4"])
    svg.rect(0, 0, W, 600, wall)
    svg.path("M0 60h1200M0 70h1200", "none", stroke=shade(wall, 0.08), stroke_width="4")
    if tiles:
        svg.rect(170, 200, 600, 400, azulejo(svg, size=36))
        svg.rect(170, 200, 600, 8, shade(wall, 0.2))
    with svg.views([(860, 120, 230, 440)]):
        if outlook == "street":
            street(svg, tod, span=(380, 820))
        else:
            rooftops(svg, tod)
    window_frame(svg, 860, 120, 230, 440, "#f7f4ef", (1, 3), 12)
    svg.path("M860 470h230M860 500h230" + "".join(f"M{x} 470v90" for x in range(870, 1090, 18)), "none", stroke="#222", stroke_width="3")
    svg.path("M830 100h290v16h-290z", "#b08d57")
    svg.path("M835 116q20 220 -5 480h40q-10 -260 10 -480z", shade(headboard, -0.25))
    svg.path("M1115 116q-20 220 5 480h-40q10 -260 -10 -480z", shade(headboard, -0.25))
    floor = svg.pattern(80, 40, '<rect width="80" height="40" fill="#b98a5e"/><path d="M0 0l40 20-40 20M40 0l40 20-40 20" fill="none" stroke="#9c7049" stroke-width="2"/>')
    svg.rect(0, 600, W, 200, floor)
    svg.rect(0, 600, W, 200, svg.linear([(0, "#000", 0.15), (1, "#000", 0)]))
    svg.rect(0, 590, W, 12, "#f7f4ef")
    shadow(svg, 470, 770, 330, 24)
    beds = [(250, 440)] if not twin else [(210, 250), (510, 250)]
    if not tiles:
        if rng.random() < 0.5:
            wall_art(svg, 330, 110, 280, 150, rng.choice([(headboard, throw, TILE_BLUE), (throw, ROOF, headboard), ("#e9a6a0", throw, headboard)]))
        else:
            for k, x in enumerate((300, 500)):
                wall_art(svg, x, 130, 140, 130, [(throw, headboard, ROOF), (headboard, ROOF, throw)][k])
    svg.rect(230, 300, 480, 260, headboard, rx="40")
    svg.path("".join(f"M{x} 320v220" for x in range(290, 700, 60)), "none", stroke=shade(headboard, 0.15), stroke_width="3")
    for bx, bw in beds:
        svg.rect(bx, 500, bw, 200, linen, rx="14")
        pw = (bw - 40) / (2 if bw > 300 else 1)
        for k in range(2 if bw > 300 else 1):
            svg.rect(bx + 14 + k * (pw + 12), 460, pw, 64, "#ffffff", rx="22")
        svg.rect(bx - 8, 600, bw + 16, 110, throw, rx="10")
        svg.rect(bx - 8, 620, bw + 16, 10, shade(throw, -0.3))
    for x in (130, 730):
        svg.rect(x, 560, 80, 110, "#6b4a33")
        svg.path(f"M{x + 40} 560v-70", "none", stroke="#b08d57", stroke_width="5")
        svg.path(f"M{x + 14} 500h52l-10 -46h-32z", "#f1e6cf")
        if t["glow"] or tod == "dusk":
            lamp_glow(svg, x + 40, 480, 140)
    armchair(svg, 750, 600, shade(throw, 0.25))
    plant(svg, 1150, 780, 180, "#e9e2d5", "#3d6b45")
    if beams:
        svg.path("".join(f"M{x} 0l-40 90" for x in range(60, 1260, 160)), "none", stroke="#5b4030", stroke_width="22")
        svg.rect(0, 0, W, 24, "#5b4030")
    vignette(svg, 0.2)


def bathroom(svg, tod="day", tub=True):
    """Estremoz-marble bathroom with a clawfoot tub and a window over the roofs."""
    svg.rect(0, 0, W, 800, "#eceae6")
    veins = "".join(f"M{svg.rng.randint(0, W)} {svg.rng.randint(0, 620)}q{svg.rng.randint(-80, 80)} 60 {svg.rng.randint(-40, 160)} {svg.rng.randint(80, 200)}" for _ in range(14))
    svg.path(veins, "none", stroke="#b9b6b0", stroke_width="2", stroke_opacity="0.7")
    with svg.views([(720, 110, 300, 340)]):
        rooftops(svg, tod, rows=3)
    window_frame(svg, 720, 110, 300, 340, "#f7f4ef", (1, 1), 12)
    svg.rect(0, 620, W, 180, svg.pattern(60, 60, '<rect width="60" height="60" fill="#3b3f46"/><rect width="30" height="30" fill="#f1efe9"/><rect x="30" y="30" width="30" height="30" fill="#f1efe9"/>'))
    shadow(svg, 600, 760, 330, 22)
    if tub:
        svg.path("M300 560h600q-10 150 -120 170h-360q-110 -20 -120 -170z", "#fbfaf7")
        svg.rect(290, 550, 620, 20, "#f0ede6", rx="10")
        svg.path("M360 730l-16 40h22l14 -40zM840 730l16 40h-22l-14 -40z", "#c9a24a")
        svg.path("M860 550v-90q0 -30 -30 -30", "none", stroke="#c9a24a", stroke_width="8")
    else:
        svg.rect(400, 140, 440, 560, "#dfe8ec")
        svg.path("".join(f"M{x} 140v560" for x in range(440, 840, 44)) + "M400 380h440", "none", stroke="#c9c7c1", stroke_width="2")
        svg.rect(600, 140, 8, 120, "#c9a24a")
        svg.ellipse(604, 262, 60, 12, "#c9a24a")
        drops = "".join(f"M{svg.rng.randint(560, 650)} {svg.rng.randint(290, 560)}v18" for _ in range(26))
        svg.path(drops, "none", stroke="#9fc3d6", stroke_width="3", stroke_linecap="round")
        svg.rect(840, 100, 12, 620, "#c9a24a")
        svg.rect(840, 100, 300, 8, "#c9a24a", fill_opacity="0")
        svg.rect(852, 110, 6, 600, "#b9d3df", fill_opacity="0.7")
    svg.rect(120, 200, 170, 240, "#cfd8dc", rx="80")
    svg.rect(110, 190, 190, 260, "none", rx="90", stroke="#c9a24a", stroke_width="10")
    svg.rect(100, 500, 220, 40, "#f7f4ef")
    svg.rect(1060, 420, 110, 240, "#3b6e8f", rx="8")
    svg.rect(1060, 460, 110, 12, "#f7f4ef")
    plant(svg, 1110, 420, 150, "#f7f4ef", "#3d6b45")
    vignette(svg, 0.18)


def courtyard(svg, tod="morning"):
    """Breakfast in the courtyard under the lemon tree, tiled walls, pastéis de nata."""
    t = TIMES[tod]
    svg.rect(0, 0, W, 800, "#f4eee2")
    svg.rect(0, 300, W, 300, azulejo(svg, "#2457a3", size=44))
    svg.rect(0, 292, W, 12, "#d8cdb8")
    svg.rect(0, 0, W, 160, svg.linear([(0, t["sky"][0][1]), (1, t["sky"][-1][1])]))
    svg.rect(0, 150, W, 14, "#e6dccb")
    svg.rect(0, 600, W, 200, svg.linear([(0, "#cbbfa8"), (1, "#a89a80")]))
    svg.path("M820 640q10 -200 -20 -380", "none", stroke="#6a5446", stroke_width="22")
    bush(svg, 800, 300, 170, "#3f7a45", 9)
    bush(svg, 760, 240, 120, "#4f8a4d", 6)
    lemons = "".join(f"M{800 + svg.rng.randint(-200, 200)} {svg.rng.randint(140, 360)}h0.1" for _ in range(26))
    svg.path(lemons, "none", stroke="#f2d03b", stroke_width="18", stroke_linecap="round")
    for cx, cy in ((330, 640), (760, 700)):
        shadow(svg, cx, cy + 120, 150, 16)
        svg.ellipse(cx, cy, 150, 30, "#f7f5f0")
        svg.rect(cx - 10, cy, 20, 120, "#2d2d2d")
        for dx in (-70, 10, 70):
            svg.ellipse(cx + dx, cy - 8, 24, 7, "#ffffff")
        svg.path(f"M{cx - 80} {cy - 14}h24v-16h-24zM{cx + 60} {cy - 14}h24v-16h-24z", "#ffffff")
        for dx in (-20, 0, 20):
            svg.circle(cx + dx, cy - 16, 9, "#e8a838")
            svg.circle(cx + dx, cy - 16, 5, "#7a4a1a")
        for side in (-1, 1):
            svg.path(f"M{cx + side * 190} {cy + 110}v-90h{-side * 40}v-90", "none", stroke="#2d2d2d", stroke_width="8")
    plant(svg, 100, 780, 200, "#b56b4a", "#3d6b45")
    vignette(svg, 0.18)


def facade(svg, tod="golden"):
    """The hotel's tiled façade with iron balconies, green shutters and a sign."""
    t = sky(svg, tod, 400, clouds=1)
    tiles = azulejo(svg, TILE_BLUE, size=32)
    svg.rect(180, 90, 840, 640, tiles)
    svg.rect(180, 90, 840, 640, t["light"], fill_opacity="0.12")
    svg.rect(170, 80, 860, 20, "#efe8dc")
    svg.poly([(160, 80), (1040, 80), (1000, 30), (200, 30)], ROOF)
    glass = "#f5cd7a" if t["glow"] else "#31465f"
    for f in range(4):
        for c in range(4):
            x, y = 240 + c * 200, 130 + f * 140
            if f == 3 and c in (1, 2):
                continue
            svg.rect(x - 16, y - 10, 112, 126, "#efe8dc")
            svg.rect(x, y, 80, 110, glass)
            svg.path(f"M{x + 40} {y}v110M{x} {y + 40}h80", "none", stroke="#efe8dc", stroke_width="5")
            svg.rect(x - 28, y, 24, 110, "#2e6b57")
            svg.rect(x + 84, y, 24, 110, "#2e6b57")
            if f < 3:
                svg.path(f"M{x - 10} {y + 112}h100M{x - 10} {y + 80}h100" + "".join(f"M{x - 10 + i * 12} {y + 80}v32" for i in range(9)),
                         "none", stroke="#1f2328", stroke_width="3")
    svg.path("M520 730V590a80 80 0 0 1 160 0V730z", "#efe8dc")
    svg.path("M540 730V594a60 60 0 0 1 120 0V730z", "#3a2a20")
    svg.rect(470, 540, 260, 40, "#1f2f4a")
    svg.text(600, 567, "CASA MIRADOURO", 20, "#f2e3b8", "Georgia, serif", "600", "middle", "3")
    svg.rect(0, 730, W, 70, calcada(svg))
    svg.rect(0, 0, 180, 730, mix("#f2c14e", t["haze"], 0.2))
    svg.rect(1020, 0, 180, 730, mix("#e9a6a0", t["haze"], 0.2))
    if t["glow"]:
        lamp_glow(svg, 600, 620, 260, "#ffd27a", 0.5)
    vignette(svg, 0.2)


def logo(svg):
    """Casa Miradouro: an azulejo quatrefoil in a square, and the name."""
    svg.rect(8, 8, 80, 80, "#f6f3ec", rx="6", stroke=TILE_BLUE, stroke_width="4")
    svg.path("M48 18Q68 48 48 78Q28 48 48 18zM18 48Q48 28 78 48Q48 68 18 48z", TILE_BLUE)
    svg.circle(48, 48, 7, "#f6f3ec")
    svg.text(104, 52, "Casa Miradouro", 34, "#1f2f4a", "Georgia, 'Times New Roman', serif", "600")
    svg.text(106, 78, "ALFAMA · LISBOA", 13, "#c4553b", "Helvetica, Arial, sans-serif", "700", spacing="4")


def hero(svg):
    street(svg, "golden", 560)


HERO_ANCHOR = 0.75
HERO_ALT = "Yellow tram 28 climbing a street of colourful tiled houses in Alfama, Lisbon, in golden evening light"

PHOTOS = {
    "classic-double": [
        (room, dict(tod="day", headboard="#3f6f6a", throw="#c9a227", outlook="rooftops"), "Classic double room with a teal upholstered headboard, mustard throw and a tall window over the roofs"),
        (courtyard, dict(tod="morning"), "Breakfast tables under the lemon tree in the tiled courtyard, with coffee and pastéis de nata"),
        (bathroom, dict(tod="day", tub=False), "Marble bathroom with a walk-in rain shower, brass fittings and an oval mirror"),
    ],
    "classic-twin": [
        (room, dict(tod="day", headboard="#7a4b3a", throw="#3f6f6a", twin=True, outlook="rooftops"), "Twin room with two single beds, a walnut-brown headboard, teal throws and framed prints"),
        (courtyard, dict(tod="day"), "The courtyard with its lemon tree and blue-and-white tiled walls, set for breakfast"),
        (bathroom, dict(tod="golden", tub=False), "Bright marble shower room with brass fittings"),
    ],
    "superior-tram-view": [
        (street, dict(tod="day", tram_x=380), "Tram 28 climbing past colourful façades right below the room's balcony"),
        (room, dict(tod="golden", headboard="#2f4b7c", throw="#e2b04a", outlook="street"), "Superior room with a navy headboard and a French balcony over the tram street"),
        (bathroom, dict(tod="day", tub=False), "Grey-veined marble bathroom with a rain shower"),
        (facade, dict(tod="day"), "The hotel's blue-and-white tiled façade with green shutters and iron balconies"),
    ],
    "superior-azulejo": [
        (room, dict(tod="day", tiles=True, headboard="#1f4e8c", throw="#f2efe6", outlook="street"), "Room with an original blue-and-white 19th-century tile wall behind a king-size bed"),
        (room, dict(tod="dusk", tiles=True, headboard="#1f4e8c", throw="#c9a227", outlook="street"), "The tiled room in the evening, bedside lamps lit"),
        (bathroom, dict(tod="golden", tub=True), "Clawfoot bathtub with brass feet in a marble bathroom"),
    ],
    "deluxe-river-view": [
        (rooftops, dict(tod="golden"), "View from the balcony over Alfama's terracotta roofs and a white dome to the Tagus and the red suspension bridge"),
        (room, dict(tod="golden", headboard="#8a3b4a", throw="#e8dcc4", outlook="rooftops"), "Deluxe room with a burgundy headboard and a window over the river"),
        (bathroom, dict(tod="day", tub=True), "Marble bathroom with a clawfoot tub and a window over the roofs"),
        (rooftops, dict(tod="dusk"), "The roofs and the river at dusk, windows lighting up across the hill"),
    ],
    "junior-suite-miradouro": [
        (room, dict(tod="golden", headboard="#3c6e5a", throw="#d9774a", outlook="rooftops"), "Corner suite with a green velvet headboard and a window over the roofs to the river"),
        (rooftops, dict(tod="sunset"), "Sunset over the Tagus and the bridge, seen from the suite's balcony"),
        (street, dict(tod="dusk", tram_x=600), "The street below at dusk, with the tram's lights on and windows glowing"),
        (bathroom, dict(tod="golden", tub=True), "Bathtub set under the window in a marble bathroom"),
    ],
    "family-loft": [
        (room, dict(tod="day", headboard="#c98a3a", throw="#3f6f6a", beams=True, outlook="rooftops"), "Family loft under dark roof beams with a mustard headboard and teal throw"),
        (room, dict(tod="morning", headboard="#c98a3a", throw="#e9a6a0", beams=True, twin=True, outlook="rooftops"), "The mezzanine with two single beds under the beams"),
        (courtyard, dict(tod="morning"), "Breakfast courtyard with the lemon tree, ready for a family morning"),
        (bathroom, dict(tod="day", tub=True), "Family bathroom with a bathtub"),
    ],
    "rooftop-suite": [
        (terrace, dict(tod="sunset"), "Private roof terrace at sunset with a table for two, an olive tree and lavender above the roofs and the river"),
        (terrace, dict(tod="day"), "The roof terrace by day, looking over Alfama to the Tagus and the bridge"),
        (room, dict(tod="dusk", headboard="#1f2f4a", throw="#c9a227", outlook="rooftops"), "Rooftop suite bedroom at dusk with a midnight-blue headboard and lamps lit"),
        (bathroom, dict(tod="sunset", tub=True), "Freestanding bathtub in marble at sunset"),
        (rooftops, dict(tod="night"), "Alfama's roofs and the river at night under the moon, seen from the terrace"),
    ],
}
