"""The bare stack: Flask-SocketIO that only broadcasts and acknowledges, with the app's event names.

    .venv/bin/python bench/serve.py --server bare --mode eventlet

No database and no checks: what the load generator measures here is the floor that
Flask-SocketIO and the server mode set. The app's figures are reported as ratios to it.
The same HTTP steps exist (login, meeting, join, open a round) so that the load
generator follows one script for both; they return just enough to go on.
"""

from __future__ import annotations

import itertools
import secrets

from flask import Flask, jsonify, redirect, request
from flask_socketio import SocketIO, emit, join_room

socketio = SocketIO()
FORM = '<form method="post"><input type="hidden" name="csrf_token" value="bare"></form>'
COOKIE = "facilitator_participant"
MEETING_ID, JOIN_CODE = 1, "BARE42"
PARTICIPANTS, MODERATORS = "meeting:1:participants", "meeting:1:moderators"
PROJECTOR = "meeting:1:projector"
RESULTS_EVERY_S = 0.25  # the app's coalescing delay: at most four tallies a second


class State:
    def __init__(self) -> None:
        self.ids = itertools.count(1)
        self.participants: dict[str, int] = {}  # cookie token → participant id
        self.sids: dict[str, int] = {}  # socket id → participant id (None for moderators)
        self.questions: list[dict] = []
        self.question: dict | None = None
        self.revision = 0
        self.groups: dict[int, int] = {}  # participant id → group id
        self.group_questions: dict[int, list[int]] = {}
        self.round_open = False
        self.answers: dict[tuple[int, str], dict] = {}
        self.votes: set[tuple[int, int]] = set()
        self.vote_counts: dict[int, int] = {}
        self.ballots: dict[tuple[int, int], dict] = {}  # (question id, participant id) → ballot
        self.results_due = False


state = State()


def _question(text: str, question_format: str = "open", options: list | None = None) -> dict:
    question = {
        "id": next(state.ids),
        "text": text,
        "status": "draft",
        "kind": "guiding",
        "format": question_format,
        "options": [{"id": next(state.ids), "text": option} for option in options or []],
    }
    state.questions.append(question)
    return question


def _breakout(participant_id: int) -> dict | None:
    if not state.round_open:
        return None
    group_id = state.groups.get(participant_id)
    questions = [{"id": q} for q in state.group_questions.get(group_id, [])]
    return {"round": {"status": "open"}, "group": {"id": group_id, "questions": questions}}


def _phone_snapshot(participant_id: int) -> dict:
    return {
        "revision": state.revision,
        "question": state.question,
        "participant": {"id": participant_id},
        "my_answers": [],
        "breakout": _breakout(participant_id),
    }


def _console_snapshot() -> dict:
    return {"revision": state.revision, "meeting": {"join_code": JOIN_CODE}, "questions": state.questions}


def create_bare_app(async_mode: str) -> Flask:
    app = Flask(__name__)
    app.config["SECRET_KEY"] = secrets.token_hex(16)

    @app.route("/login", methods=["GET", "POST"])
    @app.route("/meetings/new", methods=["GET", "POST"])
    @app.get(f"/meetings/{MEETING_ID}")
    def forms():
        if request.method == "GET":
            return FORM
        return redirect(f"/meetings/{MEETING_ID}")

    @app.post(f"/meetings/{MEETING_ID}/questions")
    def add_question():
        _question(request.form.get("text", ""))
        return redirect(f"/meetings/{MEETING_ID}")

    @app.route("/j/<code>", methods=["GET", "POST"])
    def join(code: str):
        if request.method == "GET":
            return FORM
        token = secrets.token_urlsafe(32)
        state.participants[token] = next(state.ids)
        response = redirect(f"/j/{code}/live")
        response.set_cookie(COOKIE, token, httponly=True)
        return response

    @app.route(f"/meetings/{MEETING_ID}/breakouts/new", methods=["GET", "POST"])
    def open_round():
        if request.method == "GET":
            return FORM
        for index in range(int(request.form["group_count"])):
            group_id = next(state.ids)
            questions = request.form.getlist(f"group-{index}-questions")
            state.group_questions[group_id] = [int(q) for q in questions]
            for key, value in request.form.items():
                if key.startswith("member-") and int(value) == index:
                    state.groups[int(key[7:])] = group_id
        state.round_open = True
        state.revision += 1
        socketio.emit("phase_changed", {"revision": state.revision}, to=PARTICIPANTS)
        socketio.emit("phase_changed", {"revision": state.revision}, to=MODERATORS)
        return redirect(f"/meetings/{MEETING_ID}/breakouts")

    @app.get("/bench/counts")
    def counts():
        plenary = sum(1 for answer in state.answers.values() if answer["group_id"] is None)
        return jsonify(
            answers=plenary,
            wall_answers=len(state.answers) - plenary,
            votes=len(state.votes),
            ballots=len(state.ballots),
        )

    socketio.init_app(
        app, async_mode=async_mode, max_http_buffer_size=64 * 1024, ping_interval=20, ping_timeout=20
    )
    return app


