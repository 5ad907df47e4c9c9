"""The stack is started once per module; without its services the tests skip, except in CI."""

from __future__ import annotations

import gc
import warnings
from collections.abc import Iterator

import pytest

from tests.multiprocess import services
from tests.multiprocess.stack import Stack, StackError


@pytest.fixture(scope="module")
def stack() -> Iterator[Stack]:
    services.require()
    running = Stack(processes=2)
    try:
        running.start()
    except StackError as error:
        pytest.fail(str(error), pytrace=False)
    yield running
    running.stop()


@pytest.fixture(scope="module", autouse=True)
def collect_client_sockets() -> Iterator[None]:
    """Connections cut by a killed server leave python-engineio's sockets to the garbage
    collector; collect them here rather than in whichever test runs next."""
    yield
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ResourceWarning)
        gc.collect()
