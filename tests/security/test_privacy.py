"""Privacy walk: everything a phone, the projector and a rapporteur can reach during a breakout
round, against the real server, searched for names, stable person ids and other groups' words.

An anonymous meeting runs a round of two groups (phones join, answer on their walls, vote, a
rapporteur volunteers and writes the key points). Then every page, every socket frame those
screens received, every export and the archive they can get are searched for:

- any participant's name (a phone may see its own);
- anything that identifies a person across contributions (participant ids, authors, voters,
  member lists, the rapporteur's identity);
- the other group's answers and summary, until the moderator opens every wall.

A named meeting's jigsaw round checks group privacy on its own: a rapporteur of group A gets a
404 or nothing at all of group B, socket notices included.
"""

from __future__ import annotations

import io
import json
import re
import threading
import time
from dataclasses import dataclass, field

import pytest
import requests
import socketio
from docx import Document

from tests.security.conftest import (
    console_socket,
    cookie_header,
    create_meeting,
    csrf_token,
    join_phone,
    log_in,
)

# Names no text of the meeting contains by chance.
GROUP_A = ("Zephyrine Aldaco", "Quillon Brevard")
GROUP_B = ("Marcelin Corvusa", "Ottoline Dravik")
WALL_A = ("Alpha wall: mend the quarry pumps", "Alpha wall: teach the river wardens")
WALL_B = ("Bravo wall: plant the mangrove belts", "Bravo wall: fund the ferry crews")
SUMMARY_A = "Alpha key points: pumps, then wardens."
SUMMARY_B = "Bravo key points: mangroves before ferries."
FORMATS = ("docx", "md", "csv", "json")
# Keys that would tie a contribution to a person wherever they appear in a frame or a file.
PERSON_KEYS = {"participant_id", "author_id", "voters", "rapporteur_id", "person_id", "members_ids"}
SETTLE_S = 1.0  # notices are coalesced for 0.25 s; a second covers them


@dataclass
class Recorder:
    """A Socket.IO client that keeps every frame it receives, in every namespace it joined."""

    client: socketio.Client
    frames: list[tuple[str, object]] = field(default_factory=list)
    lock: threading.Lock = field(default_factory=threading.Lock)

    def text(self) -> str:
        with self.lock:
            return json.dumps(self.frames, ensure_ascii=False)

    def events(self, name: str) -> list[object]:
        with self.lock:
            return [data for event, data in self.frames if event == name]

    def call(self, event: str, payload: dict) -> dict:
        reply = self.client.call(event, payload, timeout=10)
        with self.lock:
            # What an acknowledgement says is as much a frame as an event.
            self.frames.append((f"ack:{event}", reply))
        return reply

    def close(self) -> None:
        self.client.disconnect()


def recording(server, auth: dict, cookies: str, namespace: str = "/") -> Recorder:
    client = socketio.Client(reconnection=False)
    recorder = Recorder(client)

    def keep(event, *args):
        with recorder.lock:
            recorder.frames.append((event, args[0] if len(args) == 1 else list(args)))

    client.on("*", keep, namespace=namespace)
    client.connect(
        server.base_url,
        headers={"Cookie": cookies},
        auth=auth,
        transports=["websocket"],
        namespaces=[namespace],
        wait_timeout=10,
    )
    return recorder


def person_links(value: object, path: str = "", own: int | None = None) -> list[str]:
    """Every place in a decoded frame or file that ties something to a person; `own` is the id of
    the phone that received it, whose own profile is no leak."""
    found = []
    if isinstance(value, dict):
        for key, item in value.items():
            here = f"{path}.{key}"
            if key == "participant" and isinstance(item, dict) and own is not None and item.get("id") == own:
                continue
            if key in PERSON_KEYS and item not in (None, [], {}):
                found.append(here)
            elif key == "members" and isinstance(item, list):
                found += [
                    f"{here}[{i}]"
                    for i, m in enumerate(item)
                    if not isinstance(m, dict) or m.get("id") or m.get("label") or m.get("name")
                ]
            elif (
                (key in ("participants", "people") and isinstance(item, list) and item)
                or (key == "participant" and isinstance(item, dict))
                or (key in ("author", "rapporteur", "display_name") and isinstance(item, str) and item)
            ):
                found.append(here)
            found += person_links(item, here, own)
    elif isinstance(value, list):
        for index, item in enumerate(value):
            found += person_links(item, f"{path}[{index}]", own)
    return found


