"""The reliability suite's count of Slack messages against the requests that asked for them."""

from __future__ import annotations

from collections import Counter

from infra.reliability_counts import matched


def test_a_request_sent_in_the_words_of_its_later_copy_is_done_once() -> None:
    done, extra, missing, _ = matched(Counter({"v2": 1}), [{"v1", "v2"}])
    assert (done, extra, missing) == (1, 0, 0)


def test_a_second_message_for_one_request_is_a_duplicate() -> None:
    done, extra, missing, sample = matched(Counter({"v1": 1, "v2": 1}), [{"v1", "v2"}])
    assert (done, extra, missing) == (2, 1, 0)
    assert sample == ["v2"]


def test_requests_with_one_form_take_theirs_before_one_with_a_choice() -> None:
    # the two-form request must not take "a", or the one-form request would look unsent
    done, extra, missing, _ = matched(Counter({"a": 1, "b": 1}), [{"a", "b"}, {"a"}])
    assert (done, extra, missing) == (2, 0, 0)


def test_a_request_never_sent_is_missing() -> None:
    assert matched(Counter({"a": 1}), [{"a"}, {"b"}])[:3] == (1, 0, 1)
