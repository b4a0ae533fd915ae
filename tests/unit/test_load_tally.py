"""The load run's judge of relayed messages and its percentiles (benchmarks/load/tally.py)."""

from __future__ import annotations

import math

import pytest

from benchmarks.load.tally import ACK, Counted, Stream, percentile


def test_percentiles_are_nearest_rank() -> None:
    values = [float(v) for v in range(1, 101)]  # 1..100
    assert (percentile(values, 50), percentile(values, 99), percentile(values, 100)) == (50.0, 99.0, 100.0)
    assert percentile([3.0, 1.0, 2.0], 50) == 2.0
    assert percentile([7.0], 99) == 7.0
    assert math.isnan(percentile([], 50))
    with pytest.raises(ValueError, match="not in"):
        percentile(values, 0)


def _stream(sent: int, answers: dict[int, str], arrivals: list[int]) -> Stream:
    stream = Stream()
    for n in range(sent):
        assert stream.send(at=float(n)) == n
    for seq, outcome in answers.items():
        stream.answered(seq, outcome)
    for seq in arrivals:
        stream.arrived(seq, at=seq + 0.25)
    return stream


def test_every_acknowledged_message_received_once_in_order_is_no_fault() -> None:
    stream = _stream(3, {0: ACK, 1: ACK, 2: ACK}, [0, 1, 2])
    found = stream.findings()
    assert (found.faults, found.reordered) == (0, 0)
    assert stream.latencies() == [0.25, 0.25, 0.25]


def test_a_message_acknowledged_but_never_received_is_lost_and_a_second_copy_is_doubled() -> None:
    found = _stream(4, {0: ACK, 1: ACK, 2: ACK, 3: ACK}, [0, 2, 2, 2, 3]).findings()
    assert (found.lost, found.doubled, found.stray) == ([1], [2, 2], [])


def test_a_refused_message_is_not_expected_but_its_arrival_is_stray() -> None:
    refused = _stream(2, {0: ACK, 1: "peer_not_connected"}, [0]).findings()
    assert refused.faults == 0
    delivered_anyway = _stream(2, {0: ACK, 1: "peer_not_connected"}, [0, 1]).findings()
    assert delivered_anyway.stray == [1]
    never_sent = _stream(1, {0: ACK}, [0, 5]).findings()
    assert never_sent.stray == [5]


def test_a_message_without_an_answer_is_unanswered_and_late_arrivals_count_as_reordered() -> None:
    found = _stream(3, {0: ACK, 2: ACK}, [2, 0, 1]).findings()
    assert (found.unanswered, found.reordered, found.lost) == ([1], 2, [])


def test_unnumbered_messages_compare_counts() -> None:
    assert Counted(acked=3, received=3).findings().faults == 0
    assert (
        len(Counted(acked=3, received=1).findings().lost),
        len(Counted(acked=1, received=3).findings().doubled),
    ) == (
        2,
        2,
    )
