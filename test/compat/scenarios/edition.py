"""GET /v0/config through the SDK reports the Enterprise edition: the SDK accepts only
"Enterprise" or "Open source", and Feldera's clients enable checkpoint, suspend and sync only
for Enterprise, which Sluice has."""

from feldera.rest.feldera_config import FelderaEdition
from sluice_compat import check, client

edition = client().get_config().edition
check(edition == FelderaEdition.ENTERPRISE, "the Enterprise edition", edition)
print("ok")
