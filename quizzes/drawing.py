"""Which questions an attempt gets: evenly across the quiz's categories, fresh-first for
the learner. Pure functions of ids and categories; no database, no clock.

Even: `count` is split across the categories as equally as the bank allows. Each category
gets `count // k`; the remainder goes one extra each to categories picked at random, so
over many attempts no category is favoured. A category with too few questions gives its
shortfall to the others the same way (randomly, one at a time, to those with room).

Fresh-first: within a category, questions this learner has not seen in an earlier attempt
of the quiz are drawn first, at random. Only when a category runs out of fresh questions
are seen ones drawn again: the least often seen first, then the longest ago, ties at random.
With a bank of at least twice the draw per category, a second attempt repeats nothing.
"""

import random
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass


@dataclass(frozen=True)
class Exposure:
    """How often a learner has seen a question, and in which attempt last (higher = later)."""

    times: int
    last: int


def category_quotas(*, sizes: Mapping[str, int], count: int, rng: random.Random) -> dict[str, int]:
    """How many questions to draw from each category: as equal as the sizes allow, the
    remainder spread at random. Never more than a category holds; the total is
    min(count, sum of sizes)."""
    names = [name for name, size in sizes.items() if size > 0]
    quotas = {name: 0 for name in sizes}
    left = min(count, sum(sizes[name] for name in names))
    while left > 0:
        room = [name for name in names if quotas[name] < sizes[name]]
        share, extra = divmod(left, len(room))
        if share:
            for name in room:
                take = min(share, sizes[name] - quotas[name])
                quotas[name] += take
                left -= take
        else:
            for name in rng.sample(room, extra):
                quotas[name] += 1
                left -= 1
    return quotas


def fresh_first(*, ids: Sequence[int], quota: int, exposure: Mapping[int, Exposure], rng: random.Random) -> list[int]:
    """`quota` of `ids`: unseen ones at random first, then the least (and longest ago) seen."""
    never = Exposure(times=0, last=0)
    keyed = [((exposure.get(i, never).times, exposure.get(i, never).last, rng.random()), i) for i in ids]
    keyed.sort()
    return [i for _key, i in keyed[:quota]]


def questions_draw(
    *,
    bank: Iterable[tuple[int, str]],
    count: int,
    categories: Sequence[str] = (),
    exposure: Mapping[int, Exposure] | None = None,
    rng: random.Random,
) -> list[int]:
    """Draw question ids from `bank` [(id, category)]: evenly across `categories` (all of the
    bank as one group when empty), fresh-first given the learner's `exposure`. The result is
    in random order; the caller sorts it when the quiz does not shuffle."""
    exposure = exposure or {}
    groups: dict[str, list[int]] = {}
    if categories:
        for name in categories:
            groups.setdefault(name, [])
        for question_id, category in bank:
            if category in groups:
                groups[category].append(question_id)
    else:
        groups[""] = [question_id for question_id, _category in bank]
    for ids in groups.values():
        ids.sort()  # the same bank and seed give the same draw, whatever order the database used
    quotas = category_quotas(sizes={name: len(ids) for name, ids in groups.items()}, count=count, rng=rng)
    drawn = [i for name, ids in groups.items() for i in fresh_first(ids=ids, quota=quotas[name], exposure=exposure, rng=rng)]
    rng.shuffle(drawn)
    return drawn


def exposure_from_snapshots(snapshots: Iterable[tuple[int, list[dict]]]) -> dict[int, Exposure]:
    """A learner's exposure from their earlier attempts [(attempt number, snapshot)]."""
    exposure: dict[int, Exposure] = {}
    for number, snapshot in snapshots:
        for question in snapshot or []:
            qid = question.get("id")
            if not isinstance(qid, int):
                continue
            seen = exposure.get(qid)
            exposure[qid] = Exposure(times=(seen.times if seen else 0) + 1, last=max(number, seen.last if seen else 0))
    return exposure
