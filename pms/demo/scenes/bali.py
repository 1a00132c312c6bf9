"""Bali: pool villas, thatched pavilions, rice terraces, palms and the sea."""

import math

from .kit import (TIMES, W, H, bush, lamp_glow, mix, mountains, palm, plant, sea, shade,
                  shadow, sky, vignette, window_frame)

THATCH = "#b58a4f"
TEAK = "#6b4428"
STONE = "#d9cdb4"
WATER = ("#5fd0d6", "#17809c")


def pavilion(svg, x, w, base, roof_h, tod, thatch=THATCH, open_front=True):
    """A Balinese pavilion: stone plinth, teak posts, a steep alang-alang roof."""
    t = TIMES[tod]
    eave = base - roof_h * 0.95
    top = eave - roof_h
    svg.rect(x + 8, eave, w - 16, base - eave, "#3a2617" if open_front else "#efe4cf")
    if t["glow"]:
        lamp_glow(svg, x + w / 2, eave + (base - eave) * 0.55, w * 0.45, "#ffc772", 0.8)
    if open_front:
        svg.rect(x + w * 0.22, base - 60, w * 0.56, 36, "#e9dcc2")
        svg.rect(x + w * 0.22, base - 84, w * 0.56, 26, "#d4c3a3")
        for i in range(3):
            svg.rect(x + w * (0.27 + i * 0.17), base - 80, w * 0.1, 22, ["#c9643c", "#e7b54a", "#3f7f73"][i])
    posts = []
    for i in range(4):
        px = x + 10 + (w - 34) * i / 3
        posts.append(f"M{px:.0f} {eave:.0f}h14v{base - eave:.0f}h-14z")
    svg.path("".join(posts), TEAK)
    svg.rect(x - 24, base, w + 48, 26, STONE)
    svg.rect(x - 24, base + 26, w + 48, 8, shade(STONE, 0.25))
    roof = [(x - 50, eave), (x + w + 50, eave), (x + w * 0.64, top), (x + w * 0.36, top)]
    svg.poly(roof, svg.linear([(0, shade(thatch, -0.12)), (1, shade(thatch, 0.18))]))
    lines = "".join(f"M{x - 50 + (i + 1) * (w + 100) / 15:.0f} {eave:.0f}L{x + w * 0.36 + (i + 1) * w * 0.28 / 15:.0f} {top:.0f}"
                    for i in range(14))
    svg.path(lines, "none", stroke=shade(thatch, 0.3), stroke_width="2", stroke_opacity="0.5")
    svg.rect(x - 50, eave - 6, w + 100, 12, shade(thatch, 0.35))
    svg.poly([(x + w * 0.36, top), (x + w * 0.64, top), (x + w * 0.6, top - 10), (x + w * 0.4, top - 10)], shade(thatch, 0.4))
    shade_t = TIMES[tod]["haze"]
    svg.rect(x - 50, eave + 6, w + 100, 18, "#000", fill_opacity="0.18")
    return shade_t


def lounger(svg, x, y, colour="#f3ede2"):
    svg.poly([(x, y), (x + 120, y), (x + 126, y + 10), (x - 4, y + 10)], colour)
    svg.poly([(x + 90, y), (x + 124, y - 38), (x + 132, y - 34), (x + 102, y)], colour)
    svg.path(f"M{x + 8} {y + 10}v16M{x + 112} {y + 10}v16", "none", stroke=TEAK, stroke_width="5")


def pool(svg, top, bottom, tod, x0=0, x1=W):
    t = TIMES[tod]
    deep = mix(WATER[1], t["sky"][0][1], 0.35 if t["glow"] else 0.1)
    svg.rect(x0, top, x1 - x0, bottom - top, svg.linear([(0, mix(WATER[0], t["haze"], 0.3)), (1, deep)]))
    ripples = "".join(f"M{svg.rng.randint(x0, x1 - 60)} {svg.rng.randint(top + 8, bottom - 6)}q15 -6 30 0t30 0"
                      for _ in range(16))
    svg.path(ripples, "none", stroke="#ffffff", stroke_opacity="0.45", stroke_width="2.5")
    svg.rect(x0, bottom, x1 - x0, 10, STONE)


def frangipani(svg, x, y, s):
    svg.path(f"M{x} {y}q-10 -{60 * s:.0f} -{50 * s:.0f} -{110 * s:.0f}M{x} {y - 40 * s:.0f}q20 -{40 * s:.0f} {60 * s:.0f} -{70 * s:.0f}",
             "none", stroke="#6a5446", stroke_width=f"{8 * s:.0f}", stroke_linecap="round")
    bush(svg, x - 50 * s, y - 120 * s, 46 * s, "#3f7a45", 5)
    bush(svg, x + 60 * s, y - 112 * s, 40 * s, "#4b8a4d", 4)
    flowers = "".join(f"M{x + svg.rng.uniform(-90, 100) * s:.0f} {y - svg.rng.uniform(100, 170) * s:.0f}h0.1" for _ in range(14))
    svg.path(flowers, "none", stroke="#fff6e0", stroke_width=f"{11 * s:.0f}", stroke_linecap="round")
    svg.path(flowers, "none", stroke="#f4c542", stroke_width=f"{4 * s:.0f}", stroke_linecap="round")


