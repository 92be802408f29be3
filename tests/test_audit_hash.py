"""An entry's hash is the one every stored chain was written with (issue 31 wrote the payload
out instead of through ``canonical``): the pinned hashes below were computed by the code
before that change (commit d4d3e9a), and the payload equals ``canonical`` for any text."""

import hashlib
import random
from datetime import datetime, timedelta, timezone

from pliktvakt.audit import _hashed, canonical, entry_hash

AT = datetime(2026, 3, 1, 7, 30, tzinfo=timezone.utc)


def test_the_hashes_of_chains_already_stored_are_unchanged():
    details = '{"evidence":"Sendt «AID» \\"ok\\" \\u0007\\t æøå 🙂"}'
    assert (
        entry_hash(7, AT, "kari@imdi.no", "occurrence.completed", "aarsrapport/2025", details, "a" * 64)
        == "2ebc6e64c9a817a6fd34f0abbfe9787536fb96ec67ccabd9e77931d9f70ad9ce"
    )
    # A naive time is stored UTC (SQLite gives it back so).
    assert (
        entry_hash(1, datetime(2026, 3, 1, 8, 30), "drift", "x", "y/z", "{}", "0" * 64)
        == "f575f5f2ff3ec6b4dac0d35417c3bdb5aca86303e8d9ea988e76edd122169a24"
    )


def test_the_payload_is_canonical_for_any_text():
    rng = random.Random(31)
    alphabet = 'aæ"\\/\n\t\x00\x1f\x7f\u2028«🙂{}:,' + "".join(map(chr, range(32, 127)))
    for _ in range(2_000):
        texts = ["".join(rng.choices(alphabet, k=rng.randint(0, 12))) for _ in range(5)]
        seq = rng.randint(1, 10**12)
        at = AT + timedelta(seconds=rng.randint(0, 10**8))
        by_canonical = canonical(_hashed(seq, at.isoformat(), *texts))
        assert entry_hash(seq, at, *texts) == hashlib.sha256(by_canonical.encode("utf-8")).hexdigest()
