"""Whether a question already holds responses, and which of its options they name.

The editor must know before it changes a format or removes an option, but what people answered
belongs to facilitator.answers, a layer above this one. So the answers package tells it here
(`responses_named_by`, registered when the package is imported, as the screens of the socket
layer are), and the editor asks `options_in_use` without knowing how responses are kept.
"""

from __future__ import annotations

from collections.abc import Callable

# question ids → {id of a question that holds responses: the option ids they name}
OptionsInUse = Callable[[list[int]], dict[int, set[int]]]

_sources: list[OptionsInUse] = []


def responses_named_by(source: OptionsInUse) -> OptionsInUse:
    _sources.append(source)
    return source


def options_in_use(question_ids: list[int]) -> dict[int, set[int]]:
    """For each of these questions that holds responses, the option ids they name (maybe none)."""
    found: dict[int, set[int]] = {}
    for source in _sources:
        for question_id, option_ids in source(question_ids).items():
            found.setdefault(question_id, set()).update(option_ids)
    return found
