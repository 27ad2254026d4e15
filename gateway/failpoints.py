"""Crash points for the crash-safety tests: the process kills itself where a test says.

`GATEWAY_FAILPOINTS=remote.after_commit` makes the process SIGKILL itself when it reaches that
point, exactly as a power cut or an OOM kill would stop it: no cleanup, no `finally`. The
variable is read when a point is reached; unset (always, outside the tests) nothing happens.
"""

from __future__ import annotations

import os
import signal

VARIABLE = "GATEWAY_FAILPOINTS"


def failpoint(name: str) -> None:
    """Die here, at once, when the environment names this point."""
    wanted = os.environ.get(VARIABLE, "")
    if wanted and name in {part.strip() for part in wanted.split(",")}:
        os.kill(os.getpid(), signal.SIGKILL)
