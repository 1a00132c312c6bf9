"""The Alps: larch chalets under the Matterhorn, snow and summer meadows, stone-pine interiors."""

import math

from .kit import (TIMES, W, H, bush, lamp_glow, lit, matterhorn, mix, mountains, pine, plant,
                  shade, shadow, sky, vignette, window_frame)

LARCH = "#8a5630"
OLD_LARCH = "#4a3022"
PINE_WOOD = "#d9a86c"
SNOW = "#f4f7fb"


def planks(svg, colour, horizontal=True, gap=22):
    key = ("planks", colour, horizontal, gap)
    cache = svg.__dict__.setdefault("patterns", {})
    if key not in cache:
        line = f"M0 {gap - 1}h{gap * 4}" if horizontal else f"M{gap - 1} 0v{gap * 4}"
        w, h = (gap * 4, gap) if horizontal else (gap, gap * 4)
        cache[key] = svg.pattern(w, h, f'<rect width="{w}" height="{h}" fill="{colour}"/>'
                                       f'<path d="{line}" stroke="{shade(colour, 0.3)}" stroke-width="2"/>')
    return cache[key]


def backdrop(svg, tod, season="winter", horizon=470, peak_x=640, peak_h=360):
    """Sky, the Matterhorn and its neighbours, and the snowy or green slopes below."""
    t = sky(svg, tod, horizon, clouds=2)
    far = mix("#6f7f9a", t["haze"], 0.5)
    mountains(svg, horizon - 40, [(120, horizon - 230), (380, horizon - 180), (1000, horizon - 210), (1180, horizon - 250)],
              lit(far, tod), snow=horizon - 150 if season == "winter" else horizon - 200, rough=0.3, shade_right=True)
    matterhorn(svg, peak_x, horizon - 10, peak_h, tod)
    ground = SNOW if season == "winter" else "#7fae55"
    near = mix("#5b7a63" if season == "winter" else "#4d7a3e", t["haze"], 0.3)
    mountains(svg, horizon + 40, [(80, horizon - 60), (520, horizon - 20), (1100, horizon - 70)], lit(near, tod), rough=0.25)
    trees = []
    for x in range(-20, W + 20, 26):
        y = horizon + 30 - 40 * math.sin(x / 180) + svg.rng.randint(-10, 10)
        hh = svg.rng.randint(30, 60)
        trees.append(f"M{x} {y:.0f}l{hh * 0.3:.0f} -{hh}l{hh * 0.3:.0f} {hh}z")
    svg.path("".join(trees), lit(mix("#24402f", t["haze"], 0.25), tod))
    return t, ground


