# oop_fields: Python twin of bench/oop_fields.lox
WIDTH = 1000
HEIGHT = 700


class Particle:
    def __init__(self, x, y, vx, vy):
        self.x = x
        self.y = y
        self.vx = vx
        self.vy = vy
        self.bounces = 0


seed = 42


def next_random():
    global seed
    seed = (seed * 214013 + 2531011) % 2147483648
    return seed // 65536


def random_velocity():
    v = next_random() % 7 + 1
    if next_random() % 2 == 0:
        v = -v
    return v


def simulate(particles, steps, width, height):
    for step in range(steps):
        for p in particles:
            p.x = p.x + p.vx
            if p.x < 0:
                p.x = -p.x
                p.vx = -p.vx
                p.bounces = p.bounces + 1
            elif p.x >= width:
                p.x = 2 * width - 2 - p.x
                p.vx = -p.vx
                p.bounces = p.bounces + 1
            p.y = p.y + p.vy
            if p.y < 0:
                p.y = -p.y
                p.vy = -p.vy
                p.bounces = p.bounces + 1
            elif p.y >= height:
                p.y = 2 * height - 2 - p.y
                p.vy = -p.vy
                p.bounces = p.bounces + 1


particles = []
for i in range(1000):
    x = next_random() % WIDTH
    y = next_random() % HEIGHT
    vx = random_velocity()
    vy = random_velocity()
    particles.append(Particle(x, y, vx, vy))

simulate(particles, 8000, WIDTH, HEIGHT)

positions = 0
bounces = 0
for p in particles:
    positions = positions + p.x * 3 + p.y * 7 + p.vx + p.vy
    bounces = bounces + p.bounces
print(positions)
print(bounces)