def jungle_hills(svg, tod, base=430):
    t = TIMES[tod]
    mountains(svg, base - 10, [(260, base - 170), (760, base - 130), (1050, base - 160)],
              mix("#3e6b4c", t["haze"], 0.55), rough=0.25)
    mountains(svg, base + 40, [(140, base - 60), (520, base - 90), (900, base - 50)],
              mix("#2f5b3a", t["haze"], 0.3), rough=0.3)


def pool_villa(svg, tod="sunset", ocean=True, thatch=THATCH, flip=False):
    """Exterior: infinity pool in front of a thatched pavilion, ocean or jungle behind."""
    t = sky(svg, tod, 420, clouds=2)
    if ocean:
        sea(svg, 380, 560, tod)
    else:
        jungle_hills(svg, tod, 460)
        svg.rect(0, 470, W, 100, mix("#244a31", t["haze"], 0.2))
    rng = svg.rng
    pw = rng.randint(380, 470)
    px = rng.randint(60, 140) if flip else rng.randint(600, 1120 - pw)
    if rng.random() < 0.6:
        bx = (px + pw + 90) if flip else (px - 300)
        pavilion(svg, bx, 170, 540, 90, tod, shade(thatch, 0.08))
    pavilion(svg, px, pw, 530, rng.randint(160, 200), tod, thatch)
    pool(svg, 560, 660, tod)
    deck = rng.choice(["#cdbd9c", "#d6cfc2", "#b89a74"])
    svg.rect(0, 670, W, 130, svg.linear([(0, deck), (1, shade(deck, 0.2))]))
    planks = "".join(f"M0 {y}h{W}" for y in range(690, 800, 22))
    svg.path(planks, "none", stroke=shade(deck, 0.3), stroke_width="2", stroke_opacity="0.5")
    lx = 760 if flip else 180
    lounger(svg, lx, 716)
    lounger(svg, lx + 190, 716)
    svg.rect(lx + 150, 640, 10, 100, "#f3ede2")
    svg.path(f"M{lx + 75} 650q80 -50 160 0z", "#f3ede2")
    trunk = "#4a3a2c" if t["glow"] else "#7a6450"
    leaf = "#1f3a24" if t["glow"] else "#2f6b3a"
    for k in range(rng.randint(2, 3)):
        x = (rng.randint(960, 1150) if flip else rng.randint(40, 260))
        palm(svg, x, 700 - k * 10, rng.randint(400, 580), rng.choice((-60, -30, 30, 50)), trunk,
             leaf if k % 2 == 0 else shade(leaf, -0.12))
    frangipani(svg, 560 if not flip else 640, 560, 0.9)
    vignette(svg, 0.25)