def chalet(svg, cx, base, w, tod, season="winter", wood=LARCH, shutters="#a33a2f", storeys=2, glow=None):
    """A Valais chalet: stone plinth, larch storeys with balconies, a wide low gable."""
    t = TIMES[tod]
    glow = t["glow"] if glow is None else glow
    sh = w * 0.26
    x0 = cx - w / 2
    stone = lit("#a6a29a", tod)
    body_top = base - sh * 0.7 - storeys * sh
    svg.rect(x0, base - sh * 0.7, w, sh * 0.7, stone)
    svg.rect(x0, body_top, w, storeys * sh, planks(svg, lit(wood, tod)))
    gable_top = body_top - w * 0.36
    svg.poly([(x0, body_top), (x0 + w, body_top), (cx, gable_top + 10)], planks(svg, lit(shade(wood, 0.1), tod)))
    svg.rect(x0, body_top, w, 16, "#000", fill_opacity="0.2")
    roof = lit("#4b4541", tod)
    svg.poly([(x0 - w * 0.14, body_top + 14), (cx, gable_top - 8), (x0 + w * 1.14, body_top + 14),
              (x0 + w * 1.14, body_top + 30), (cx, gable_top + 10), (x0 - w * 0.14, body_top + 30)], roof)
    if season == "winter":
        svg.poly([(x0 - w * 0.15, body_top + 12), (cx, gable_top - 10), (x0 + w * 1.15, body_top + 12),
                  (x0 + w * 1.15, body_top - 2), (cx, gable_top - 34), (x0 - w * 0.15, body_top - 2)], lit(SNOW, tod))
    glass = "#ffcf73" if glow else lit(mix("#3a4a62", t["sky"][0][1], 0.3), tod)
    win, shut = [], []
    cols = max(3, int(w // 90))
    for s in range(storeys):
        y = body_top + s * sh + sh * 0.22
        for c in range(cols):
            x = x0 + w * (c + 0.5) / cols - 20
            win.append(f"M{x:.0f} {y:.0f}h40v{sh * 0.46:.0f}h-40z")
            shut.append(f"M{x - 16:.0f} {y:.0f}h14v{sh * 0.46:.0f}h-14zM{x + 42:.0f} {y:.0f}h14v{sh * 0.46:.0f}h-14z")
    win.append(f"M{cx - 22:.0f} {body_top - w * 0.2:.0f}h44v{w * 0.12:.0f}h-44z")
    for k in range(2):
        x = x0 + w * (0.2 + k * 0.45)
        win.append(f"M{x:.0f} {base - sh * 0.5:.0f}h36v{sh * 0.28:.0f}h-36z")
    if glow:
        lamp_glow(svg, cx, body_top + sh, w * 0.8, "#ffc46b", 0.35)
    svg.path("".join(win), glass)
    svg.path("".join(shut), lit(shutters, tod))
    for s in range(storeys):
        y = body_top + (s + 1) * sh - 6
        svg.rect(x0 - 16, y - sh * 0.3, w + 32, sh * 0.3, planks(svg, lit(shade(wood, -0.15), tod), horizontal=False, gap=12))
        svg.rect(x0 - 18, y - sh * 0.3 - 6, w + 36, 8, lit(shade(wood, 0.2), tod))
        if season == "summer":
            flowers = "".join(f"M{x0 + 10 + i * 24:.0f} {y - sh * 0.31:.0f}h0.1" for i in range(int(w / 24)))
            svg.path(flowers, "none", stroke="#d8343a", stroke_width="12", stroke_linecap="round")
    if season == "winter":
        svg.path(f"M{x0 - 20:.0f} {base + 6:.0f}q{w * 0.3:.0f} -26 {w * 0.6:.0f} -8t{w * 0.5:.0f} 4v20h-{w + 40:.0f}z", SNOW)


def chalet_scene(svg, tod="day", season="winter", wood=LARCH, shutters="#a33a2f", twin=False, storeys=2):
    """A chalet on the slope with the Matterhorn behind."""
    t, ground = backdrop(svg, tod, season, peak_x=svg.rng.choice((360, 880)))
    svg.path(f"M0 520Q400 470 760 520T{W} 500V{H}H0z", lit(ground, tod) if season == "summer" else
             svg.linear([(0, lit(SNOW, tod)), (1, lit("#cfdbe8", tod))]))
    if twin:
        chalet(svg, 260, 600, 300, tod, season, shade(wood, 0.15), shutters, 2)
    chalet(svg, 720 if twin else 620, 680, 440, tod, season, wood, shutters, storeys)
    for x, y, h in ((90, 740, 240), (1080, 720, 280), (1170, 760, 200), (40, 640, 170)):
        pine(svg, x, y, h, lit("#24402f", tod), season == "winter")
    if season == "winter":
        svg.path("M0 760Q300 720 600 770T1200 750V800H0z", lit(SNOW, tod))
        tracks = "M520 800q40 -60 140 -110M540 800q40 -60 140 -110"
        svg.path(tracks, "none", stroke=lit("#c4d0e0", tod), stroke_width="4")
    else:
        flowers = "".join(f"M{svg.rng.randint(0, W)} {svg.rng.randint(700, 795)}h0.1" for _ in range(40))
        svg.path(flowers, "none", stroke="#f2f2f2", stroke_width="8", stroke_linecap="round")
        svg.path(flowers[: len(flowers) // 2], "none", stroke="#f2c94c", stroke_width="5", stroke_linecap="round")
    vignette(svg, 0.22)


def cottages(svg, row, tod):
    """A row of distant chalets, (cx, base, w, wood) each, drawn as four merged shapes."""
    t = TIMES[tod]
    bodies, roofs, wins, rails = {}, [], [], []
    for cx, base, w, wood in row:
        h = w * 0.55
        x0 = cx - w / 2
        bodies.setdefault(wood, []).append(f"M{x0:.0f} {base:.0f}v-{h:.0f}h{w:.0f}v{h:.0f}z")
        roofs.append(f"M{x0 - w * 0.14:.0f} {base - h + 6:.0f}L{cx:.0f} {base - h - w * 0.34:.0f}L{x0 + w * 1.14:.0f} {base - h + 6:.0f}"
                     f"v-12L{cx:.0f} {base - h - w * 0.34 - 14:.0f}L{x0 - w * 0.14:.0f} {base - h - 6:.0f}z")
        wins.append("".join(f"M{x0 + w * f:.0f} {base - h * 0.7:.0f}h{w * 0.14:.0f}v{h * 0.24:.0f}h-{w * 0.14:.0f}z" for f in (0.14, 0.43, 0.72))
                    + f"M{cx - w * 0.07:.0f} {base - h - w * 0.16:.0f}h{w * 0.14:.0f}v{w * 0.1:.0f}h-{w * 0.14:.0f}z")
        rails.append(f"M{x0 - 8:.0f} {base - h * 0.3:.0f}h{w + 16:.0f}")
    for wood, d in bodies.items():
        svg.path("".join(d), lit(wood, tod))
    svg.path("".join(roofs), lit(SNOW, tod))
    svg.path("".join(wins), "#ffcf73" if t["glow"] else lit("#3a4a62", tod))
    svg.path("".join(rails), "none", stroke=lit(shade(LARCH, 0.4), tod), stroke_width="5")


def village(svg, tod="dusk"):
    """Zermatt at blue hour: roofs in snow, lit windows, the church spire and the peak."""
    t, _ = backdrop(svg, tod, "winter", horizon=440, peak_x=700, peak_h=340)
    svg.path(f"M0 500Q600 440 {W} 500V{H}H0z", lit("#dfe6f0", tod))
    rng = svg.rng
    for i, (y, s) in enumerate([(540, 0.45), (620, 0.65), (720, 0.9)]):
        row = []
        x = -40 + rng.randint(0, 60)
        while x < W:
            w = rng.randint(130, 190) * s
            row.append((x + w / 2, y + rng.randint(-10, 10), w, rng.choice((LARCH, OLD_LARCH, "#9a6438"))))
            x += w + rng.randint(50, 120) * s
        cottages(svg, row, tod)
        if i == 0:
            svg.rect(540, 360, 40, 180, lit("#ebe6dc", tod))
            svg.poly([(534, 362), (586, 362), (560, 280)], lit("#5a5a5a", tod))
            svg.rect(552, 390, 16, 22, "#ffcf73" if t["glow"] else "#444")
    if t["glow"]:
        lamp_glow(svg, 600, 650, 600, "#ffb85a", 0.18)
    svg.path(f"M0 770Q600 730 {W} 780V{H}H0z", lit(SNOW, tod))
    vignette(svg, 0.25)


def lake(svg, tod="morning"):
    """Summer: the Matterhorn mirrored in a mountain lake, a meadow of flowers."""
    t = sky(svg, tod, 420, clouds=2)
    mountains(svg, 400, [(150, 220), (1000, 240), (1180, 200)], mix("#7f8ea8", t["haze"], 0.5), snow=280, rough=0.3, shade_right=True)
    matterhorn(svg, 640, 410, 330, tod)
    svg.path(f"M0 400Q600 380 {W} 400V470H0z", mix("#5d8a4a", t["haze"], 0.3))
    svg.rect(0, 450, W, 200, svg.linear([(0, mix("#4d7fa6", t["sky"][-1][1], 0.5)), (1, "#2e5d80")]))
    with svg.group(transform="translate(0 900) scale(1 -1)", opacity="0.45"):
        matterhorn(svg, 640, 450, 330, tod)
    svg.path("".join(f"M{svg.rng.randint(0, W)} {svg.rng.randint(470, 640)}h{svg.rng.randint(30, 90)}" for _ in range(18)),
             "none", stroke="#ffffff", stroke_opacity="0.35", stroke_width="2")
    svg.path(f"M0 640Q300 610 700 650T{W} 630V{H}H0z", "#6f9e45")
    flowers = "".join(f"M{svg.rng.randint(0, W)} {svg.rng.randint(660, 795)}h0.1" for _ in range(60))
    svg.path(flowers, "none", stroke="#fbfbf5", stroke_width="9", stroke_linecap="round")
    svg.path(flowers[: len(flowers) // 3], "none", stroke="#8f6fd0", stroke_width="9", stroke_linecap="round")
    svg.path(flowers[len(flowers) // 3: len(flowers) // 2], "none", stroke="#f2c94c", stroke_width="7", stroke_linecap="round")
    for x, y, h in ((80, 700, 260), (1120, 690, 300), (1010, 660, 180)):
        pine(svg, x, y, h, "#24402f")
    vignette(svg, 0.2)


def hamlet(svg, tod="golden", season="winter"):
    """Zmutt: sun-blackened larch chalets and a barn on stone mushrooms, the north face above."""
    t, ground = backdrop(svg, tod, season, horizon=430, peak_x=760, peak_h=400)
    svg.path(f"M0 540Q500 480 {W} 540V{H}H0z", lit(SNOW if season == "winter" else "#86b45c", tod))
    chalet(svg, 330, 660, 300, tod, season, OLD_LARCH, "#6b4a33", 2)
    x, y = 760, 690
    for px in (x - 110, x - 20, x + 70):
        svg.rect(px, y - 60, 20, 60, lit("#9a958c", tod))
        svg.ellipse(px + 10, y - 62, 26, 8, lit("#b3aea5", tod))
    svg.rect(x - 140, y - 220, 260, 150, planks(svg, lit(OLD_LARCH, tod), horizontal=True, gap=18))
    svg.poly([(x - 170, y - 210), (x - 10, y - 300), (x + 150, y - 210)], lit("#57504a", tod))
    if season == "winter":
        svg.poly([(x - 172, y - 214), (x - 10, y - 306), (x + 152, y - 214), (x + 140, y - 226), (x - 10, y - 320), (x - 160, y - 226)], lit(SNOW, tod))
    for px, py, h in ((60, 720, 230), (1140, 740, 260), (1040, 700, 160)):
        pine(svg, px, py, h, lit("#24402f", tod), season == "winter")
    svg.path("M500 800q60 -80 200 -110", "none", stroke=lit("#c9d3e0", tod), stroke_width="14", stroke_linecap="round")
    vignette(svg, 0.22)


def living(svg, tod="dusk", wood=PINE_WOOD, sofa="#8b2e2e", season="winter"):
    """Stone-pine living room: a fire in a stone hearth, the Matterhorn in a big window."""
    t = TIMES[tod]
    svg.rect(0, 0, W, 620, planks(svg, wood, horizontal=False, gap=34))
    with svg.views([(520, 120, 600, 400)]):
        backdrop(svg, tod, season, horizon=560, peak_x=600, peak_h=420)
        svg.rect(0, 560, W, 240, lit(SNOW if season == "winter" else "#7fae55", tod))
    window_frame(svg, 520, 120, 600, 400, shade(wood, 0.35), (2, 0), 16)
    svg.rect(500, 520, 640, 18, shade(wood, 0.25))
    svg.path("M0 40h1200M0 100h1200", "none", stroke=shade(wood, 0.45), stroke_width="30")
    svg.rect(80, 220, 320, 400, "#8d877d")
    stones = "".join(f"M{svg.rng.randint(90, 370)} {svg.rng.randint(230, 600)}h{svg.rng.randint(20, 40)}" for _ in range(22))
    svg.path(stones, "none", stroke="#6f6a62", stroke_width="12", stroke_linecap="round")
    svg.rect(60, 200, 360, 28, shade(wood, 0.4))
    svg.path("M150 620V470a90 70 0 0 1 180 0V620z", "#221a15")
    lamp_glow(svg, 240, 560, 260, "#ff9a3c", 0.55)
    svg.path("M200 610q-10 -60 30 -100q-6 40 20 60q10 -40 30 -60q20 60 -10 100z", "#f28c28")
    svg.path("M220 610q0 -40 20 -60q10 30 20 60z", "#ffd36a")
    svg.path("M180 615h120", "none", stroke="#4a3022", stroke_width="14", stroke_linecap="round")
    svg.rect(0, 620, W, 180, svg.linear([(0, shade(wood, 0.25)), (1, shade(wood, 0.45))]))
    svg.path("".join(f"M0 {y}h{W}" for y in range(640, 800, 30)), "none", stroke=shade(wood, 0.5), stroke_width="2", stroke_opacity="0.5")
    svg.ellipse(760, 730, 300, 50, "#efe9df")
    shadow(svg, 760, 770, 330, 20)
    svg.rect(520, 560, 480, 120, sofa, rx="24")
    svg.rect(540, 500, 440, 90, shade(sofa, -0.1), rx="24")
    svg.rect(490, 540, 70, 150, shade(sofa, 0.1), rx="22")
    svg.rect(960, 540, 70, 150, shade(sofa, 0.1), rx="22")
    check = svg.pattern(40, 40, '<rect width="40" height="40" fill="#efe3cf"/><path d="M0 10h40M0 30h40M10 0v40M30 0v40" stroke="#b23a3a" stroke-width="6" opacity="0.6"/>')
    svg.path("M600 500h160l20 130h-200z", check)
    svg.rect(640, 690, 240, 18, shade(wood, 0.5))
    svg.path("M660 708v60M860 708v60", "none", stroke=shade(wood, 0.5), stroke_width="14")
    svg.rect(700, 666, 26, 24, "#f2efe8", rx="4")
    svg.circle(790, 676, 14, "#e8b04a")
    if t["glow"]:
        svg.line(860, 140, 860, 300, "#3a2a1a", 3)
        svg.path("M830 330q30 -50 60 0z", "#e9c27a")
        lamp_glow(svg, 860, 330, 200, "#ffcf7a", 0.5)
    vignette(svg, 0.24)


def dining(svg, tod="night", wood="#c8955a", season="winter", stove="#3f6b5a"):
    """A long larch table laid for fondue, a tiled stove, the mountain in the window."""
    t = TIMES[tod]
    svg.rect(0, 0, W, 620, planks(svg, wood, horizontal=False, gap=34))
    with svg.views([(120, 110, 420, 330)]):
        backdrop(svg, tod, season, horizon=560, peak_x=600, peak_h=420)
        svg.rect(0, 560, W, 240, lit(SNOW if season == "winter" else "#7fae55", tod))
    window_frame(svg, 120, 110, 420, 330, shade(wood, 0.35), (1, 1), 14)
    svg.rect(100, 440, 460, 16, shade(wood, 0.3))
    svg.path("M0 40h1200", "none", stroke=shade(wood, 0.45), stroke_width="30")
    svg.rect(840, 200, 260, 420, stove, rx="10")
    tiles = "".join(f"M840 {y}h260" for y in range(240, 620, 40)) + "".join(f"M{x} 200v420" for x in range(880, 1100, 44))
    svg.path(tiles, "none", stroke=shade(stove, 0.3), stroke_width="3")
    svg.rect(820, 180, 300, 26, shade(wood, 0.4))
    svg.rect(820, 500, 300, 20, shade(wood, 0.35))
    svg.rect(0, 620, W, 180, svg.linear([(0, shade(wood, 0.25)), (1, shade(wood, 0.45))]))
    svg.path("M840 200q130 -60 260 0z", shade(stove, 0.15))
    svg.rect(930, 540, 80, 60, shade(stove, 0.5), rx="6")
    shadow(svg, 470, 770, 400, 22)
    svg.rect(150, 560, 640, 40, shade(wood, 0.3), rx="4")
    svg.rect(170, 600, 600, 20, shade(wood, 0.45))
    svg.path("M200 620l-20 150M740 620l20 150M190 700h560", "none", stroke=shade(wood, 0.4), stroke_width="22")
    for x, side in ((60, 1), (820, -1)):
        svg.path(f"M{x} 640l-16 130M{x + 70} 640l16 130", "none", stroke=shade(wood, 0.35), stroke_width="10")
        svg.rect(x - 14, 628, 100, 16, shade(wood, 0.2))
        svg.path(f"M{x + 35 - side * 40} 628l{side * -8} -150h80l{side * -8} 150z", shade(wood, 0.15))
        svg.path(f"M{x + 35 - side * 40 + 36} 560l-14 -16a8 8 0 0 1 14 -10a8 8 0 0 1 14 10z", shade(wood, 0.5))
    svg.path("M380 520h120l-10 40h-100z", "#2a2a2a")
    svg.path("M370 520q0 -60 70 -60t70 60z", "#a33a2f")
    svg.ellipse(440, 466, 60, 10, "#f2d27a")
    svg.path("M420 440q-20 -40 0 -80M470 440q-20 -40 0 -80", "none", stroke="#ffffff", stroke_opacity="0.5", stroke_width="12", stroke_linecap="round")
    svg.path("M560 560q10 -34 60 -34t60 34z", "#c8955a")
    svg.path("M580 540h80M575 550h90", "none", stroke="#e8c08a", stroke_width="6", stroke_linecap="round")
    for x in (240, 700):
        svg.ellipse(x, 556, 46, 8, "#f4efe6")
    svg.path("M300 556v-70h22v70zM740 556v-70h22v70z", "#2f5d3a")
    svg.path("M340 556v-40M690 556v-40", "none", stroke="#e9eef2", stroke_width="6")
    for x in (330, 610):
        svg.line(x, 40, x, 250, "#3a2a1a", 3)
        svg.path(f"M{x - 34} 290q34 -56 68 0z", "#e9c27a")
        if t["glow"]:
            lamp_glow(svg, x, 290, 200, "#ffcf7a", 0.55)
    vignette(svg, 0.24)


def bedroom(svg, tod="morning", wood=PINE_WOOD, blanket="#b23a3a", season="winter", bunks=False):
    """A bedroom panelled in stone pine, a carved bed, a checked blanket, snow peaks outside."""
    t = TIMES[tod]
    svg.rect(0, 0, W, 620, planks(svg, wood, horizontal=False, gap=30))
    svg.poly([(0, 0), (W, 0), (W, 60), (600, 0), (0, 60)], shade(wood, 0.3))
    with svg.views([(820, 150, 280, 300)]):
        backdrop(svg, tod, season, horizon=600, peak_x=600, peak_h=480)
    window_frame(svg, 820, 150, 280, 300, "#f4efe6", (1, 1), 14)
    svg.rect(800, 450, 320, 20, shade(wood, 0.3))
    svg.path("M830 450v-40h40M1090 450v-40h-40", "none", stroke="#d8343a" if season == "summer" else "#ffffff", stroke_width="14", stroke_linecap="round")
    svg.rect(0, 620, W, 180, svg.linear([(0, shade(wood, 0.3)), (1, shade(wood, 0.45))]))
    shadow(svg, 440, 770, 330, 22)
    check = svg.pattern(48, 48, f'<rect width="48" height="48" fill="{blanket}"/><path d="M0 12h48M0 36h48M12 0v48M36 0v48" stroke="#1f2a38" stroke-width="8" opacity="0.35"/>')
    if bunks:
        for y in (300, 540):
            svg.rect(160, y, 560, 110, "#f7f4ee", rx="10")
            svg.rect(180, y - 30, 140, 50, "#ffffff", rx="18")
            svg.rect(330, y + 10, 400, 100, check, rx="8")
            svg.rect(140, y + 100, 600, 22, shade(wood, 0.3))
        svg.path("M150 200v500M730 200v500", "none", stroke=shade(wood, 0.35), stroke_width="22")
        svg.path("M770 680l-40 -380M810 680l-40 -380" + "".join(f"M{768 - k * 4} {640 - k * 80}h40" for k in range(5)),
                 "none", stroke=shade(wood, 0.35), stroke_width="8")
    else:
        svg.path("M210 520V320q230 -90 460 0V520z", shade(wood, 0.2))
        svg.path("M250 500V340q190 -60 380 0V500z", shade(wood, 0.05))
        svg.circle(440, 400, 26, shade(wood, 0.25))
        svg.rect(220, 500, 440, 210, "#f7f4ee", rx="14")
        svg.rect(250, 460, 180, 70, "#ffffff", rx="24")
        svg.rect(450, 460, 180, 70, "#ffffff", rx="24")
        svg.rect(205, 580, 470, 140, check, rx="10")
        svg.rect(200, 700, 480, 30, shade(wood, 0.35))
        svg.rect(700, 580, 90, 110, shade(wood, 0.3))
        svg.path("M745 580v-60M720 520h50l-8 -40h-34z", "#efe3c8")
        if t["glow"] or tod == "dusk":
            lamp_glow(svg, 745, 500, 150)
    curtain = svg.pattern(24, 24, f'<rect width="24" height="24" fill="#f4efe6"/><path d="M0 6h24M6 0v24" stroke="{blanket}" stroke-width="5" opacity="0.7"/>')
    svg.rect(790, 130, 330, 14, shade(wood, 0.45))
    svg.path("M800 144h50q-14 150 6 300h-56zM1110 144h-50q14 150 -6 300h56z", curtain)
    if not bunks:
        # A Stabelle, the Alpine chair with a heart cut into its back.
        x, y = 880, 600
        svg.path(f"M{x} {y}l-30 140M{x + 110} {y}l30 140M{x + 20} {y}l-6 100M{x + 90} {y}l6 100", "none", stroke=shade(wood, 0.35), stroke_width="10")
        svg.poly([(x - 10, y - 6), (x + 120, y - 6), (x + 126, y + 12), (x - 16, y + 12)], shade(wood, 0.2))
        svg.path(f"M{x + 10} {y - 6}l-10 -150h130l-20 150z", shade(wood, 0.15))
        svg.path(f"M{x + 55} {y - 70}l-18 -20a11 11 0 0 1 18 -14a11 11 0 0 1 18 14z", shade(wood, 0.5))
    svg.ellipse(960, 760, 170, 30, "#f2ede4")
    svg.rect(40, 170, 120, 150, shade(wood, 0.4))
    svg.rect(52, 182, 96, 126, "#f4efe6")
    with svg.group(transform="translate(52 182) scale(0.08 0.158)"):
        svg.rect(0, 0, W, H, "#cfe0ef")
        svg.poly([(0, 800), (300, 300), (520, 520), (700, 150), (1200, 800)], "#6f7f9a")
        svg.poly([(640, 230), (700, 150), (760, 230)], "#f4f7fb")
    plant(svg, 1130, 790, 160, "#b56b4a", "#3d6b45")
    vignette(svg, 0.22)


def hot_tub(svg, tod="dusk"):
    """A wood-fired hot tub steaming on the terrace, the peak glowing at dusk."""
    t, _ = backdrop(svg, tod, "winter", horizon=520, peak_x=700, peak_h=420)
    svg.rect(0, 560, W, 240, planks(svg, lit(shade(LARCH, 0.2), tod), horizontal=True, gap=26))
    svg.rect(0, 480, W, 90, planks(svg, lit(LARCH, tod), horizontal=False, gap=16))
    svg.rect(0, 474, W, 12, lit(shade(LARCH, -0.2), tod))
    svg.path("M0 474h1200", "none", stroke=SNOW, stroke_width="10")
    shadow(svg, 560, 760, 300, 24)
    svg.path("M300 560h520l-20 200h-480z", planks(svg, lit(shade(LARCH, 0.1), tod), horizontal=False, gap=24))
    svg.path("M320 610h480M312 700h496", "none", stroke="#3a3a3a", stroke_width="8")
    svg.ellipse(560, 562, 262, 36, shade(LARCH, 0.3))
    svg.ellipse(560, 562, 240, 28, svg.linear([(0, "#7fb6c9"), (1, "#3c6f86")]))
    lamp_glow(svg, 560, 562, 180, "#aee6ff", 0.35)
    steam = "".join(f"M{x} 540q-30 -60 0 -120t0 -120" for x in (420, 520, 620, 700))
    svg.path(steam, "none", stroke="#ffffff", stroke_opacity="0.35", stroke_width="26", stroke_linecap="round")
    svg.rect(860, 520, 70, 240, "#3a3a3a", rx="10")
    svg.path("M880 520v-120h30v120", "#2a2a2a")
    svg.circle(895, 650, 16, "#ff9a3c")
    lamp_glow(svg, 895, 650, 90, "#ff9a3c", 0.6)
    for x in (120, 1080):
        svg.rect(x - 8, 360, 16, 200, "#2a2a2a")
        svg.circle(x, 350, 16, "#ffd27a" if t["glow"] else "#e7e2d8")
        if t["glow"]:
            lamp_glow(svg, x, 350, 110, "#ffd27a", 0.6)
    vignette(svg, 0.24)


def sauna(svg, tod="dusk"):
    """A stone-pine sauna: slatted benches, a stove of hot stones, a small window on the snow."""
    svg.rect(0, 0, W, 800, planks(svg, "#d9a86c", horizontal=True, gap=30))
    with svg.views([(760, 130, 260, 200)]):
        backdrop(svg, tod, "winter", horizon=600, peak_x=600, peak_h=480)
    window_frame(svg, 760, 130, 260, 200, "#a8743f", (0, 0), 14)
    for y, x1 in ((420, 720), (600, 900)):
        svg.rect(0, y, x1, 30, planks(svg, "#c48e55", horizontal=False, gap=20))
        svg.rect(0, y + 30, x1, 16, "#8a5a32")
    svg.rect(0, 646, 900, 154, "#a8743f")
    svg.rect(960, 560, 150, 220, "#3a3a3a", rx="8")
    svg.rect(940, 530, 190, 40, "#2a2a2a", rx="6")
    stones = "".join(f"M{x} 530a20 16 0 0 1 40 0z" for x in range(945, 1120, 36))
    svg.path(stones, "#7a746c")
    lamp_glow(svg, 1035, 700, 160, "#ff8a3c", 0.55)
    svg.path("M1000 760h70", "none", stroke="#ff8a3c", stroke_width="16")
    svg.path("M780 560v-60h60v60M810 500v-40", "#8a5a32")
    svg.ellipse(810, 560, 40, 12, "#6b4426")
    svg.path("M980 500q-20 -60 0 -120M1060 500q-20 -60 0 -120", "none", stroke="#ffffff", stroke_opacity="0.3", stroke_width="20", stroke_linecap="round")
    lamp_glow(svg, 300, 200, 300, "#ffcf7a", 0.4)
    vignette(svg, 0.25)


def ski_slope(svg, tod="day"):
    """Furi: a hut beside the piste, skiers coming down, the peak above."""
    t, _ = backdrop(svg, tod, "winter", horizon=420, peak_x=820, peak_h=360)
    svg.path(f"M0 470Q400 430 {W} 500V{H}H0z", svg.linear([(0, lit(SNOW, tod)), (1, lit("#d4deea", tod))]))
    svg.path("M760 470Q600 600 300 800H700Q800 620 900 480z", lit("#fbfdff", tod))
    svg.path("M790 500q-60 100 -200 200M820 500q-40 110 -120 300", "none", stroke="#d0dae8", stroke_width="3")
    for x, y, c in ((720, 560, "#d8343a"), (640, 650, "#2f6fb0"), (560, 730, "#f2b61f")):
        svg.path(f"M{x - 24} {y + 26}l56 -12", "none", stroke="#333", stroke_width="4", stroke_linecap="round")
        svg.path(f"M{x} {y}l6 -30l14 4l-4 30z", c)
        svg.circle(x + 14, y - 36, 8, "#f0c8a0")
        svg.path(f"M{x - 10} {y - 10}l-16 30M{x + 24} {y - 20}l14 36", "none", stroke="#555", stroke_width="3")
    chalet(svg, 260, 620, 300, tod, "winter", OLD_LARCH, "#6b4a33", 1)
    for px, py, h in ((60, 700, 240), (470, 560, 160), (1130, 720, 280), (1040, 640, 180)):
        pine(svg, px, py, h, lit("#24402f", tod), True)
    vignette(svg, 0.2)


def logo(svg):
    """Arvenholz: a stone-pine cone and a peak in a roundel, the name in a slab serif."""
    svg.circle(48, 48, 42, "#1f3b2d")
    svg.poly([(16, 70), (42, 28), (50, 38), (58, 26), (82, 70)], "#f4f1ea")
    svg.poly([(42, 28), (50, 38), (46, 44), (38, 40)], "#1f3b2d", fill_opacity="0.25")
    svg.poly([(48, 78), (30, 70), (48, 54), (66, 70)], "#b0553a")
    svg.text(104, 52, "Arvenholz", 36, "#1f3b2d", "Rockwell, 'Roboto Slab', Georgia, serif", "700")
    svg.text(106, 78, "CHALETS · ZERMATT", 13, "#b0553a", "Helvetica, Arial, sans-serif", "700", spacing="4")


def hero(svg):
    village(svg, "dusk")


HERO_ANCHOR = 0.3
HERO_ALT = "Zermatt's snowy chalet roofs and church spire at blue hour, windows glowing under the Matterhorn"

PHOTOS = {
    "chalet-arvenholz": [
        (chalet_scene, dict(tod="dusk", storeys=3), "Three-storey larch chalet at blue hour with glowing windows and snow on the roof, the Matterhorn behind"),
        (living, dict(tod="dusk", sofa="#7a2e2e"), "Stone-pine living room with a log fire in a stone hearth and the Matterhorn framed in a large window"),
        (hot_tub, dict(tod="dusk"), "Steaming wood-fired hot tub on the snowy terrace at dusk, the peak glowing pink"),
        (sauna, dict(tod="dusk"), "Pine sauna with slatted benches, a stove of hot stones and a window onto the snow"),
        (bedroom, dict(tod="morning", blanket="#b23a3a"), "Bedroom panelled in stone pine with a carved bed, a red checked blanket and snowy peaks outside"),
    ],
    "chalet-steinbock": [
        (ski_slope, dict(tod="day"), "Skiers coming down the piste past a dark larch chalet under the Matterhorn on a sunny day"),
        (chalet_scene, dict(tod="day", shutters="#2f5d3a"), "Larch chalet with green shutters and snow on the roof in bright sunshine, fir trees around"),
        (living, dict(tod="day", sofa="#2f5d62"), "Living room with a teal sofa, an open fire and a wide view of the mountains"),
        (bedroom, dict(tod="day", blanket="#2f5d62"), "Bedroom with a teal checked blanket and a window on the snowy peaks"),
    ],
    "chalet-edelweiss": [
        (chalet_scene, dict(tod="golden", wood="#9a6438"), "Family chalet with red shutters and carved balconies in late-afternoon winter light"),
        (bedroom, dict(tod="morning", blanket="#3b6fb0", bunks=True), "Children's bunk room in pine with blue checked blankets and a ladder"),
        (dining, dict(tod="golden", wood="#d9a86c", stove="#2f4b7c"), "Family dining table with benches, a blue tiled stove and the mountain in the window in golden light"),
        (chalet_scene, dict(tod="day", season="summer", wood="#9a6438"), "The chalet in summer, geraniums on the balconies and flowers in the meadow"),
    ],
    "chalet-zmutt": [
        (hamlet, dict(tod="golden"), "Old sun-blackened larch chalet and a barn on stone mushrooms in the snowy hamlet, the Matterhorn's north face above"),
        (hamlet, dict(tod="day", season="summer"), "The hamlet in summer: dark larch buildings in green meadows below the peak"),
        (dining, dict(tod="night"), "Larch dining table laid for fondue under two pendant lamps, a green tiled stove and the snowy peak in the window at night"),
        (bedroom, dict(tod="morning", wood="#c8955a", blanket="#6b4a33"), "Bedroom under old beams with a brown checked blanket"),
    ],
    "maiensass-furi": [
        (ski_slope, dict(tod="golden"), "Mountain hut beside the piste at Furi in golden light, skiers passing"),
        (chalet_scene, dict(tod="night", wood=OLD_LARCH, storeys=1), "The little hut at night, windows glowing warmly under stars and the moon"),
        (bedroom, dict(tod="day", blanket="#7a3b2e", wood="#c8955a"), "Snug pine bedroom with a checked quilt and a small window on the snow"),
    ],
    "apartment-matterhornblick": [
        (lake, dict(tod="morning"), "The Matterhorn mirrored in a mountain lake above the village on a summer morning"),
        (bedroom, dict(tod="morning", blanket="#3b5a8a"), "Bedroom with an indigo checked blanket and the Matterhorn in the window"),
        (dining, dict(tod="day", season="summer", stove="#7a3b2e"), "Dining table with a fondue pot by a red tiled stove, the Matterhorn in summer through the window"),
        (village, dict(tod="night"), "The village at night from the balcony: snowy roofs, lit windows, the church spire"),
    ],
    "studio-kirchplatz": [
        (village, dict(tod="dusk"), "Snow-covered chalet roofs and the church spire at blue hour, windows lit"),
        (bedroom, dict(tod="dusk", blanket="#8b2e2e", wood="#e0b07a"), "Larch-panelled studio with a double bed, red checked blanket and a lit lamp"),
        (living, dict(tod="day", sofa="#8b6b3a", wood="#e0b07a"), "Studio sitting corner with a sofa and a view of the mountains"),
    ],
    "penthouse-winkelmatten": [
        (chalet_scene, dict(tod="sunset", twin=True, wood="#9a6438"), "Two chalets at sunset with the Matterhorn glowing pink behind"),
        (living, dict(tod="sunset", sofa="#3a3a3a"), "Glass-walled living room with a charcoal sofa facing the Matterhorn at sunset"),
        (sauna, dict(tod="night"), "Private pine sauna with a stove of hot stones and a window on the night"),
        (bedroom, dict(tod="morning", blanket="#3a3a3a", wood="#d9b07c"), "Bedroom with a charcoal checked blanket and a window on the mountains"),
        (lake, dict(tod="golden"), "The Matterhorn reflected in a lake in golden summer light, wild flowers in the meadow"),
    ],
}
