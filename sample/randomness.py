"""Seeded randomness of the sample: pseudonyms and weighted choices."""

from __future__ import annotations

import bisect
import itertools
import math
import random
from typing import Generic, TypeVar

T = TypeVar("T")
ID_MULTIPLIER = 0x9E3779B97F4A7C15 & 0xFFFFFFFFFFF  # odd: the mapping below is a bijection
ID_MASK = (1 << 44) - 1


class Pseudonyms:
    """Unique, random-looking pseudonyms: prefix + 11 hex digits from a permuted counter."""

    def __init__(self, prefix: str, rng: random.Random) -> None:
        self.prefix = prefix
        self.offset = rng.getrandbits(44)
        self.count = 0

    def __call__(self) -> str:
        """The next pseudonym."""
        self.count += 1
        return f"{self.prefix}{(self.count * ID_MULTIPLIER + self.offset) & ID_MASK:011x}"


class Choice(Generic[T]):
    """A weighted choice among values, prepared for fast repeated sampling."""

    def __init__(self, weights: dict[T, float]) -> None:
        self.values = tuple(weights)
        self.cum = list(itertools.accumulate(weights.values()))

    def __call__(self, rng: random.Random) -> T:
        """Draw one value."""
        return self.values[bisect.bisect(self.cum, rng.random() * self.cum[-1])]


def between(rng: random.Random, low: int, high: int) -> int:
    """A uniform integer from low to high inclusive (faster than Random.randint)."""
    return low + int((high - low + 1) * rng.random())


def poisson(rng: random.Random, lam: float) -> int:
    """A Poisson-distributed count (normal approximation for large means)."""
    if lam > 50:
        return max(0, round(rng.gauss(lam, math.sqrt(lam))))
    limit, count, product = math.exp(-lam), 0, rng.random()
    while product > limit:
        count += 1
        product *= rng.random()
    return count
