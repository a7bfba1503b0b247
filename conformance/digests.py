"""Digests the suite computes itself to check a server's reply headers (CRC-64/ECMA-182 of x-oss-hash-crc64ecma).

Written apart from the reference server's CRC (crcmod's, in C) on purpose, bit by bit from the definition: the
suite and the server must not share code, so that a mistake in one is caught by the other.
"""

from __future__ import annotations

ECMA_182_REFLECTED = 0xC96C5795D7870F42
ALL_ONES = (1 << 64) - 1


def crc64_ecma(data: bytes) -> int:
    """CRC-64/XZ (ECMA-182 polynomial, reflected, initial value and final xor all ones), as OSS reports it."""
    crc = ALL_ONES
    for byte in data:
        crc ^= byte
        for _ in range(8):
            crc = (crc >> 1) ^ (ECMA_182_REFLECTED if crc & 1 else 0)
    return crc ^ ALL_ONES