def pool_perspective(svg, tod="day", ocean=True):
    """Looking down the length of a long pool: loungers and palms on both sides, the view beyond."""
    t = sky(svg, tod, 400, clouds=2)
    if ocean:
        sea(svg, 380, 430, tod)
    else:
        jungle_hills(svg, tod, 430)
    hx, hy = 600, 420
    deck = "#d6cfc2"
    svg.poly([(-10, hy), (W + 10, hy), (W + 10, H), (-10, H)], svg.linear([(0, shade(deck, 0.1)), (1, deck)]))
    joints = "".join(f"M{hx + (x - hx) * 0.12:.0f} {hy}L{x} {H}" for x in range(-1400, 2700, 160))
    joints += "".join(f"M0 {hy + 380 * d:.0f}h{W}" for d in (0.08, 0.18, 0.32, 0.5, 0.75))
    svg.path(joints, "none", stroke=shade(deck, 0.2), stroke_width="2", stroke_opacity="0.5")
    for side in (-1, 1):
        for k, d in enumerate((0.95, 0.6, 0.36, 0.2)):
            x = hx + side * (120 + 560 * d)
            y = hy + 380 * d
            bush(svg, x + side * 60 * d, y - 40 * d, 90 * d, "#3f7a45" if k % 2 else "#4b8a4d", 4)
    pool_top, pool_bottom = (hx - 70, hx + 70), (200, 1000)
    svg.poly([(pool_top[0] - 8, hy), (pool_top[1] + 8, hy), (pool_bottom[1] + 40, H), (pool_bottom[0] - 40, H)], STONE)
    water = svg.linear([(0, mix(WATER[0], t["haze"], 0.35)), (1, WATER[1])])
    svg.poly([(pool_top[0], hy + 4), (pool_top[1], hy + 4), (pool_bottom[1], H), (pool_bottom[0], H)], water)
    lanes = "".join(f"M{hx + (x - 600) * 0.12:.0f} {hy + 20}L{x} {H}" for x in (400, 600, 800))
    svg.path(lanes, "none", stroke="#ffffff", stroke_opacity="0.25", stroke_width="3")
    ripples = "".join(f"M{svg.rng.randint(300, 880)} {svg.rng.randint(560, 790)}q18 -6 36 0t36 0" for _ in range(10))
    svg.path(ripples, "none", stroke="#ffffff", stroke_opacity="0.45", stroke_width="3")
    for side in (-1, 1):
        for d in (0.75, 0.45, 0.27):
            x = hx + side * (140 + 520 * d)
            y = hy + 380 * d
            s = d * 1.4
            svg.poly([(x - 60 * s, y), (x + 60 * s, y), (x + 64 * s, y + 8 * s), (x - 64 * s, y + 8 * s)], "#f3ede2")
            bx = x + side * 44 * s
            svg.poly([(bx, y), (bx + side * 16 * s, y - 34 * s), (bx + side * 24 * s, y - 30 * s), (bx + side * 10 * s, y)], "#f3ede2")
            svg.rect(x - 50 * s, y - 4 * s, 40 * s, 6 * s, "#e7b54a")
    trunk = "#4a3a2c" if t["glow"] else "#7a6450"
    for side in (-1, 1):
        for d, h in ((1.0, 640), (0.55, 380), (0.3, 220)):
            x = hx + side * (200 + 560 * d)
            palm(svg, x, hy + 380 * d, h, side * -40, trunk, "#2f6b3a" if not t["glow"] else "#1f3a24")
    if t["glow"]:
        for side in (-1, 1):
            for d in (0.8, 0.45, 0.25):
                lamp_glow(svg, hx + side * (100 + 470 * d), hy + 380 * d, 60 * d + 20, "#ffcf7a", 0.8)
    vignette(svg, 0.22)


def rice_terraces(svg, tod="morning", volcano=True, palms=3):
    """Stepped rice terraces falling away in parallel contours, a volcano (Mount Agung) beyond."""
    t = sky(svg, tod, 420, clouds=3)
    if volcano:
        c = mix("#5d6f7f", t["haze"], 0.45)
        svg.poly([(250, 420), (600, 150), (650, 140), (700, 152), (1080, 420)], c)
        svg.poly([(650, 140), (700, 152), (1080, 420), (760, 420)], "#0b1a33", fill_opacity="0.15")
        svg.poly([(600, 150), (650, 140), (700, 152), (672, 190), (650, 176), (628, 196)], mix("#ffffff", t["haze"], 0.3), fill_opacity="0.6")
    mountains(svg, 440, [(150, 340), (950, 360)], mix("#3d6b45", t["haze"], 0.5), rough=0.2)
    greens = ["#9cc85a", "#7fb54a", "#a9cf62", "#6fa83f", "#93c256", "#86ba4d", "#a3cc5e", "#74ad43", "#8fc052"]
    tufts = {}
    for size in (10, 16, 26):
        tufts[size] = svg.pattern(size * 2, size, f'<path d="M{size * 0.3:.0f} {size}l{size * 0.15:.1f} -{size * 0.6:.0f}M{size * 0.6:.0f} {size}l-{size * 0.1:.1f} -{size * 0.7:.0f}'
                                                  f'M{size * 1.3:.0f} {size * 0.5:.0f}l{size * 0.15:.1f} -{size * 0.45:.0f}" stroke="#3f7a2f" stroke-width="{max(1, size / 8):.1f}" opacity="0.55"/>')
    phase = svg.rng.uniform(0, 6)
    y = 430
    for i in range(9):
        amp = 14 + i * 7
        d = f"M-10 {y + amp * math.sin(phase):.0f}"
        for k in range(1, 13):
            x = k * 100
            d += f"L{x} {y + amp * math.sin(phase + x / 260) + 6 * math.sin(x / 70 + i):.0f}"
        d += "L1210 {0:.0f}".format(y + amp * math.sin(phase + 1210 / 260))
        flooded = i in (2, 6)
        field = mix(t["sky"][-1][1], "#7fb8a8", 0.55) if flooded else greens[i]
        svg.path(d + f"V{H}H-10z", mix(field, t["haze"], max(0, 0.35 - i * 0.05)))
        size = 10 if i < 3 else (16 if i < 6 else 26)
        if not flooded:
            svg.path(d + f"V{H}H-10z", tufts[size])
        wall = 3 + i * 1.6
        svg.path(d, "none", stroke=mix("#5b6b2f", t["haze"], max(0, 0.3 - i * 0.04)), stroke_width=f"{wall:.0f}")
        svg.path(d, "none", stroke="#d9eca0", stroke_width="2", stroke_opacity="0.6", transform=f"translate(0 -{wall / 2 + 1:.0f})")
        y += 36 + i * 9
    for k in range(palms):
        x = [120, 1040, 880, 300][k]
        palm(svg, x, 560 + k * 70, 300 + k * 40, svg.rng.choice((-40, 30)), "#6a5a48", "#2f5f33")
    svg.path("M470 520h90l-10 -24h-70z", "#8a6a45")
    svg.path("M455 498h120l-60 -40z", mix(THATCH, t["haze"], 0.2))
    vignette(svg, 0.2)


