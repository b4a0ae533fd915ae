"""Similar-question search on 1,000 and on 20,000 questions: what one query reads, side by side.

What: the QuestionTerm index (``chalicelib/questions/similar``) is filled in moto (in-process) with
``--small`` (1,000) and then ``--large`` (20,000) questions: the items ``load_empty_index`` would batch-write
(``empty_index_items``), put straight into moto's table by ``benchmarks.dynamo_counting.put_into_moto``
(moto's own write path costs ~2 ms an item, which would make 20,000 questions, ~400,000 items, a matter of
15 minutes), and
the same probe queries run on both: the 64 paraphrases of ``tests/fixtures/similar_questions.json`` and
as many again of their category-filtered form. Questions are the 160 fixture questions, then variants of
them: the title's words plus words drawn (Zipf-like) from the fixture's vocabulary, so common terms have
long posting lists, as in a real collection.

Printed for each size: items DynamoDB returned per query (mean, max), their kilobytes (as DynamoDB sizes
items for read capacity) and requests per query, and the ratio large/small. A query reads one BatchGet of
counts and one BatchGet of at most 8 top lists (``chalicelib/questions/similar/top.py``): items read are
bounded by 17 + 8 = 25 whatever the number of questions, and equal for any two sizes once the probes' words
are all in the index. A top list holds at most 50 postings, so its size grows with the collection only
until it is full (the kilobytes' ratio says how far from full the small index's lists are). Before the top
lists, a query read up to 50 postings per term, one item each: 48.6 items per query at 1,000 questions and
170.5 at 20,000. p50 latency in moto is printed for information only: it says nothing about DynamoDB.

    scripts/bench-similar-questions [--small 1000] [--large 20000] [--seed 7]

Never fails on timings; exits 1 if a query reads more than the bound (which would be a bug).
"""

from __future__ import annotations

import argparse
import json
import os
import random
import statistics
import sys
import time
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import Any

from benchmarks.dynamo_counting import put_into_moto
from chalicelib.questions.similar.index import QuestionText
from chalicelib.questions.similar.scoring import MAX_QUERY_TERMS, MAX_QUERY_WORDS

FIXTURE = Path(__file__).resolve().parent.parent / "tests" / "fixtures" / "similar_questions.json"
BOUND = MAX_QUERY_WORDS + 1 + MAX_QUERY_TERMS


def questions(fixture: dict[str, Any], count: int, rng: random.Random) -> Iterator[QuestionText]:
    base = fixture["questions"]
    vocabulary = sorted({word for q in base for word in (q["title"] + " " + q["body"]).split()})
    rng.shuffle(vocabulary)
    zipf = [1 / (rank + 1) for rank in range(len(vocabulary))]
    for n in range(count):
        q = base[n % len(base)]
        if n < len(base):
            yield QuestionText(q["id"], q["category"], q["title"], q["body"])
            continue
        extra = rng.choices(vocabulary, weights=zipf, k=4)
        yield QuestionText(f"{q['id']}-v{n}", q["category"], q["title"], " ".join(extra))


def measure(probes: Sequence[tuple[str, str | None]]) -> tuple[list[int], list[int], list[int], list[float]]:
    from chalicelib.questions.similar.query import similar_questions_with_cost

    items: list[int] = []
    requests: list[int] = []
    sizes: list[int] = []
    latencies: list[float] = []
    for text, category in probes:
        started = time.perf_counter()
        _, cost = similar_questions_with_cost(text, category=category)
        latencies.append(time.perf_counter() - started)
        items.append(cost.items_read)
        requests.append(cost.requests)
        sizes.append(cost.bytes_read)
    return items, requests, sizes, latencies


def run(size: int, fixture: dict[str, Any], probes: Sequence[tuple[str, str | None]], seed: int) -> dict[str, float]:
    from chalicelib.models.question_term import QuestionTerm
    from chalicelib.questions.similar.index import empty_index_items

    os.environ["PARLEY_TABLE_PREFIX"] = f"bench-{size}-"
    QuestionTerm.create_table(wait=True)
    started = time.perf_counter()
    written = put_into_moto(QuestionTerm, empty_index_items(questions(fixture, size, random.Random(seed))))
    seeded = time.perf_counter() - started
    measure(probes[:3])  # warm-up
    items, requests, sizes, latencies = measure(probes)
    return {
        "questions": size,
        "items written": written,
        "seed s": seeded,
        "items/query mean": statistics.mean(items),
        "items/query max": max(items),
        "KB/query mean": statistics.mean(sizes) / 1024,
        "requests/query mean": statistics.mean(requests),
        "p50 ms (moto)": 1000 * statistics.median(latencies),
    }


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="scripts/bench-similar-questions", description=__doc__.splitlines()[0] if __doc__ else None
    )
    parser.add_argument("--small", type=int, default=1_000, help="questions in the small index (default 1000)")
    parser.add_argument("--large", type=int, default=20_000, help="questions in the large index (default 20000)")
    parser.add_argument("--seed", type=int, default=7)
    args = parser.parse_args(argv)
    if not 160 <= args.small <= args.large:
        parser.error("need 160 <= --small <= --large")

    os.environ.update(AWS_ACCESS_KEY_ID="testing", AWS_SECRET_ACCESS_KEY="testing", AWS_DEFAULT_REGION="us-east-1")
    for name in ("AWS_ENDPOINT_URL", "AWS_PROFILE", "AWS_SESSION_TOKEN"):
        os.environ.pop(name, None)
    from moto import mock_aws

    fixture = json.loads(FIXTURE.read_text())
    by_id = {q["id"]: q for q in fixture["questions"]}
    probes: list[tuple[str, str | None]] = [(p["text"], None) for p in fixture["probes"]]
    probes += [(p["text"], by_id[p["expect"]]["category"]) for p in fixture["probes"]]
    with mock_aws():
        small = run(args.small, fixture, probes, args.seed)
        large = run(args.large, fixture, probes, args.seed)

    print(f"{len(probes)} probe queries on each index; bound per query: {BOUND} items")
    print(f"{'':22}{'small':>12}{'large':>12}{'large/small':>14}")
    for name in small:
        ratio = large[name] / small[name] if small[name] else float("nan")
        print(f"{name:22}{small[name]:>12.1f}{large[name]:>12.1f}{ratio:>14.2f}")
    ratio = large["items/query mean"] / small["items/query mean"]
    print(f"items read per query, large/small: {ratio:.2f} (within 10%: {'yes' if abs(ratio - 1) <= 0.1 else 'no'})")
    if max(small["items/query max"], large["items/query max"]) > BOUND:
        print(f"a query read more than {BOUND} items", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
