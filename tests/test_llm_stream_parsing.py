"""A streamed answer, piece by piece: server-sent events split anywhere (inside a line,
a \\r\\n, a Cyrillic letter), the chunks added up, the plan's JSON as far as it came."""

from __future__ import annotations

import json

import pytest

from tests.fakes.openai_server import plan_payload
from trainer_bot.llm.stream import PartialPlan, SSEDecoder, StreamedAnswer, StreamProtocolError

PLAN = plan_payload(
    [
        {"slug": "back_squat", "weight_kg": 40.0, "notes": 'Спина «нейтральна», \\"пауза\\"'},
        {"slug": "bench_press", "sets": 3, "notes": "Оставляй 2–3 повтора в запасе."},
        "push_up",
        {"slug": "plank", "reps_min": 30, "reps_max": 45},
    ],
    title="Всё тело: {база} [неделя 1]",
    rationale="Сегодня — «база»: присед, жим и планка.",
)
TEXT = json.dumps(PLAN, ensure_ascii=False, indent=1)


def sse_body(chunks: list[dict[str, object]], newline: str = "\n") -> bytes:
    events = [f"data: {json.dumps(c, ensure_ascii=False)}{newline}{newline}" for c in chunks]
    return ("".join(events) + f": keep-alive{newline}data: [DONE]{newline}{newline}").encode()


def content_chunks(text: str, size: int) -> list[dict[str, object]]:
    pieces = [text[i : i + size] for i in range(0, len(text), size)]
    chunks: list[dict[str, object]] = [
        {"choices": [{"index": 0, "delta": {"role": "assistant", "content": ""}}]}
    ]
    chunks += [{"choices": [{"index": 0, "delta": {"content": p}}]} for p in pieces]
    chunks.append({"choices": [{"index": 0, "delta": {}, "finish_reason": "stop"}]})
    chunks.append({"choices": [], "usage": {"prompt_tokens": 900, "completion_tokens": 350}})
    return chunks


@pytest.mark.parametrize("newline", ["\n", "\r\n", "\r"])
def test_events_come_out_whole_wherever_the_bytes_are_cut(newline: str) -> None:
    chunks = content_chunks('{"title": "Ноги — «база»", "sets": 3}', 5)
    body = sse_body(chunks, newline)
    whole = SSEDecoder()
    expected = whole.feed(body) + whole.close()
    assert expected[-1] == "[DONE]" and len(expected) == len(chunks) + 1
    # Every cut of the body in two: inside a line ending, a JSON string, a Cyrillic
    # letter (two bytes in UTF-8): the same events, never a replacement character.
    for cut in range(1, len(body)):
        decoder = SSEDecoder()
        events = decoder.feed(body[:cut]) + decoder.feed(body[cut:]) + decoder.close()
        assert events == expected, cut
    # And byte by byte.
    decoder = SSEDecoder()
    events = [event for byte in body for event in decoder.feed(bytes([byte]))]
    assert events + decoder.close() == expected
    assert all("\ufffd" not in event for event in events)


def test_a_last_event_without_a_blank_line_is_not_lost() -> None:
    decoder = SSEDecoder()
    assert decoder.feed(b'data: {"a": 1}\ndata: {"b"') == []
    assert decoder.close() == ['{"a": 1}\n{"b"']


def test_the_chunks_add_up_to_a_plain_completion() -> None:
    answer = StreamedAnswer()
    texts = [answer.add(event) for event in SSEDecoder().feed(sse_body(content_chunks(TEXT, 7)))]
    assert "".join(texts) == TEXT
    assert answer.done and answer.complete
    data = answer.as_completion()
    assert json.loads(data["choices"][0]["message"]["content"]) == PLAN
    assert data["choices"][0]["finish_reason"] == "stop"
    assert data["usage"] == {"prompt_tokens": 900, "completion_tokens": 350}


def test_a_refusal_and_an_error_in_the_stream() -> None:
    answer = StreamedAnswer()
    answer.add(json.dumps({"choices": [{"delta": {"refusal": "I can't"}}]}))
    answer.add(json.dumps({"choices": [{"delta": {}, "finish_reason": "stop"}]}))
    message = answer.as_completion()["choices"][0]["message"]
    assert message == {"role": "assistant", "content": None, "refusal": "I can't"}
    with pytest.raises(StreamProtocolError, match="error in the stream"):
        StreamedAnswer().add(json.dumps({"error": {"message": "overloaded"}}))
    with pytest.raises(StreamProtocolError, match="not JSON"):
        StreamedAnswer().add("{broken")
    cut = StreamedAnswer()
    cut.add(json.dumps({"choices": [{"delta": {"content": '{"focus"'}}]}))
    assert not cut.complete  # no finish_reason: never taken as the whole answer


@pytest.mark.parametrize("size", [1, 2, 3, 5, 8, 13, 64])
def test_partial_plan_shows_only_closed_texts_and_objects(size: int) -> None:
    partial = PartialPlan()
    seen_titles: list[str] = []
    counts: list[int] = []
    for start in range(0, len(TEXT), size):
        partial.feed(TEXT[start : start + size])
        title = partial.texts.get("title")
        if title is not None:
            seen_titles.append(title)
        counts.append(len(partial.exercises))
        # Each exercise object is whole as soon as it is counted: "sets": 3 never shows
        # as "sets": 3 of a "sets": 30 still being written.
        assert partial.exercises == PLAN["exercises"][: len(partial.exercises)]
    assert set(seen_titles) == {PLAN["title"]}  # never a cut title
    assert counts == sorted(counts) and counts[-1] == 4
    assert partial.texts == {k: PLAN[k] for k in ("focus", "title", "rationale", "warmup")}


def test_partial_plan_reports_what_closed() -> None:
    partial = PartialPlan()
    assert not partial.feed('{"focus": "full_bo')
    assert partial.feed('dy_a", "title": "Всё')
    assert partial.texts == {"focus": "full_body_a"}
    assert partial.feed(' тело", "exercises": [{"slug": "a", "sets": 3')
    assert partial.texts["title"] == "Всё тело" and partial.exercises == []
    assert not partial.feed("0")
    assert partial.feed('}, {"slug": "b"')
    assert partial.exercises == [{"slug": "a", "sets": 30}]