def names_in(text: str, names) -> list[str]:
    return [name for name in names if name in text]


def export_text(fmt: str, body: bytes) -> str:
    if fmt == "docx":
        document = Document(io.BytesIO(body))
        cells = [cell.text for table in document.tables for row in table.rows for cell in row.cells]
        return "\n".join([p.text for p in document.paragraphs] + cells)
    return body.decode("utf-8-sig")


def add_question(server, moderator: requests.Session, meeting_id: int, text: str) -> None:
    edit = moderator.get(f"{server.base_url}/meetings/{meeting_id}")
    moderator.post(
        f"{server.base_url}/meetings/{meeting_id}/questions",
        data={"text": text, "csrf_token": csrf_token(edit.text)},
    )


def open_round(server, moderator, meeting_id: int, groups: list[tuple[list[int], list[int]]]) -> None:
    """A by-hand round: each group's (question ids, participant ids)."""
    url = f"{server.base_url}/meetings/{meeting_id}/breakouts/new"
    page = moderator.get(url)
    questions = sorted({q for qs, _ in groups for q in qs})
    data: list[tuple[str, object]] = [
        ("csrf_token", csrf_token(page.text)),
        ("mode", "by_hand"),
        ("sizing", "groups"),
        ("groups", len(groups)),
        ("minutes", 30),
        ("action", "open"),
        ("group_count", len(groups)),
        *[("question_ids", q) for q in questions],
    ]
    for index, (question_ids, people) in enumerate(groups):
        data.append((f"group-{index}-name", f"Group {index + 1}"))
        data += [(f"group-{index}-questions", q) for q in question_ids]
        data += [(f"member-{p}", index) for p in people]
    reply = moderator.post(url, data=data)
    assert "/breakouts" in reply.url and reply.url.rstrip("/").endswith("breakouts"), reply.url


def people_of(server, moderator, meeting_id: int) -> dict[str, int]:
    console = console_socket(server, moderator, meeting_id)
    snapshot = console.call("sync_console", {})["snapshot"]
    console.disconnect()
    return {p["display_name"]: p["id"] for p in snapshot["participants"]}


def moderator_call(server, moderator, meeting_id: int, event: str, payload: dict) -> dict:
    console = console_socket(server, moderator, meeting_id, view="cockpit")
    reply = console.call(event, payload, timeout=10)
    console.disconnect()
    return reply


def post_on_wall(phone: Recorder, question_id: int, text: str, client_id: str) -> int:
    reply = phone.call(
        "submit_answer", {"question_id": question_id, "client_id": client_id, "text": text, "for_group": True}
    )
    assert reply["ok"], reply
    return reply["answer"]["id"]


