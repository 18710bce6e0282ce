"""When each ZenlayerPort vanished: one watch on the collection (from a given resourceVersion, so nothing is
missed), on a thread, recording the wall-clock time of every DELETED event. Wall clock, because the instants it
is compared with (the Zenlayer emulator's destroyedAt) are UTC timestamps."""

import http.client
import json
import threading
import time
import urllib.parse


class GoneWatch:
    def __init__(self, api_url, collection_path, resource_version):
        self.gone_at = {}  # name -> time.time() of its DELETED event
        self.events = 0
        self._lock = threading.Lock()
        url = urllib.parse.urlsplit(api_url)
        self._connection = http.client.HTTPConnection(url.hostname, url.port, timeout=3600)
        self._connection.request("GET", f"{collection_path}?watch=true&resourceVersion={resource_version}"
                                        f"&timeoutSeconds=3600")
        self._reply = self._connection.getresponse()
        if self._reply.status != 200:
            raise RuntimeError(f"watch refused: {self._reply.status} {self._reply.read()[:200]}")
        self._thread = threading.Thread(target=self._pump, daemon=True)
        self._thread.start()

    def _pump(self):
        try:
            for line in self._reply:
                if not line.strip():
                    continue
                now = time.time()
                # A cheap test first: most events are MODIFIED, and decoding each would cost the bench CPU
                # that the operator should have (json.loads below confirms the type).
                if b'"DELETED"' not in line:
                    with self._lock:
                        self.events += 1
                    continue
                event = json.loads(line)
                with self._lock:
                    self.events += 1
                    if event.get("type") == "DELETED":
                        self.gone_at[event["object"]["metadata"]["name"]] = now
        except Exception:  # noqa: BLE001  closed by stop(): http.client fails in several ways mid-read
            pass

    def count(self):
        with self._lock:
            return len(self.gone_at)

    def snapshot(self):
        with self._lock:
            return dict(self.gone_at)

    def stop(self):
        try:
            self._connection.sock.shutdown(2)
        except OSError:
            pass
        self._connection.close()
