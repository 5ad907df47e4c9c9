"""What joining tells the rest of the app: the screens that show who joined listen here, so that
joining needs to know nothing about them."""

from __future__ import annotations

from blinker import Namespace

_signals = Namespace()

# Sent after a new participant is committed, with meeting= and participant=.
participant_joined = _signals.signal("participant-joined")
