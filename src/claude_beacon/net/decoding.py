"""Bodies decoded under a byte cap, as they arrive: a compressed bomb is refused, not inflated.

Only ``gzip`` is asked for (and ``deflate`` accepted, as some servers send it unasked); any
other encoding, or encodings stacked on each other (``gzip, gzip`` turns 1.8 KB into GBs), is
refused. Each chunk is inflated to at most one byte past what the cap still allows, so memory
and CPU stay bounded by the cap whatever the compression ratio.
"""

from __future__ import annotations

import zlib
from collections.abc import Iterable

ACCEPT_ENCODING = "gzip"
DECODERS = {"gzip": 16 + zlib.MAX_WBITS, "x-gzip": 16 + zlib.MAX_WBITS, "deflate": zlib.MAX_WBITS}


class Refused(Exception):  # noqa: N818 - what the caller tells the user, not a bug
    """The body cannot be taken: an encoding not asked for, or over the cap."""

    def __init__(self, message: str, too_large: bool = False) -> None:
        super().__init__(message)
        self.too_large = too_large


def encodings(header: str) -> list[str]:
    """The encodings of a ``Content-Encoding`` header, ``identity`` left out."""
    found = [token.strip().lower() for token in header.split(",")]
    return [token for token in found if token and token != "identity"]


def decoded(chunks: Iterable[bytes], content_encoding: str, max_bytes: int) -> Iterable[bytes]:
    """The body's bytes, decoded; ``Refused`` before more than ``max_bytes`` are produced."""
    applied = encodings(content_encoding)
    if len(applied) > 1:
        raise Refused(f"the answer is encoded {len(applied)} times over ({content_encoding})")
    if applied and applied[0] not in DECODERS:
        raise Refused(f"the answer is in an encoding that was not asked for ({applied[0]})")
    size = 0
    inflater = zlib.decompressobj(DECODERS[applied[0]]) if applied else None
    raw_deflate = applied == ["deflate"]
    for chunk in chunks:
        if inflater is None:
            out = chunk
        else:
            room = max_bytes - size
            try:
                out = inflater.decompress(chunk, room + 1)
            except zlib.error as exc:
                if not (raw_deflate and size == 0):
                    raise Refused(f"the answer's compression is broken ({exc})") from None
                inflater, raw_deflate = zlib.decompressobj(-zlib.MAX_WBITS), False
                out = inflater.decompress(chunk, room + 1)  # deflate sent without its header
            if inflater.unconsumed_tail:
                out += b"x"  # more was waiting: the cap is passed either way
        size += len(out)
        if size > max_bytes:
            raise Refused(f"over {max_bytes} bytes", too_large=True)
        yield out
