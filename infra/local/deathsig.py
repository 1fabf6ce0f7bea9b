"""``python infra/local/deathsig.py CMD...``: run CMD so that it dies with its parent.

Sets ``PR_SET_PDEATHSIG`` (kept across ``exec``) and becomes CMD. The local stack starts its
children through this instead of a ``preexec_fn``: without one, ``subprocess`` spawns with
``vfork``, so no fork handlers run in the child between fork and exec (gRPC's, once the
parent has used Firestore or Pub/Sub, start a poller thread there that aborts when
``close_fds`` closes its epoll descriptor).
"""

from __future__ import annotations

import ctypes
import os
import signal
import sys

_PR_SET_PDEATHSIG = 1


def main(argv: list[str]) -> None:
    """Arm the parent-death signal, then exec ``argv``."""
    parent = os.getppid()
    ctypes.CDLL("libc.so.6", use_errno=True).prctl(_PR_SET_PDEATHSIG, signal.SIGKILL)
    if os.getppid() != parent:  # the parent died before the signal was armed
        sys.exit(1)
    os.execvp(argv[0], argv)  # noqa: S606 - argv comes from the local stack, not a shell


if __name__ == "__main__":
    main(sys.argv[1:])
