"""Group commit: work arriving at the same time on several threads shares one transaction.

The MLLP listener handles each connection's frames in a thread pool. Committing every message
on its own costs one WAL flush per message and holds the audit chain's head lock (taken by the
message's audit event, released at commit) across each flush, so concurrent messages queue
behind one another. Here the first thread to arrive becomes the leader: it takes every piece of
work waiting at that moment (its own first), runs each in its own savepoint inside ONE
transaction, commits, and only then hands every thread its result. Work that arrives meanwhile
waits for the next batch, which the leader hands to the oldest waiting thread.

Guarantees: a result is handed back only after the transaction holding its work committed (so
an ACK still follows the commit); work that raises is rolled back to its savepoint alone, its
``on_failure`` runs in its own savepoint, and the others still commit; if the transaction as a
whole fails (the commit, a broken connection), every piece of work in it gets that exception
and nothing of it is kept. Followers wait without touching the database.
"""

import logging
import threading
from collections.abc import Callable
from typing import Any

from django.db import transaction

log = logging.getLogger(__name__)


class _Work:
    __slots__ = ("error", "on_failure", "promoted", "result", "run", "wake")

    def __init__(self, run: Callable[[], Any], on_failure: Callable[[], None] | None) -> None:
        self.run, self.on_failure = run, on_failure
        self.wake = threading.Event()
        self.promoted = False
        self.result: Any = None
        self.error: BaseException | None = None

    def outcome(self) -> Any:
        if self.error is not None:
            raise self.error
        return self.result


class GroupCommit:
    def __init__(self, *, max_batch: int = 64) -> None:
        self.max_batch = max_batch
        self._lock = threading.Lock()
        self._queue: list[_Work] = []
        self._leading = False
        self.batches = 0  # how many transactions, for monitoring and tests
        self.items = 0

    def submit(
        self, run: Callable[[], Any], *, on_failure: Callable[[], None] | None = None
    ) -> Any:
        """Run ``run()`` in a transaction shared with concurrent submitters; return its result
        once that transaction committed, or raise what it raised."""
        work = _Work(run, on_failure)
        with self._lock:
            self._queue.append(work)
            lead = not self._leading
            self._leading = True
        if not lead:
            work.wake.wait()
            if not work.promoted:
                return work.outcome()
        with self._lock:
            batch = self._queue[: self.max_batch]
            del self._queue[: self.max_batch]
        try:
            self._run_batch(batch)
        finally:
            with self._lock:
                if self._queue:
                    successor = self._queue[0]
                    successor.promoted = True
                    successor.wake.set()
                else:
                    self._leading = False
            for other in batch:
                if other is not work:
                    other.wake.set()
        return work.outcome()

    def _run_batch(self, batch: list[_Work]) -> None:
        committed = []
        try:
            with transaction.atomic():
                # Runs first among the batch's on-commit callbacks: a later callback that fails
                # must not turn committed work into reported failures.
                transaction.on_commit(lambda: committed.append(True))
                for work in batch:
                    try:
                        with transaction.atomic():
                            work.result = work.run()
                    except Exception as exc:
                        work.error = exc
                        if work.on_failure is not None:
                            with transaction.atomic():
                                work.on_failure()
        except BaseException as exc:
            if committed:  # an on-commit callback failed after the commit: the work is kept
                log.exception("an on-commit callback failed after a group commit")
                if not isinstance(exc, Exception):
                    raise
                self.batches += 1
                self.items += len(batch)
                return
            for work in batch:  # the transaction failed as a whole: nothing was kept
                work.result, work.error = None, exc
            if not isinstance(exc, Exception):
                raise
            log.warning("group commit of %d failed: %r", len(batch), exc)
        else:
            self.batches += 1
            self.items += len(batch)
