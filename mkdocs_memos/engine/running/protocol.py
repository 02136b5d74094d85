"""What the runner, the fork server and its children say to each other: one schema, defined here only.

The runner sends the server a `Job` per snippet, one JSON line each on its stdin. The server forks a child
that runs the job (and says it `started`), which writes its `Outcome` (what running the snippet decided) to a
file; the server adds what it saw from outside (the output, its streams, the time taken, a crash or a limit)
and answers with an `Answer`, one JSON line on its stdout. The runner stamps the `Result` with the versions
the server said hello with.
"""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass, field

from mkdocs_memos.engine.running.snippet import Snippet

OK, ERROR, SKIPPED = "ok", "error", "skipped"


def hello(stamp: dict, isolation: dict, tmp: str) -> str:
    """The server's first line, once torch is imported: the versions that stamp every result, how the snippets
    are isolated ({"namespaces": why they could not be made, or None; "landlock": its ABI}), and the folder of
    its run directories (which the runner removes should the server be killed)."""
    return json.dumps({"hello": stamp, "isolation": isolation, "tmp": tmp}) + "\n"


def read_hello(line: str) -> dict:
    """What `hello` said: its "hello" (the stamp), "isolation" and "tmp"."""
    return json.loads(line)


def started(id: int) -> str:
    """The server's line when it forks the child of job `id`: should the server die, the runner knows which
    snippets were running."""
    return json.dumps({"started": id}) + "\n"


@dataclass(frozen=True)
class Job:
    id: int
    display_path: str
    source: str
    raises: str | None
    timeout: float
    threads: int
    memory: int  # bytes
    checks: list[dict]  # {"claim", "expr", "line"} of each `# memo: check`
    facts: list[dict]  # {"name", "expr", "line"} of each `# memo: fact`

    @classmethod
    def of(cls, id: int, s: Snippet) -> Job:
        return cls(id, s.display_path, s.source, s.raises, s.timeout, s.threads, s.memory,
                   [asdict(c) for c in s.checks], [asdict(f) for f in s.facts])

    def line(self) -> str:
        return json.dumps(asdict(self)) + "\n"

    @classmethod
    def read(cls, line: bytes | str) -> Job:
        return cls(**json.loads(line))


@dataclass
class Outcome:
    """What the child decided; a child that dies before writing it is a crash."""

    status: str  # OK or ERROR
    message: str = ""
    line: int | None = None  # the snippet's line an error points at
    checks: list = field(default_factory=list)  # each job check with its "value" (true or false)
    facts: list = field(default_factory=list)  # each job fact with its "value"
    exception: dict | None = None  # the raised exception's ename and evalue, as a Jupyter kernel names them
    engine: str | None = None  # the engine's own traceback, when it failed outside the snippet's code
    figures: list = field(default_factory=list)  # each figure it showed or left open (figures.output), in order

    def json(self) -> str:
        return json.dumps(asdict(self))


@dataclass
class Result:
    status: str  # OK, ERROR (the snippet failed) or SKIPPED (needs another torch release)
    output: str = ""
    message: str = ""
    line: int | None = None
    output_bytes: int = 0
    seconds: float = 0.0
    checks: list = field(default_factory=list)
    facts: list = field(default_factory=list)  # {"name", "expr", "line", "value"} of each `# memo: fact`
    # [stream, length] of each part of `output`: "stdout", "stderr", or "error" (the traceback), in order.
    streams: list = field(default_factory=list)
    exception: dict | None = None
    figures: list = field(default_factory=list)  # shown under the output, in order (running/figures.output)
    stamp: dict = field(default_factory=dict)  # the torch, Python and platform that ran it
    cached: bool = False


@dataclass
class Answer:
    """The server's answer to the job `id`."""

    id: int
    result: Result

    def line(self) -> str:
        return json.dumps(asdict(self)) + "\n"

    @classmethod
    def read(cls, data: dict) -> Answer:
        return cls(data["id"], Result(**data["result"]))
