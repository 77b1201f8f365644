"""Telling the text encoding of an uploaded CSV (:func:`text_encoding`): UTF-8 (with or without a byte-order mark),
UTF-16 with a byte-order mark (converted), else a Windows code page (cp1251 Cyrillic or cp1252 Western European).

A file that is not text - binary data, UTF-16 without a byte-order mark or UTF-32 (charset-normalizer tells which) -
is refused, saying what it appears to be. UTF-8 is checked strictly, in chunks: a file that is UTF-8 up to a broken
byte is damaged, not in another encoding, and the error gives the byte's offset and line. Raw bytes are never echoed.
"""

from __future__ import annotations

import codecs
from typing import NamedTuple

import numpy as np

from components.i18n import N_, Msg
from components.imports.source import ImportFileError

SNIFF_BYTES = 1 << 16  # the head of a file looked at to tell text from binary data
CONTROL_SHARE = 0.1  # above this share of control characters (other than tab and line ends) it is not text
_CONTROL_BYTES = np.array([b < 0x20 and b not in (0x09, 0x0A, 0x0B, 0x0C, 0x0D) for b in range(256)])
_CODE_PAGE_LABELS = {"cp1251": N_("Windows-1251 (Cyrillic)"), "cp1252": N_("Windows-1252 (Western European)")}


class Decoded(NamedTuple):
    """A text file's bytes (UTF-16 converted to UTF-8) and how to decode them."""

    data: bytes
    arrow: str  # the encoding name pyarrow's reader takes
    codec: str  # the Python codec
    label: Msg  # what the preview says it was read as


def text_encoding(data: bytes) -> Decoded:
    """How to decode a text file; raises :class:`ImportFileError` for a file that is not text or cannot be
    decoded."""
    _refuse_non_text(data)
    if data.startswith(codecs.BOM_UTF8):
        bad = _first_undecodable(data)
        if bad is None:
            return Decoded(data, "utf8", "utf-8-sig", Msg("UTF-8 with a byte-order mark"))
        _not_decodable(data, bad, Msg("it starts with a UTF-8 byte-order mark but is not valid UTF-8"))
    if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        try:
            return Decoded(data.decode("utf-16").encode("utf-8"), "utf8", "utf-8", Msg("UTF-16 (converted to UTF-8)"))
        except UnicodeDecodeError as exc:
            raise ImportFileError(Msg("it starts with a UTF-16 byte-order mark but cannot be read as UTF-16 ({error})",
                                      error=str(exc))) from None
    bad = None if data.isascii() else _first_undecodable(data)
    if bad is None:
        return Decoded(data, "utf8", "utf-8", Msg("UTF-8"))
    if not data[:bad].isascii():  # UTF-8 text up to a broken byte: a damaged file, not another encoding
        _not_decodable(data, bad, Msg("it is UTF-8 up to this byte, which is not valid UTF-8 (a damaged file?)"))
    for codec in _code_pages(data):
        if _first_undecodable(data, codec) is None:
            return Decoded(data, codec, codec, Msg("{encoding}; the file is not UTF-8",
                                                   encoding=Msg(_CODE_PAGE_LABELS[codec])))
    _not_decodable(data, _first_undecodable(data) or 0, Msg("it is neither UTF-8 nor Windows-1251 nor Windows-1252"))
    raise AssertionError  # unreachable: _not_decodable raises


def _code_pages(data: bytes) -> tuple[str, str]:
    """The Windows code pages to try, likeliest first. Cyrillic text puts non-ASCII bytes next to each other (whole
    words); accented Latin text puts single ones between ASCII letters."""
    high = np.frombuffer(data, dtype=np.uint8) >= 0x80
    paired = int((high[1:] & high[:-1]).sum())
    return ("cp1251", "cp1252") if paired >= 0.4 * int(high.sum()) else ("cp1252", "cp1251")


