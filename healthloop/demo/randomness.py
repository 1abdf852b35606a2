"""Fast, reproducible random draws for the demo generator.

``random.Random.gauss`` costs about 2 µs a call in CPython; the generator needs tens of millions
of normal draws for a large population. ``normal`` looks the draw up in a table of 2^16 normal
quantiles (midpoints, so the tails stop at about ±4.3 SD) — five times faster, and plenty
accurate for synthetic exam values. Same seed → same numbers, on every platform.
"""

import math
import random
from statistics import NormalDist

_SIZE = 1 << 16
_Z: tuple[float, ...] = tuple(NormalDist().inv_cdf((i + 0.5) / _SIZE) for i in range(_SIZE))


def normal(rng: random.Random, mu: float = 0.0, sigma: float = 1.0) -> float:
    return mu + sigma * _Z[int(rng.random() * _SIZE)]


def lognormal(rng: random.Random, median: float, sigma: float) -> float:
    return median * math.exp(sigma * _Z[int(rng.random() * _SIZE)])