def beach(svg, tod="morning"):
    """A black-sand bay with outrigger boats (jukung) and the volcano at dawn."""
    t = sky(svg, tod, 440, clouds=2)
    c = mix("#4e5e70", t["haze"], 0.4)
    svg.poly([(520, 440), (820, 170), (860, 162), (900, 172), (1240, 440)], c)
    mountains(svg, 450, [(60, 330), (300, 360)], mix("#2e5a3a", t["haze"], 0.35), rough=0.3)
    sea(svg, 440, 640, tod, "#2a7fa8")
    svg.path("M0 640Q300 610 600 630T1200 620V800H0z", "#3a3634")
    svg.path("M0 640Q300 610 600 630T1200 620", "none", stroke="#ffffff", stroke_opacity="0.6", stroke_width="5")
    for i, (x, y, s, c) in enumerate([(330, 690, 1.0, "#e8d6b0"), (640, 720, 1.2, "#f2f2f2"), (160, 760, 0.9, "#d5e3ef")]):
        svg.path(f"M{x - 120 * s:.0f} {y}q{120 * s:.0f} {30 * s:.0f} {240 * s:.0f} 0l-{20 * s:.0f} {18 * s:.0f}h-{200 * s:.0f}z", c)
        svg.path(f"M{x - 90 * s:.0f} {y + 30 * s:.0f}h{180 * s:.0f}M{x - 60 * s:.0f} {y + 4}v{26 * s:.0f}M{x + 60 * s:.0f} {y + 4}v{26 * s:.0f}",
                 "none", stroke="#3b3b3b", stroke_width="4")
        svg.poly([(x, y - 4), (x, y - 150 * s), (x + 80 * s, y - 20)], ["#d8453b", "#f0c040", "#2f8fb0"][i], fill_opacity="0.9")
        svg.line(x, y, x, y - 160 * s, "#3b3b3b", 4)
    palm(svg, 1080, 700, 520, -90, "#5a4a3a", "#274f2c")
    palm(svg, 980, 690, 380, -40, "#5a4a3a", "#2f5f33")
    vignette(svg, 0.2)


def view(svg, kind, tod):
    """Scenes seen through openings of interiors."""
    if kind == "ocean":
        sky(svg, tod, 500, clouds=2)
        sea(svg, 480, 800, tod)
    elif kind == "jungle":
        t = sky(svg, tod, 500, clouds=1)
        jungle_hills(svg, tod, 420)
        svg.rect(0, 460, W, 340, mix("#2a5434", t["haze"], 0.15))
        for x in (150, 420, 760, 1040):
            palm(svg, x, 900, 640, svg.rng.choice((-60, 50)), "#5a4a3a", "#2f6336")
        bush(svg, 600, 800, 200, "#356b3e", 8)
    else:
        rice_terraces(svg, tod, volcano=True, palms=2)


def living(svg, tod="day", outlook="ocean", wood=TEAK, accent="#c9643c"):
    """Open-air living pavilion: the roof frames a view, a low sofa, a teak table."""
    with svg.viewport(0, 0, W, 640):
        view(svg, outlook, tod)
    svg.rect(0, 0, W, 70, shade(wood, 0.2))
    svg.poly([(0, 70), (W, 70), (W, 120), (0, 160)], shade(wood, 0.45))
    beams = "".join(f"M{x} 0L{x - 40 + x * 0.05:.0f} 150" for x in range(60, W, 120))
    svg.path(beams, "none", stroke=shade(wood, 0.55), stroke_width="10")
    for x in (40, 1130):
        svg.rect(x, 60, 30, 600, svg.linear([(0, shade(wood, 0.1)), (1, shade(wood, 0.4))], 0, 0, 1, 0))
    svg.rect(0, 640, W, 160, svg.linear([(0, "#c7a27a"), (1, "#8e6a48")]))
    svg.path("".join(f"M0 {y}h{W}" for y in range(660, 800, 24)), "none", stroke="#7a5a3c", stroke_opacity="0.35", stroke_width="2")
    shadow(svg, 600, 760, 420, 26)
    svg.rect(230, 600, 740, 110, "#efe6d6", rx="14")
    svg.rect(200, 560, 60, 150, "#e4d8c2", rx="14")
    svg.rect(940, 560, 60, 150, "#e4d8c2", rx="14")
    svg.rect(270, 540, 660, 90, "#f6efe2", rx="18")
    for i, c in enumerate([accent, "#e7b54a", "#3f7f73", accent]):
        svg.rect(300 + i * 160, 520, 110, 80, c, rx="14", transform=f"rotate({(-6, 4, -3, 6)[i]} {355 + i * 160} 560)")
    svg.rect(360, 730, 480, 20, shade(wood, 0.1))
    svg.rect(380, 750, 20, 50, shade(wood, 0.3))
    svg.rect(800, 750, 20, 50, shade(wood, 0.3))
    svg.ellipse(520, 722, 44, 12, "#f3ede2")
    plant(svg, 1080, 760, 260, "#8a6a50", "#2f6b3a")
    if TIMES[tod]["glow"]:
        for x in (420, 780):
            svg.line(x, 120, x, 250, "#3a2a1a", 3)
            svg.path(f"M{x - 40} 290q40 -60 80 0z", "#e9c27a")
            lamp_glow(svg, x, 290, 200, "#ffcf7a", 0.55)
    vignette(svg, 0.22)


