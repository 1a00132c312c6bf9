#!/usr/bin/env python3
"""Draws every demo photo, hero and logo of Doorstep as a small SVG illustration.

    python3 pms/demo/make_photos.py          # write public/demo/** and the photos arrays
    python3 pms/demo/make_photos.py --check  # fail if any output would change

The pictures are made by the project itself, from code, so the demo carries no
third-party image and needs no licence or credit. Output is deterministic: the random
choices (ridges, trees, windows) are seeded from each file name, so a re-run writes the
same bytes. Each photo's alt text lives next to its recipe below and is written into the
`photos` array of pms/demo/<tenant>.json, so description and picture never drift apart.
"""

import json
import sys
from pathlib import Path

from scenes import alps, bali, lisbon
from scenes.kit import Svg

ROOT = Path(__file__).resolve().parents[2]
DEMO = ROOT / "pms" / "demo"
PUBLIC = ROOT / "public" / "demo"
MODULES = {"bali": bali, "lisbon": lisbon, "alps": alps}


def draw(seed, scene, kwargs, width=1200, height=800, anchor=0.5):
    """Renders one scene; a hero (2:1) is the 3:2 scene cropped at `anchor`."""
    svg = Svg(seed, width, height)
    if (width, height) == (1200, 800):
        scene(svg, **kwargs)
    else:
        with svg.viewport(0, 0, width, height, anchor):
            scene(svg, **kwargs)
    return svg.render()


def outputs():
    """Every file to write, as (path, text), and the photos arrays per tenant."""
    files, photos = [], {}
    for tenant, module in MODULES.items():
        logo = Svg(f"{tenant}/logo", 400, 96)
        module.logo(logo)
        files.append((PUBLIC / tenant / "logo.svg", logo.render()))
        files.append((PUBLIC / tenant / "hero.svg",
                      draw(f"{tenant}/hero", module.hero, {}, 1600, 800, module.HERO_ANCHOR)))
        photos[tenant] = {}
        for slug, recipes in module.PHOTOS.items():
            entries = []
            for i, (scene, kwargs, alt) in enumerate(recipes, start=1):
                name = f"{slug}-{i}.svg"
                files.append((PUBLIC / tenant / name, draw(f"{tenant}/{name}", scene, kwargs)))
                entries.append({"url": f"/demo/{tenant}/{name}", "alt": alt,
                                "width": 1200, "height": 800})
            photos[tenant][slug] = entries
    return files, photos


def main(args):
    check = "--check" in args
    files, photos = outputs()
    changed = []
    for path, text in files:
        if not path.exists() or path.read_text(encoding="utf-8") != text:
            changed.append(path)
            if not check:
                path.parent.mkdir(parents=True, exist_ok=True)
                path.write_text(text, encoding="utf-8")
    for tenant, by_slug in photos.items():
        path = DEMO / f"{tenant}.json"
        doc = json.loads(path.read_text(encoding="utf-8"))
        for listing in doc["listings"]:
            listing["photos"] = by_slug.get(listing["slug"], [])
        text = json.dumps(doc, indent=2, ensure_ascii=False) + "\n"
        if path.read_text(encoding="utf-8") != text:
            changed.append(path)
            if not check:
                path.write_text(text, encoding="utf-8")
    sizes = [len(t.encode()) for _, t in files]
    print(f"{len(files)} files, largest {max(sizes)} bytes, total {sum(sizes)} bytes, "
          f"{len(changed)} {'would change' if check else 'written'}")
    return 1 if check and changed else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
