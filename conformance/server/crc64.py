"""CRC-64/ECMA-182 as OSS reports it in `x-oss-hash-crc64ecma` (reflected, init and xor-out all ones).

The official SDKs verify this header when present, so it must be exact.
"""

from __future__ import annotations

_POLY = 0xC96C5795D7870F42  # reflected ECMA-182 polynomial
_MASK = 0xFFFFFFFFFFFFFFFF


def _make_table() -> list[int]:
    table = []
    for byte in range(256):
        crc = byte
        for _ in range(8):
            crc = (crc >> 1) ^ _POLY if crc & 1 else crc >> 1
        table.append(crc)
    return table


_TABLE = _make_table()


def crc64_ecma(data: bytes, crc: int = 0) -> int:
    """CRC of `data`, continuing from the CRC of what came before (0 for a fresh start)."""
    crc ^= _MASK
    table = _TABLE
    for byte in data:
        crc = table[(crc ^ byte) & 0xFF] ^ (crc >> 8)
    return crc ^ _MASK
