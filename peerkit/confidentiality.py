"""Who may be named where: finding the cohort's members inside free text, and replacing them.

The rule this serves is docs/confidentiality.md. Pure: members and text in, text and a count out.
Redaction, Chatham House minutes and a member's own summary all find names here, one way.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from functools import cached_property

from peerkit.model import Member

#: What a Chatham House record says instead of a member's name.
A_MEMBER = "a member"

# Characters that hide a name from a plain search without changing how it looks: zero-width
# spaces and joiners, direction marks, word joiners, the byte-order mark and the soft hyphen.
_INVISIBLE = re.compile("[\u00ad\u200b-\u200f\u202a-\u202e\u2060-\u2064\ufeff]")
_EMAIL = re.compile(r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+", re.UNICODE)
_SENTENCE_START = re.compile(r"(?:^|[.!?:]\s+|\n\s*)$")


def normalise(text: str) -> str:
    """``text`` in Unicode NFC with invisible characters removed, so that a name typed with a
    zero-width space or in decomposed form is still the same name."""
    return _INVISIBLE.sub("", unicodedata.normalize("NFC", text))


def name_parts(name: str) -> tuple[str, ...]:
    """The words of a name (``"Anna-Lena  van Dijk"`` → ``("Anna-Lena", "van", "Dijk")``)."""
    return tuple(normalise(name).split())


@dataclass(frozen=True)
class Mentions:
    """A search for some members' names and e-mails in text (case-insensitive, whole words)."""

    terms: tuple[str, ...]
    any_email: bool = False

    @cached_property
    def _pattern(self) -> re.Pattern[str] | None:
        # Longest first: "Priya Raman" and "priya@x.org" win over "Priya" alone. A name counts
        # wherever no letter or digit touches it: "@priya", "agreed.Marcus", "priya.raman@…".
        alternatives = [
            r"\s+".join(re.escape(part) for part in term.split())
            for term in sorted(set(self.terms), key=lambda t: (-len(t), t.casefold()))
        ]
        if not alternatives:
            return None
        return re.compile(rf"(?<!\w)(?:{'|'.join(alternatives)})(?!\w)", re.IGNORECASE)

    def _named_email(self, address: str) -> bool:
        """An e-mail address to replace whole: any address (``any_email``), or one holding a
        name searched for ("priya.raman@gmail.com" names Priya Raman whatever her own e-mail)."""
        pattern = self._pattern
        return self.any_email or bool(pattern and pattern.search(address))

    def replace(self, text: str, replacement: str) -> tuple[str, int]:
        """``text`` (normalised) with every mention replaced, and how many were replaced: first
        each e-mail address that names someone, whole, then each name.

        ``"a member"`` becomes ``"A member"`` where it starts a sentence.
        """
        clean = normalise(text)
        if (self._pattern is None and not self.any_email) or not clean:
            return clean, 0
        count = 0

        def swapping(
            within: str, only: Callable[[str], bool] = lambda _: True
        ) -> Callable[..., str]:
            def swap(match: re.Match[str]) -> str:
                nonlocal count
                if not only(match.group(0)):
                    return match.group(0)
                count += 1
                if replacement[:1].islower() and _SENTENCE_START.search(within[: match.start()]):
                    return replacement[:1].upper() + replacement[1:]
                return replacement

            return swap

        clean = _EMAIL.sub(swapping(clean, self._named_email), clean)
        if self._pattern is not None:
            clean = self._pattern.sub(swapping(clean), clean)
        return clean, count

    def found(self, text: str) -> bool:
        clean = normalise(text)
        pattern = self._pattern
        if self.any_email and _EMAIL.search(clean):
            return True
        return bool(pattern and pattern.search(clean))


def mentions_of(
    people: Iterable[Member],
    *,
    others: Sequence[Member] = (),
    any_email: bool = False,
) -> Mentions:
    """The search for ``people``'s full names, e-mails, first and last names.

    A first or last name that is also a word of any of ``others``' names is left out: "Tom" alone
    could be another Tom, and replacing it would pin their words on someone else. A redacted
    member is searched for by the name they now have (``Former member 12``) only. ``any_email``
    also finds every e-mail address, a member's or not.
    """
    taken = {part.casefold() for other in others for part in name_parts(other.name)}
    terms: list[str] = []
    for person in people:
        parts = name_parts(person.name)
        if not parts:
            continue
        terms.append(" ".join(parts))
        if person.email:
            terms.append(normalise(person.email).strip())
        if person.redacted:
            continue
        for part in {parts[0], parts[-1]}:
            if len(part) >= 2 and part.casefold() not in taken:
                terms.append(part)
    return Mentions(tuple(terms), any_email=any_email)