def bedroom(svg, tod="morning", outlook="jungle", wall="#efe4d2", linen="#faf7f0",
            throw="#c9643c", canopy=True):
    """A four-poster bed under a mosquito net, shutters open onto the garden."""
    svg.rect(0, 0, W, 620, wall)
    svg.path("".join(f"M{x} 0v620" for x in range(0, W, 60)), "none", stroke=shade(wall, 0.05), stroke_width="2")
    with svg.views([(90, 130, 220, 330), (890, 130, 220, 330)]):
        view(svg, outlook, tod)
    for x in (90, 890):
        window_frame(svg, x, 130, 220, 330, TEAK, (1, 2), 12)
        svg.rect(x - 30, 130, 30, 330, shade(TEAK, 0.1))
        svg.rect(x + 220, 130, 30, 330, shade(TEAK, 0.1))
    svg.rect(0, 620, W, 180, svg.linear([(0, "#b8936b"), (1, "#8c6a48")]))
    shadow(svg, 600, 770, 380, 24)
    svg.path("M400 480V300Q600 210 800 300V480Z", TEAK)
    svg.path("M430 470V318Q600 245 770 318V470Z", shade(wall, 0.12))
    svg.rect(370, 520, 460, 180, linen, rx="16")
    svg.rect(410, 470, 170, 80, "#ffffff", rx="24")
    svg.rect(620, 470, 170, 80, "#ffffff", rx="24")
    svg.poly([(360, 600), (840, 600), (860, 700), (340, 700)], throw)
    svg.path("M360 620h480M352 650h496", "none", stroke=shade(throw, -0.3), stroke_width="5")
    svg.rect(340, 700, 520, 40, shade(linen, 0.08))
    for x in (200, 900):
        svg.rect(x, 600, 100, 140, shade(TEAK, 0.1))
        svg.rect(x + 35, 520, 30, 80, "#f0e0c0")
        svg.path(f"M{x + 20} 520h60l-14 -50h-32z", "#f6ecd8")
        if TIMES[tod]["glow"]:
            lamp_glow(svg, x + 50, 500, 150)
    if canopy:
        svg.path("M350 120v620M850 120v620", "none", stroke=TEAK, stroke_width="16")
        svg.rect(330, 110, 540, 22, TEAK)
        svg.path("M360 132Q420 400 390 700L350 700V132zM840 132Q780 400 810 700L850 700V132z", "#ffffff", fill_opacity="0.55")
        svg.path("M360 132Q600 220 840 132", "none", stroke="#ffffff", stroke_opacity="0.6", stroke_width="20")
    plant(svg, 150, 790, 240, "#a0785a", "#2f6b3a")
    vignette(svg, 0.2)