@pytest.fixture(scope="module")
def anonymous_round(server):
    moderator = log_in(server)
    meeting = create_meeting(moderator, server, attribution="anonymous", title="Privacy walk")
    mid, code, question = meeting["id"], meeting["code"], meeting["question_id"]
    cookies = cookie_header(moderator)
    projector = recording(server, {"view": "projector", "meeting": mid}, cookies)
    sessions = {name: join_phone(server, code, name) for name in GROUP_A + GROUP_B}
    ids = people_of(server, moderator, mid)
    open_round(
        server,
        moderator,
        mid,
        [([question], [ids[n] for n in GROUP_A]), ([question], [ids[n] for n in GROUP_B])],
    )
    phones = {
        name: recording(server, {"view": "phone", "meeting": code}, cookie_header(session))
        for name, session in sessions.items()
    }
    for phone in phones.values():
        assert phone.call("sync", {})["ok"]
    answers = {}
    for index, (name, text) in enumerate(zip(GROUP_A + GROUP_B, WALL_A + WALL_B, strict=True)):
        answers[text] = post_on_wall(phones[name], question, text, f"privacy-{index:04d}")
    # Each group's second member supports the first member's answer; both first members report.
    assert phones[GROUP_A[1]].call("vote", {"answer_id": answers[WALL_A[0]], "supported": True})["ok"]
    assert phones[GROUP_B[1]].call("vote", {"answer_id": answers[WALL_B[0]], "supported": True})["ok"]
    for name, summary in ((GROUP_A[0], SUMMARY_A), (GROUP_B[0], SUMMARY_B)):
        assert phones[name].call("volunteer", {})["ok"]
        saved = phones[name].call(
            "save_summary", {"question_id": question, "text": summary, "base_version": 0}
        )
        assert saved["ok"], saved
    reporter = sessions[GROUP_A[0]]
    synthesis = recording(server, {"meeting": mid}, cookie_header(reporter), namespace="/synthesis")
    # The other group keeps writing while the rapporteur's synthesis page listens.
    post_on_wall(phones[GROUP_B[1]], question, "Bravo wall: one more after the page opened", "privacy-late")
    time.sleep(SETTLE_S)
    yield {
        "server": server,
        "moderator": moderator,
        "id": mid,
        "code": code,
        "question": question,
        "ids": ids,
        "sessions": sessions,
        "phones": phones,
        "projector": projector,
        "reporter": reporter,
        "synthesis": synthesis,
    }
    for recorder in (*phones.values(), projector, synthesis):
        recorder.close()


def test_the_projector_shows_how_many_joined_and_never_who(anonymous_round):
    projector = anonymous_round["projector"]
    assert not names_in(projector.text(), GROUP_A + GROUP_B)
    joined = projector.events("participant_joined")
    assert [frame["participant_count"] for frame in joined] == [1, 2, 3, 4]
    assert not [link for event, data in projector.frames for link in person_links(data)]
    server, moderator = anonymous_round["server"], anonymous_round["moderator"]
    again = console_socket(server, moderator, anonymous_round["id"], view="projector")
    snapshot = again.call("sync_console", {})["snapshot"]
    again.disconnect()
    assert snapshot["participants"] == [] and snapshot["participant_count"] == 4
    page = moderator.get(f"{server.base_url}/meetings/{anonymous_round['id']}/projector").text
    assert not names_in(page, GROUP_A + GROUP_B)
    # Nothing any group wrote reaches the wall while the round runs.
    assert not names_in(projector.text(), (*WALL_A, *WALL_B, SUMMARY_A, SUMMARY_B))


def test_phones_learn_no_other_persons_name_or_id_and_no_other_groups_words(anonymous_round):
    server, code = anonymous_round["server"], anonymous_round["code"]
    for group, other_words in ((GROUP_A, (*WALL_B, SUMMARY_B)), (GROUP_B, (*WALL_A, SUMMARY_A))):
        for name in group:
            phone = anonymous_round["phones"][name]
            others = [n for n in GROUP_A + GROUP_B if n != name]
            page = anonymous_round["sessions"][name].get(f"{server.base_url}/j/{code}/live").text
            for where, text in (("frames", phone.text()), ("page", page)):
                assert not names_in(text, others), (name, where)
                assert not names_in(text, other_words), (name, where)
            own = anonymous_round["ids"][name]
            links = [link for event, data in phone.frames for link in person_links(data, event, own)]
            assert not links, (name, links)


