"""The breakout timer: every server process looks at the database once a second and
closes the rounds whose time is up. A conditional update lets exactly one process close
each round, and a round still closes when the process that opened it has died."""

from __future__ import annotations

import logging
from datetime import datetime

from flask import Flask

from facilitator.accounts import sockets as moderator_sockets
from facilitator.breakouts import broadcasts, group_rooms, service
from facilitator.breakouts.models import BreakoutRound
from facilitator.extensions import db, socketio
from facilitator.meetings.models import Meeting
from facilitator.realtime import presence
from facilitator.timeutil import utcnow

log = logging.getLogger(__name__)
TICK_SECONDS = 1.0
PRESENCE_EVERY_TICKS = 20


def tick(now: datetime | None = None) -> None:
    now = now or utcnow()
    for round_id in service.due_rounds(now):
        if service.close_round(round_id, now):
            db.session.commit()
            round_ = db.session.get(BreakoutRound, round_id)
            group_rooms.round_closed(round_)
            broadcasts.phase_changed(db.session.get(Meeting, round_.meeting_id))
        else:
            db.session.rollback()
    warned = service.claim_warning(now)
    db.session.commit()
    for round_id in warned:
        round_ = db.session.get(BreakoutRound, round_id)
        broadcasts.timer_changed(round_.meeting_id, round_, event="round_warning")


def run(app: Flask) -> None:
    ticks = 0
    while True:
        with app.app_context():
            try:
                tick()
                # A moderator session ended in another process closes its sockets here too.
                moderator_sockets.sweep()
                if ticks % PRESENCE_EVERY_TICKS == 0:
                    presence.refresh()
            except Exception:
                db.session.rollback()
                log.exception("breakout clock tick failed")
            finally:
                db.session.remove()
        ticks += 1
        socketio.sleep(TICK_SECONDS)


def start(app: Flask) -> None:
    socketio.start_background_task(run, app)