def bedroom_open(svg, tod="day", outlook="ocean", throw="#2f7f86", wall="#efe4d2"):
    """A bed seen from the side, facing glass doors slid wide open onto the view."""
    t = TIMES[tod]
    svg.rect(0, 0, W, 640, wall)
    with svg.views([(300, 90, 820, 500)]):
        view(svg, outlook, tod)
    frame = "".join(f"M{x} 90v500" for x in (300, 505, 915, 1120))
    svg.path(frame + "M300 90h820M300 590h820", "none", stroke=TEAK, stroke_width="14")
    svg.rect(300, 90, 205, 500, "#ffffff", fill_opacity="0.12")
    svg.rect(915, 90, 205, 500, "#ffffff", fill_opacity="0.12")
    svg.rect(0, 600, W, 200, svg.linear([(0, "#c7a27a"), (1, "#8e6a48")]))
    svg.path("".join(f"M0 {y}h{W}" for y in range(620, 800, 26)), "none", stroke="#7a5a3c", stroke_opacity="0.35", stroke_width="2")
    shadow(svg, 500, 760, 460, 26)
    svg.rect(40, 330, 56, 400, shade(TEAK, 0.1), rx="8")
    svg.rect(96, 540, 800, 130, "#faf7f0", rx="16")
    svg.rect(110, 480, 190, 80, "#ffffff", rx="28")
    svg.rect(130, 440, 170, 70, "#f3ede2", rx="28")
    svg.path("M380 540h516v96q-40 50 -100 50h-416z", throw)
    svg.path("M380 575h516M380 610h516", "none", stroke=shade(throw, -0.3), stroke_width="5")
    svg.rect(80, 670, 830, 28, shade(TEAK, 0.15))
    svg.path("M110 698v60M880 698v60", "none", stroke=shade(TEAK, 0.3), stroke_width="16")
    svg.rect(950, 640, 160, 24, shade(TEAK, 0.05))
    svg.path("M965 664v100M1095 664v100", "none", stroke=shade(TEAK, 0.3), stroke_width="10")
    svg.ellipse(1000, 630, 26, 12, "#f3ede2")
    svg.path("M1040 640c0 -30 40 -30 40 0z", "#e7b54a")
    svg.line(600, 0, 600, 170, "#3a2a1a", 3)
    svg.path("M560 210q40 -70 80 0z", "#d9c7a9")
    if t["glow"]:
        lamp_glow(svg, 600, 210, 220, "#ffcf7a", 0.55)
    plant(svg, 1160, 795, 220, "#a0785a", "#2f6b3a")
    vignette(svg, 0.2)


def bathroom(svg, tod="day", outlook="jungle"):
    """A garden bathroom: stone tub under the sky, frangipani and river-stone walls."""
    t = TIMES[tod]
    with svg.viewport(0, 0, W, 560):
        view(svg, outlook, tod)
    svg.rect(0, 0, 220, 800, "#8f8a80")
    stones = "".join(f"M{svg.rng.randint(0, 200)} {svg.rng.randint(0, 780)}h{svg.rng.randint(14, 30)}" for _ in range(40))
    svg.path(stones, "none", stroke="#6d685f", stroke_width="10", stroke_linecap="round")
    svg.rect(220, 560, 980, 240, svg.linear([(0, "#d8d0c0"), (1, "#b5ab97")]))
    shadow(svg, 690, 760, 330, 22)
    svg.rect(380, 560, 620, 180, "#f3efe6", rx="90")
    svg.ellipse(690, 580, 290, 36, svg.linear([(0, "#9fe0e4"), (1, "#4fb0bf")]))
    petals = "".join(f"M{svg.rng.randint(450, 930)} {svg.rng.randint(566, 594)}h0.1" for _ in range(10))
    svg.path(petals, "none", stroke="#fff3dc", stroke_width="12", stroke_linecap="round")
    svg.path(petals, "none", stroke="#f4c542", stroke_width="4", stroke_linecap="round")
    svg.rect(1060, 420, 40, 340, "#ede6da", rx="8")
    svg.rect(1040, 380, 80, 50, "#d8cbb5", rx="6")
    frangipani(svg, 290, 560, 1.3)
    svg.rect(260, 640, 90, 70, "#ffffff", rx="8")
    svg.rect(260, 620, 90, 26, "#d9c7a9", rx="8")
    if t["glow"]:
        lamp_glow(svg, 1080, 420, 180)
    vignette(svg, 0.22)


def lumbung(svg, tod="golden"):
    """A rice-barn bungalow on posts, with its plunge pool and rice fields behind."""
    t = sky(svg, tod, 420, clouds=2)
    mountains(svg, 440, [(200, 330), (900, 350)], mix("#3d6b45", t["haze"], 0.5), rough=0.2, shade_right=False)
    svg.rect(0, 430, W, 200, mix("#86b84c", t["haze"], 0.2))
    rows = "".join(f"M0 {y}h{W}" for y in range(450, 630, 18))
    svg.path(rows, "none", stroke="#5e9a3c", stroke_width="3", stroke_opacity="0.6")
    cx = 620
    svg.rect(cx - 160, 420, 320, 200, "#3a2617")
    svg.poly([(cx - 230, 430), (cx + 230, 430), (cx + 120, 120), (cx, 60), (cx - 120, 120)],
             svg.linear([(0, shade(THATCH, -0.1)), (1, shade(THATCH, 0.2))]))
    svg.path("".join(f"M{cx - 230 + i * 40} 430L{cx - 100 + i * 17} 110" for i in range(12)), "none", stroke=shade(THATCH, 0.3), stroke_width="2", stroke_opacity="0.5")
    svg.rect(cx - 70, 250, 140, 120, "#f3d9a4" if t["glow"] or tod == "golden" else "#4a3320", rx="6")
    window_frame(svg, cx - 70, 250, 140, 120, TEAK, (1, 1), 8)
    for x in (cx - 150, cx - 60, cx + 45, cx + 135):
        svg.rect(x, 420, 16, 200, TEAK)
    svg.rect(cx - 200, 520, 400, 16, shade(TEAK, 0.1))
    svg.rect(cx - 180, 536, 360, 70, "#e9dcc2")
    pool(svg, 640, 720, tod, 200, 1000)
    svg.rect(0, 730, W, 70, "#b9a57f")
    svg.rect(0, 620, 200, 110, "#b9a57f")
    svg.rect(1000, 620, 200, 110, "#b9a57f")
    palm(svg, 120, 760, 520, 50, "#6a5a48", "#2f5f33")
    bush(svg, 1050, 700, 80, "#3f7a45")
    frangipani(svg, 1110, 730, 0.8)
    vignette(svg, 0.22)