def _first_undecodable(data: bytes, codec: str = "utf-8") -> int | None:
    """Offset of the first byte that does not decode, or None. Chunked: no copy of the whole file."""
    dec = codecs.getincrementaldecoder(codec)()
    step = 1 << 22
    view = memoryview(data)
    for start in range(0, len(data), step):
        pending = len(dec.getstate()[0])
        try:
            dec.decode(view[start:start + step], final=start + step >= len(data))
        except UnicodeDecodeError as exc:
            return max(0, start + exc.start - pending)
    return None


def _not_decodable(data: bytes, offset: int, why: Msg) -> None:
    line = data.count(b"\n", 0, offset) + 1
    raise ImportFileError(Msg("cannot be decoded: {why} (byte 0x{byte} at byte {offset}, line {line}); save the file "
                              "as UTF-8 CSV", why=why, byte=f"{data[offset]:02x}", offset=offset, line=line))


def _refuse_non_text(data: bytes) -> None:
    """Refuse, saying what it appears to be, a file that is UTF-32 or UTF-16 without a byte-order mark (NUL bytes
    between the characters; charset-normalizer tells which) or binary data."""
    if data.startswith((codecs.BOM_UTF32_LE, codecs.BOM_UTF32_BE)):
        raise ImportFileError(Msg("the file appears to be UTF-32 text: save it as UTF-8 (e.g. 'CSV UTF-8' in Excel)"))
    if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return  # UTF-16 with a byte-order mark is converted
    head = data[:SNIFF_BYTES]
    if b"\x00" in head:
        width = _wide_encoding(head)
        if width == "UTF-16":
            raise ImportFileError(Msg("the file appears to be UTF-16 text without a byte-order mark: save it as UTF-8 "
                                      "(e.g. 'CSV UTF-8' in Excel)"))
        if width == "UTF-32":
            raise ImportFileError(Msg("the file appears to be UTF-32 text: save it as UTF-8 (e.g. 'CSV UTF-8' in "
                                      "Excel)"))
        raise ImportFileError(Msg("the file holds binary data, not text (a NUL byte at byte {offset}), so it is not a "
                                  "CSV; export the data as CSV (UTF-8) or as an Excel workbook (.xlsx)",
                                  offset=head.index(0)))
    controls = int(_CONTROL_BYTES[np.frombuffer(head, dtype=np.uint8)].sum())
    if controls > CONTROL_SHARE * len(head):
        raise ImportFileError(Msg.n(
            "the file holds binary data, not text ({n} control character in its first {size} bytes), so it is not a "
            "CSV; export the data as CSV (UTF-8) or as an Excel workbook (.xlsx)",
            "the file holds binary data, not text ({n} control characters in its first {size} bytes), so it is not a "
            "CSV; export the data as CSV (UTF-8) or as an Excel workbook (.xlsx)", controls, size=len(head)))


def _wide_encoding(head: bytes) -> str | None:
    """'UTF-16' or 'UTF-32' if the bytes read as text in one of them (charset-normalizer's best guess, which must
    decode the head), else None."""
    import charset_normalizer

    best = charset_normalizer.from_bytes(head).best()
    if best is None:
        return None
    name = best.encoding.lower().replace("-", "_")
    for prefix, label in (("utf_32", "UTF-32"), ("utf_16", "UTF-16")):
        if name.startswith(prefix):
            try:
                text = head[: len(head) - len(head) % 4].decode(best.encoding, errors="strict")
            except UnicodeDecodeError:
                return None
            readable = sum(ch.isprintable() or ch in "\t\r\n" for ch in text)
            return label if readable >= 0.95 * len(text) else None
    return None


def head_text(data: bytes, codec: str, limit: int = 1 << 20) -> str:
    """The first ``limit`` bytes decoded (undecodable bytes replaced), to find the header and the delimiter."""
    dec = codecs.getincrementaldecoder(codec)(errors="replace")
    return dec.decode(data[:limit], final=len(data) <= limit)
