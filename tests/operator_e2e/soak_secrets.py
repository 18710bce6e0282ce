"""The secrets grep of the soak: text gathered from every place a password could leak to (the operators' logs,
Events, ZenlayerPort statuses, /metrics, what both emulators recorded), kept by source, and searched for each
password in the forms a leak would take (as is, base64 as in a Secret's data, URL-encoded)."""

import base64
import urllib.parse


def leak_forms(password):
    """The strings whose presence means the password leaked: itself, its base64 (a Secret's data copied out) and
    its URL encoding (a query string logged)."""
    forms = {password, base64.b64encode(password.encode()).decode(), urllib.parse.quote(password, safe="")}
    return sorted(forms)


class SecretsScan:
    """Collected text by source name. Snapshots are appended (a status or Event may exist for one wave only)."""

    def __init__(self, passwords):
        self.forms = sorted({form for p in passwords for form in leak_forms(p)})
        self.texts = {}

    def add(self, source, text):
        if text:
            self.texts.setdefault(source, []).append(text)

    def bytes_by_source(self):
        return {source: sum(len(t.encode()) for t in texts) for source, texts in sorted(self.texts.items())}

    def leaks(self):
        """[(source, form)] for every password form found in a source's text."""
        found = []
        for source, texts in sorted(self.texts.items()):
            for form in self.forms:
                if any(form in t for t in texts):
                    found.append((source, form[:4] + "…"))  # never print the password itself
        return found