def bamboo_house(svg, tod="day"):
    """A woven bamboo house with swooping roofs above a natural pond."""
    t = sky(svg, tod, 420, clouds=2)
    jungle_hills(svg, tod, 440)
    svg.rect(0, 450, W, 350, mix("#2c5a35", t["haze"], 0.15))
    bamboo = "#c9a56a"
    svg.path("M250 520C300 200 520 120 600 110C700 120 920 220 960 520Z", svg.linear([(0, shade(bamboo, -0.15)), (1, shade(bamboo, 0.2))]))
    svg.path("".join(f"M{260 + i * 50} 520C{300 + i * 40} 300 {560 + i * 5} 140 600 112" for i in range(14)),
             "none", stroke=shade(bamboo, 0.3), stroke_width="3", stroke_opacity="0.5")
    svg.path("M330 520Q600 430 880 520V600H330Z", "#3a2a1a")
    if t["glow"]:
        lamp_glow(svg, 600, 540, 260, "#ffc772", 0.7)
    svg.ellipse(600, 470, 70, 90, "#f0cf8a" if t["glow"] else "#5a4028")
    svg.path("M600 380v180M530 470h140", "none", stroke=shade(bamboo, 0.4), stroke_width="8")
    svg.path("".join(f"M{x} 520v80" for x in (340, 460, 600, 740, 860)), "none", stroke=shade(bamboo, 0.2), stroke_width="18")
    svg.path("M120 680Q600 600 1100 690Q1000 780 600 790Q200 780 120 680Z", svg.linear([(0, "#5fae9a"), (1, "#1f6a6a")]))
    svg.path("M260 700q60 -10 120 0M700 720q80 -10 160 0", "none", stroke="#fff", stroke_opacity="0.5", stroke_width="3")
    for x, y in ((100, 640), (1120, 650), (200, 790), (1000, 800)):
        bush(svg, x, y, 70, "#3f7a45")
    palm(svg, 90, 700, 560, 60, "#5a4a3a", "#2f6336")
    palm(svg, 1130, 700, 500, -70, "#5a4a3a", "#2f6336")
    vignette(svg, 0.22)


def logo(svg):
    """Segara Villas: a sun setting into three waves, and the name in a serif."""
    svg.circle(48, 46, 40, "#0f5257")
    svg.path("M20 46a28 28 0 0 1 56 0z", "#f2a541")
    svg.path("M14 56q9 -7 17 0t17 0t17 0t17 0M18 68q8 -6 15 0t15 0t15 0t15 0", "none", stroke="#ffffff", stroke_width="4", stroke_linecap="round")
    svg.text(104, 58, "Segara Villas", 34, "#0f5257", "Georgia, 'Times New Roman', serif", "600")
    svg.text(106, 80, "BALI", 13, "#c26a2e", "Helvetica, Arial, sans-serif", "700", spacing="5")


def hero(svg):
    pool_villa(svg, "sunset", True)