@socketio.on("connect")
def connect(auth: dict) -> None:
    if auth.get("view") == "phone":
        participant_id = state.participants[request.cookies[COOKIE]]
        state.sids[request.sid] = participant_id
        join_room(f"participant:{participant_id}")
        join_room(PARTICIPANTS)
        if participant_id in state.groups:
            join_room(f"group:{state.groups[participant_id]}")
        emit("snapshot", _phone_snapshot(participant_id))
    elif auth.get("view") == "projector":
        join_room(PROJECTOR)
        emit("snapshot", _console_snapshot())
    else:
        join_room(MODERATORS)
        emit("snapshot", _console_snapshot())


@socketio.on("sync")
def sync(_payload: object = None) -> dict:
    participant_id = state.sids[request.sid]
    if participant_id in state.groups:
        join_room(f"group:{state.groups[participant_id]}")
    return {"ok": True, "snapshot": _phone_snapshot(participant_id)}


@socketio.on("sync_console")
def sync_console(_payload: object = None) -> dict:
    return {"ok": True, "snapshot": _console_snapshot()}


@socketio.on("open_question")
def open_question(payload: dict) -> dict:
    if "text" in payload:
        question = _question(payload["text"], payload.get("format", "open"), payload.get("options"))
    else:
        question = next(q for q in state.questions if q["id"] == payload["question_id"])
    question["status"] = "open"
    state.question = question
    state.revision += 1
    data = {"revision": state.revision, "question": question, "fresh": True}
    socketio.emit("question_opened", data, to=MODERATORS)
    socketio.emit("question_opened", data, to=PARTICIPANTS)
    return {"ok": True, "question": question}


@socketio.on("submit_answer")
def submit_answer(payload: dict) -> dict:
    participant_id = state.sids[request.sid]
    key = (participant_id, payload["client_id"])
    if key in state.answers:
        return {"ok": True, "answer": state.answers[key], "duplicate": True}
    group_id = state.groups.get(participant_id) if state.round_open else None
    answer = {
        "id": next(state.ids),
        "client_id": payload["client_id"],
        "question_id": payload["question_id"],
        "group_id": group_id,
        "text": payload["text"],
    }
    state.answers[key] = answer
    socketio.emit("my_answer_changed", answer, to=f"participant:{participant_id}", skip_sid=request.sid)
    if group_id is not None:
        socketio.emit("wall_answer_changed", {**answer, "votes": 0}, to=f"group:{group_id}")
        socketio.emit("wall_answer_changed", {**answer, "votes": 0}, to=MODERATORS)
    else:
        socketio.emit("answer_changed", answer, to=MODERATORS)
        socketio.emit("progress", {"question_id": answer["question_id"]}, to=MODERATORS)
    return {"ok": True, "answer": answer, "duplicate": False}


@socketio.on("vote")
def vote(payload: dict) -> dict:
    participant_id = state.sids[request.sid]
    if (payload["answer_id"], participant_id) not in state.votes:
        state.votes.add((payload["answer_id"], participant_id))
        state.vote_counts[payload["answer_id"]] = state.vote_counts.get(payload["answer_id"], 0) + 1
    votes = state.vote_counts[payload["answer_id"]]
    data = {"answer_id": payload["answer_id"], "group_id": state.groups[participant_id], "votes": votes}
    socketio.emit("votes_changed", data, to=f"group:{state.groups[participant_id]}")
    socketio.emit("votes_changed", data, to=MODERATORS)
    return {"ok": True, **data, "supported": True}


@socketio.on("cast_ballot")
def cast_ballot(payload: dict) -> dict:
    participant_id = state.sids[request.sid]
    key = (payload["question_id"], participant_id)
    ballot = state.ballots.get(key)
    if ballot is None or ballot["seq"] < payload["seq"]:
        ballot = {
            "question_id": payload["question_id"],
            "response": payload["response"],
            "seq": payload["seq"],
        }
        state.ballots[key] = ballot
        _results_soon()
    return {"ok": True, "ballot": ballot, "duplicate": False}


def _results_soon() -> None:
    """The same coalescing as the app: the first change schedules a tally, later ones ride on it."""
    if state.results_due:
        return
    state.results_due = True
    socketio.start_background_task(_send_results)


def _send_results() -> None:
    socketio.sleep(RESULTS_EVERY_S)
    state.results_due = False
    question = state.question or {}
    counts: dict[int, int] = {}
    ballots = [b for (qid, _), b in state.ballots.items() if qid == question.get("id")]
    for ballot in ballots:
        for option_id in ballot["response"]["options"]:
            counts[option_id] = counts.get(option_id, 0) + 1
    options = [
        {"id": o["id"], "text": o["text"], "count": counts.get(o["id"], 0)}
        for o in question.get("options", [])
    ]
    data = {
        "question_id": question.get("id"),
        "group_id": None,
        "results": {"respondents": len(ballots), "options": options},
    }
    socketio.emit("results", data, to=MODERATORS)
    socketio.emit("results", data, to=PROJECTOR)


@socketio.on("show_answers_on_projector")
def show_answers_on_projector(_payload: object = None) -> dict:
    return {"ok": True}


@socketio.on("close_question")
def close_question(_payload: object = None) -> dict:
    if state.question is not None:
        state.question["status"] = "closed"
    return {"ok": True}


@socketio.on("close_round")
def close_round(_payload: object = None) -> dict:
    state.round_open = False
    state.revision += 1
    socketio.emit("phase_changed", {"revision": state.revision}, to=PARTICIPANTS)
    return {"ok": True}