def test_a_rapporteur_reads_only_their_own_group_while_the_round_runs(anonymous_round):
    server, mid = anonymous_round["server"], anonymous_round["id"]
    reporter = anonymous_round["reporter"]
    base = f"{server.base_url}/meetings/{mid}"
    others = (*GROUP_A[1:], *GROUP_B)
    forbidden = (*WALL_B, SUMMARY_B, "Bravo wall: one more after the page opened")
    for path in ("/synthesis", "/synthesis/data", "/synthesis/projector"):
        reply = reporter.get(base + path)
        assert reply.status_code == 200, path
        assert not names_in(reply.text, others + forbidden), path
    data = reporter.get(base + "/synthesis/data").json()
    assert not person_links(data["questions"])
    assert WALL_A[0] in json.dumps(data, ensure_ascii=False)
    for fmt in FORMATS:
        assert reporter.get(f"{base}/export.{fmt}").status_code == 404, fmt
    themes = [t for q in data["questions"] for t in q["themes"]]
    assert reporter.post(f"{base}/synthesis/themes/{themes[0]['id']}", json={"label": "x"}).status_code in (
        400,
        404,
    )
    # The synthesis socket says only which question changed.
    frames = anonymous_round["synthesis"].frames
    assert frames and all(
        event == "synthesis_changed" and set(data) == {"question_id"} for event, data in frames
    ), frames


def test_the_moderators_archive_of_an_anonymous_meeting_links_nobody(anonymous_round):
    server, moderator, mid = anonymous_round["server"], anonymous_round["moderator"], anonymous_round["id"]
    archive = moderator.get(f"{server.base_url}/meetings/{mid}/export.json").json()
    assert not names_in(json.dumps(archive, ensure_ascii=False), GROUP_A + GROUP_B)
    assert not person_links({k: v for k, v in archive.items() if k != "participants"})
    assert all(set(person) == {"id"} for person in archive["participants"])
    person_ids = {person["id"] for person in archive["participants"]}
    rest = json.dumps({k: v for k, v in archive.items() if k != "participants"})
    assert not [pid for pid in person_ids if f'"{pid}"' in rest]
    assert sum(a["votes"] for a in archive["answers"]) == 2


def test_after_the_walls_open_what_a_rapporteur_downloads_names_and_links_nobody(anonymous_round):
    server, moderator, mid = anonymous_round["server"], anonymous_round["moderator"], anonymous_round["id"]
    reporter = anonymous_round["reporter"]
    base = f"{server.base_url}/meetings/{mid}"
    assert moderator_call(server, moderator, mid, "close_round", {})["ok"]
    assert moderator_call(server, moderator, mid, "publish_walls", {"published": True})["ok"]
    # Walls open, but downloading stays the moderator's until they allow it.
    assert reporter.get(f"{base}/export.md").status_code == 404
    page = moderator.get(f"{base}/synthesis")
    moderator.post(
        f"{base}/synthesis/settings", data={"rapporteurs_curate": "on", "csrf_token": csrf_token(page.text)}
    )
    data = reporter.get(f"{base}/synthesis/data").text
    assert WALL_B[0] in data and not names_in(data, GROUP_A + GROUP_B)
    for fmt in FORMATS:
        reply = reporter.get(f"{base}/export.{fmt}")
        assert reply.status_code == 200, fmt
        text = export_text(fmt, reply.content)
        assert not names_in(text, GROUP_A + GROUP_B), fmt
        assert WALL_B[0] in text and (fmt == "csv" or SUMMARY_A in text), fmt
    archive = reporter.get(f"{base}/export.json").json()
    assert not person_links({k: v for k, v in archive.items() if k != "participants"})
    time.sleep(SETTLE_S)
    # Every phone now reads every wall, still without a name or a person's id.
    for name, phone in anonymous_round["phones"].items():
        assert phone.call("sync", {})["ok"]
        others = [n for n in GROUP_A + GROUP_B if n != name]
        assert not names_in(phone.text(), others), name
        walls = phone.frames[-1][1]["snapshot"]["breakout"]["walls"]
        assert walls and not person_links(walls)