_V = "villa-"
PHOTOS = {
    "villa-batu-karang": [
        (pool_villa, dict(tod="sunset"), "Infinity pool on the cliff edge at sunset, a thatched pavilion and palms against an orange sky over the ocean"),
        (living, dict(tod="golden", outlook="ocean", accent="#d9773c"), "Open-air living pavilion with a long cream sofa and teak beams, framing the Indian Ocean in late-afternoon light"),
        (bedroom_open, dict(tod="day", outlook="ocean", throw="#2f7f86"), "Bed with a teal throw facing floor-to-ceiling glass doors open to the ocean"),
        (bathroom, dict(tod="day", outlook="ocean"), "Garden bathroom with a stone bathtub strewn with frangipani flowers, river-stone wall and ocean view"),
        (pool_perspective, dict(tod="dusk", ocean=True), "The long infinity pool at dusk, garden lights glowing between the palms and the sea beyond"),
    ],
    "villa-pantai-berawa": [
        (pool_villa, dict(tod="day", ocean=False, flip=True), "Saltwater pool under a blue sky, a thatched pavilion and coconut palms in the garden"),
        (living, dict(tod="day", outlook="jungle", accent="#3f7f73"), "Living room with a cream sofa and green cushions opening onto a garden of palms"),
        (bedroom_open, dict(tod="morning", outlook="jungle", throw="#e0a84a"), "King-size bed with a mustard throw facing glass doors slid open onto the palm garden"),
        (beach, dict(tod="golden"), "Colourful outrigger boats on the sand in golden evening light, five minutes from the villa"),
    ],
    "lumbung-padi-canggu": [
        (lumbung, dict(tod="golden"), "Thatched rice-barn bungalow on timber posts with a plunge pool in front and rice fields behind"),
        (bedroom, dict(tod="morning", outlook="rice", wall="#e8d9bf", throw="#b5523b"), "Four-poster bed with a mosquito net and a rust-red throw, shuttered windows looking over the rice fields"),
        (rice_terraces, dict(tod="morning", volcano=False, palms=2), "Rice fields and coconut palms at the gate of the bungalow in soft morning light"),
    ],
    "villa-kayu-ubud": [
        (pool_villa, dict(tod="morning", ocean=False), "Pool on the edge of the Sayan ridge with a thatched pavilion and the jungle valley beyond in morning haze"),
        (living, dict(tod="morning", outlook="jungle", wood="#5a3a22", accent="#8a5a3c"), "Teak living pavilion open to the jungle canopy, with a low sofa and a coffee table"),
        (bedroom, dict(tod="day", outlook="jungle", throw="#556b2f"), "Four-poster teak bed draped in a mosquito net, windows open to palm trees"),
        (bathroom, dict(tod="golden", outlook="jungle"), "Stone bathtub in a walled garden bathroom with frangipani and jungle light"),
    ],
    "rumah-bambu-ubud": [
        (bamboo_house, dict(tod="day"), "Sculptural bamboo house with a swooping woven roof above a natural swimming pond among palms"),
        (bamboo_house, dict(tod="dusk"), "The bamboo house at dusk, lit from within, reflected in the natural pool"),
        (living, dict(tod="golden", outlook="jungle", wood="#a8844f", accent="#6f8f3a"), "Open living space with bamboo posts and a cream sofa facing the jungle"),
        (bedroom, dict(tod="morning", outlook="jungle", wall="#e6d3ae", throw="#7a8a3a", canopy=False), "Bedroom with warm bamboo-toned walls, an olive throw and windows onto the trees"),
    ],
    "villa-sawah-sidemen": [
        (rice_terraces, dict(tod="morning"), "Rice terraces falling away in steps toward a volcano under a pale morning sky"),
        (pool_villa, dict(tod="golden", ocean=False, flip=True), "Pool deck and thatched pavilion facing the green valley in golden light"),
        (living, dict(tod="day", outlook="rice", accent="#c28a2e"), "Living pavilion framing the rice terraces and Mount Agung, with a sofa and ochre cushions"),
        (bedroom, dict(tod="morning", outlook="rice", throw="#8a3b2e"), "Four-poster bed with a deep red throw, windows open to the terraced fields"),
    ],
    "villa-segara-seminyak": [
        (pool_villa, dict(tod="dusk", ocean=False), "A long pool and a large thatched pavilion at dusk, lights glowing among the palms"),
        (living, dict(tod="dusk", outlook="jungle", accent="#a23b4a"), "Grand living pavilion at dusk with pendant lamps, a long sofa and crimson cushions"),
        (bedroom_open, dict(tod="day", outlook="jungle", throw="#3b5a8a", wall="#f2ece2"), "Bedroom suite with an indigo throw on a king-size bed, glass doors open to the tropical garden"),
        (bathroom, dict(tod="day", outlook="jungle"), "Freestanding stone bathtub in a garden bathroom with frangipani"),
        (pool_perspective, dict(tod="day", ocean=False), "Looking down the 25-metre pool by day, loungers and coconut palms along both sides"),
    ],
    "villa-karang-amed": [
        (beach, dict(tod="morning"), "Black-sand beach with outrigger boats and a volcano on the horizon at dawn"),
        (pool_perspective, dict(tod="golden", ocean=True), "Pool stretching towards the sea in golden light, loungers and palms on both sides"),
        (bedroom_open, dict(tod="sunset", outlook="ocean", throw="#2f8fb0"), "Bed with a blue throw facing wide-open glass doors and the sea at sunset"),
        (living, dict(tod="sunset", outlook="ocean", accent="#e07a3f"), "Living room open to the sea at sunset, with a sofa and orange cushions"),
    ],
}
HERO_ANCHOR = 0.8
HERO_ALT = "Infinity pool and thatched pavilion on a Bali cliff at sunset, palms silhouetted over the ocean"
