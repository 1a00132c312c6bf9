PHOTOS = {}
def logo(svg): pass
def hero(svg): pass