@pytest.fixture(scope="module")
def named_jigsaw(server):
    """A named meeting whose two groups work on different questions."""
    moderator = log_in(server)
    meeting = create_meeting(moderator, server, attribution="named", title="Group privacy")
    mid, code = meeting["id"], meeting["code"]
    add_question(server, moderator, mid, "Only for the second group?")
    console = console_socket(server, moderator, mid)
    questions = [q["id"] for q in console.call("sync_console", {})["snapshot"]["questions"]]
    console.disconnect()
    sessions = {name: join_phone(server, code, name) for name in GROUP_A + GROUP_B}
    ids = people_of(server, moderator, mid)
    open_round(
        server,
        moderator,
        mid,
        [([questions[0]], [ids[n] for n in GROUP_A]), ([questions[1]], [ids[n] for n in GROUP_B])],
    )
    phones = {
        name: recording(server, {"view": "phone", "meeting": code}, cookie_header(session))
        for name, session in sessions.items()
    }
    post_on_wall(phones[GROUP_A[1]], questions[0], WALL_A[0], "named-a-1")
    post_on_wall(phones[GROUP_B[1]], questions[1], WALL_B[0], "named-b-1")
    assert phones[GROUP_A[0]].call("volunteer", {})["ok"]
    assert phones[GROUP_B[0]].call("volunteer", {})["ok"]
    saved = phones[GROUP_B[0]].call(
        "save_summary", {"question_id": questions[1], "text": SUMMARY_B, "base_version": 0}
    )
    assert saved["ok"], saved
    yield {"server": server, "id": mid, "questions": questions, "sessions": sessions, "phones": phones}
    for recorder in phones.values():
        recorder.close()


def test_a_rapporteur_of_group_a_gets_nothing_of_group_b(named_jigsaw):
    server, mid = named_jigsaw["server"], named_jigsaw["id"]
    first_q, second_q = named_jigsaw["questions"]
    reporter = named_jigsaw["sessions"][GROUP_A[0]]
    base = f"{server.base_url}/meetings/{mid}"
    for path in ("/synthesis", "/synthesis/data", "/synthesis/projector"):
        reply = reporter.get(base + path)
        assert reply.status_code == 200
        assert not names_in(reply.text, (*GROUP_B, WALL_B[0], SUMMARY_B)), path
    data = reporter.get(f"{base}/synthesis/data").json()
    assert [len(q["summaries"]) for q in data["questions"]] == [0, 0]
    assert {q["id"]: q["answer_count"] for q in data["questions"]} == {first_q: 1, second_q: 0}
    assert data["view"]["whole"] is False
    for fmt in FORMATS:
        assert reporter.get(f"{base}/export.{fmt}").status_code == 404, fmt
    # Socket notices: group B's question never reaches group A's rapporteur; group A's does.
    synthesis = recording(server, {"meeting": mid}, cookie_header(reporter), namespace="/synthesis")
    try:
        post_on_wall(named_jigsaw["phones"][GROUP_B[1]], second_q, "Bravo wall: unseen", "named-b-2")
        time.sleep(SETTLE_S)
        assert second_q not in [frame.get("question_id") for frame in synthesis.events("synthesis_changed")]
        post_on_wall(named_jigsaw["phones"][GROUP_A[1]], first_q, "Alpha wall: seen", "named-a-2")
        deadline = time.monotonic() + 5
        while time.monotonic() < deadline and not synthesis.events("synthesis_changed"):
            time.sleep(0.05)
        assert {frame["question_id"] for frame in synthesis.events("synthesis_changed")} == {first_q}
    finally:
        synthesis.close()
    # Group A's phones see no trace of group B either.
    for name in GROUP_A:
        text = named_jigsaw["phones"][name].text()
        assert not names_in(text, (*GROUP_B, WALL_B[0], SUMMARY_B, "Bravo wall: unseen")), name


def test_no_privacy_check_passes_by_matching_nothing():
    """The walk's own helpers must find what they look for."""
    assert person_links({"answers": [{"author": "p1", "voters": ["p2"]}]}) == [
        ".answers[0].author",
        ".answers[0].voters",
    ]
    assert person_links({"groups": [{"members": [{"id": 3, "label": None}]}]})
    assert not person_links({"groups": [{"members": [{"label": None, "rapporteur": True}]}]})
    assert names_in(f"... {GROUP_B[0]} ...", GROUP_B) == [GROUP_B[0]]
    assert re.search("x", "x")
