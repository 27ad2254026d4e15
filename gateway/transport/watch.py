"""watchdog as a doorbell: it wakes the runner; the periodic sweep stays the source of truth."""

from __future__ import annotations

import threading
from pathlib import Path

from watchdog.events import FileSystemEvent, FileSystemEventHandler
from watchdog.observers import Observer

from gateway.transport.local import LocalInbox, is_candidate


class _Doorbell(FileSystemEventHandler):
    def __init__(self, inbox: LocalInbox, wake: threading.Event) -> None:
        self.inbox = inbox
        self.wake = wake

    def on_any_event(self, event: FileSystemEvent) -> None:
        if event.is_directory:
            return
        dest = getattr(event, "dest_path", "")
        if event.event_type == "moved" and dest:
            source, target = Path(str(event.src_path)), Path(str(dest))
            # Renamed from a temporary name into a real one: the writer says it is complete.
            if not is_candidate(source.name) and is_candidate(target.name):
                self.inbox.mark_renamed(target)
        self.wake.set()


class InboxWatcher:
    """Starts and stops a watchdog observer over the inbox root."""

    def __init__(self, inbox: LocalInbox, wake: threading.Event) -> None:
        self._observer = Observer()
        self._observer.daemon = True
        inbox.root.mkdir(parents=True, exist_ok=True)
        self._observer.schedule(_Doorbell(inbox, wake), str(inbox.root), recursive=True)

    def start(self) -> None:
        """Begin watching."""
        self._observer.start()

    def stop(self) -> None:
        """Stop watching and wait for the observer thread."""
        self._observer.stop()
        self._observer.join(timeout=5)
