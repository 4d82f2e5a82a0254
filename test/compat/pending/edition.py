# Pending: proves issue 9, item 4 (Edition).
# Fails today (main f266f0f, 2026-11-30): AssertionError: expected the Enterprise edition, got
#   <FelderaEdition.OPEN_SOURCE: 'Open source'>.
"""GET /v0/config through the SDK reports the Enterprise edition: the SDK accepts only
"Enterprise" or "Open source", and Feldera's clients enable checkpoint, suspend and sync only
for Enterprise, which Sluice has."""

from feldera.rest.feldera_config import FelderaEdition
from sluice_compat import check, client

edition = client().get_config().edition
check(edition == FelderaEdition.ENTERPRISE, "the Enterprise edition", edition)
print("ok")
