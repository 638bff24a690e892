"""Child processes that never outlive the command that started them."""

from __future__ import annotations

import ctypes
import os
import signal
import subprocess
from collections.abc import Callable, Sequence

# prctl(2): ask the kernel to send a signal to this process when its parent ends.
_PR_SET_PDEATHSIG = 1


def _bound_to(parent: int) -> Callable[[], None]:
    """What the child runs before exec: die with `parent`, even when it is killed by SIGKILL."""

    prctl = ctypes.CDLL(None, use_errno=True).prctl  # looked up here: the child only calls

    def bind() -> None:
        prctl(_PR_SET_PDEATHSIG, signal.SIGKILL)
        if os.getppid() != parent:  # the parent ended before the request took hold
            os._exit(1)

    return bind


def run(
    command: Sequence[str],
    *,
    env: dict[str, str],
    cwd: os.PathLike[str] | str,
    on_line: Callable[[str], None] | None = None,
) -> subprocess.CompletedProcess[str]:
    """`subprocess.run` with its output (stdout and stderr together) captured and handed to
    `on_line` line by line as it comes, in a process group of its own that the kernel ends
    when this process dies and that is killed on every other way out."""
    lines: list[str] = []
    with subprocess.Popen(
        list(command),
        env=env,
        cwd=cwd,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        bufsize=1,
        process_group=0,
        # runs between fork and exec; it only calls prctl, so threads of DuckDB are no risk
        preexec_fn=_bound_to(os.getpid()),
    ) as child:
        try:
            for line in child.stdout or ():
                lines.append(line)
                if on_line is not None:
                    on_line(line)
            child.wait()
        except BaseException:
            os.killpg(child.pid, signal.SIGKILL)
            child.wait()
            raise
    return subprocess.CompletedProcess(child.args, child.returncode, "".join(lines), "")
