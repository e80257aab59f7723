"""Text normalisation for the routing engine (pure functions, no Django).

The pipeline a text goes through before it reaches the model:

1. :func:`strip_email` removes greetings, signatures, disclaimers and quoted replies.
2. :func:`fold` lowercases, folds æ/ø/å to ae/oe/aa and strips other accents.
3. :func:`tokenize` splits into word tokens (hyphenated words give the parts and the joined word).
4. A :class:`Vocabulary` built from the training texts maps the spellings businesses use for words
   with æ/ø/å (``stoej``/``stoj``/``stj`` → ``stoej``) and near-miss typos back to known words, and
   splits unknown compounds into known parts (``udendoersservering`` → ``udendoers`` + ``servering``).
5. :func:`stem` applies the Danish and then the English Snowball stemmer, so that Danish and English
   inflections meet in one feature whatever language the text is in.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable
from functools import lru_cache

import snowballstemmer
from rapidfuzz import fuzz, process

# ---------------------------------------------------------------------------------------------
# Folding

_FOLD_TABLE = str.maketrans({"æ": "ae", "ø": "oe", "å": "aa", "ä": "ae", "ö": "oe", "ü": "ue", "ß": "ss"})


def fold(text: str) -> str:
    """Lowercase, fold æ/ø/å to ae/oe/aa and drop other accents (é → e)."""
    text = unicodedata.normalize("NFKC", text).lower().translate(_FOLD_TABLE)
    if text.isascii():
        return text
    decomposed = unicodedata.normalize("NFKD", text)
    return "".join(c for c in decomposed if not unicodedata.combining(c))


def squash(folded: str) -> str:
    """A looser spelling key used for character n-grams: ae/oe/aa collapse to a/o/a.

    Makes ``stoej`` (from støj), ``stoj`` and ``soeg``/``sog`` share their n-grams.
    """
    return folded.replace("aa", "a").replace("ae", "a").replace("oe", "o")


_SPECIAL = {"æ": ("ae", "a", "e", ""), "ø": ("oe", "o", ""), "å": ("aa", "a", "")}


def danish_letter_variants(word: str, limit: int = 64) -> set[str]:
    """Spellings of ``word`` (lowercase, may contain æ/ø/å) when æ/ø/å are unavailable.

    Each special letter may be written as its two-letter form (ae/oe/aa), as the bare base letter
    (a/o/e) or dropped altogether. The result is folded (other accents removed) and includes the
    canonical ae/oe/aa form.
    """
    word = word.lower()
    out = [""]
    for ch in word:
        options = _SPECIAL.get(ch, (ch,))
        out = [prefix + o for prefix in out for o in options]
        if len(out) > limit:
            # Too many combinations: keep uniform substitutions only.
            return {
                fold(word.translate(str.maketrans({k: v[i % len(v)] for k, v in _SPECIAL.items()})))
                for i in range(4)
            }
    return {fold(v) for v in out}


# ---------------------------------------------------------------------------------------------
# Email clean-up

_GREETING_RE = re.compile(
    r"^\s*(hej|hejsa|hey|hi|hello|dear|kaere|kære|goddag|god dag|godmorgen|good (morning|afternoon|evening)"
    r"|til rette vedkommende|to whom it may concern|att\.?|attention)\b",
    re.IGNORECASE,
)
_CLOSING_RE = re.compile(
    r"^\s*(med )?(venlig(e|ste)?|de bedste|bedste|mange|kaerlig|kærlig|god|varm(e)?) ?hils(en|ner|ener)\b"
    r"|^\s*(mvh|vh|m\.v\.h\.?|hilsen|hilsner|hej hej|ha' en god dag|hav en god dag)\b"
    r"|^\s*(kind|best|warm|warmest)( regards| wishes)?\b[ ,!.]*\w*\s*$"
    r"|^\s*(regards|cheers|sincerely|yours (sincerely|faithfully|truly))\b"
    r"|^\s*(many thanks|thanks|thank you|tak)( (in advance|for (hjaelpen|hjælpen|your help)|"
    r"på forhånd|paa forhaand))?[ ,!.]*$"
    r"|^\s*(sendt fra|sent from|get outlook|hent outlook)\b"
    r"|^\s*--\s*$|^\s*_{3,}\s*$",
    re.IGNORECASE,
)
_DISCLAIMER_RE = re.compile(
    r"(this e-?mail (and any attachments )?(may contain|is confidential|is intended)"
    r"|denne e-?mail (kan indeholde|er fortrolig|er kun)|fortrolighedsmeddelelse|confidentiality notice"
    r"|^\s*(from|fra|sent|sendt|to|til|subject|emne):\s.*@"
    r"|^\s*(-{2,}|_{2,})\s*(original message|oprindelig meddelelse|forwarded message|videresendt)"
    r"|^\s*on .{5,80} wrote:\s*$|^\s*den .{5,80} skrev .{0,80}:\s*$)",
    re.IGNORECASE,
)
_INLINE_CLOSING_RE = re.compile(
    r"[\s,.!]+(med venlig hilsen|venlig hilsen|mvh\.?|vh\.?|kind regards|best regards|regards|hilsen)"
    r"\b[^.?!\n]{0,60}$",
    re.IGNORECASE,
)


def strip_email(text: str) -> str:
    """Remove greeting, sign-off/signature, disclaimers and quoted replies from an email-like text.

    Short texts without such parts come back unchanged (apart from surrounding whitespace).
    """
    lines = text.replace("\r\n", "\n").replace("\r", "\n").split("\n")
    # Quoted replies and disclaimers: cut from the first such line.
    for i, line in enumerate(lines):
        if (line.lstrip().startswith(">") or _DISCLAIMER_RE.search(line)) and any(
            ln.strip() for ln in lines[:i]
        ):
            lines = lines[:i]
            break
    # Greeting on the first non-empty line: drop the greeting line if it is short, else the greeting words.
    for i, line in enumerate(lines):
        if not line.strip():
            continue
        m = _GREETING_RE.match(line)
        if m:
            rest = line[m.end() :]
            if len(line.split()) <= 6 and (
                "," in line
                or line.rstrip().endswith(("!", ":"))
                or len(lines) > 1
                and not re.search(r"[.?]", rest)
            ):
                lines[i] = ""
            else:
                # "Hej, vi har ..." / "Hej Anne. Vi har ..." keep the content after the greeting phrase.
                lines[i] = (
                    re.sub(r"^[^,.!:]{0,40}[,.!:]\s*", "", rest)
                    if re.match(r"^[^,.!:]{0,40}[,.!:]", rest)
                    else rest
                )
        break
    # Sign-off: first closing line after some content; everything after it is the signature.
    seen_content = False
    for i, line in enumerate(lines):
        if _CLOSING_RE.search(line) and seen_content:
            lines = lines[:i]
            break
        if line.strip():
            seen_content = True
    out = "\n".join(lines).strip()
    out = _INLINE_CLOSING_RE.sub("", out) if len(out) > 40 else out
    return out.strip() or text.strip()


# ---------------------------------------------------------------------------------------------
# Tokens

_TOKEN_RE = re.compile(r"§\s?\d+|[a-z0-9]+(?:-[a-z0-9]+)*")
_NOISE_RE = re.compile(r"\S+@\S+|https?://\S+|www\.\S+|\+?\d[\d .-]{6,}\d")

_STOPWORDS_TEXT = """
    og i at det en den til er som paa pa de med han af for ikke der var mig sig men et har om vi min
    havde ham hun nu over da fra du ud sin dem os op man hans hvor eller hvad skal selv her alle vil
    blev kunne ind naar nar vaere vare dog noget ville jo deres efter ned skulle denne end dette mit
    ogsaa ogsa under have dig anden hende mine alt meget sit sine vor mod disse hvis din nogle hos
    blive mange ad bliver hendes vaeret varet thi jer sadan saadan vores jeg kan maa ma faa fa gerne
    hvordan hvorfor hvornaar hvornar hvilke hvilken hvilket hvem hej kaere tak venlig hilsen mvh vh
    bare lige saa sa kun hvis fordi fx evt ca osv nok nogen noget ingen mere mest hver helt godt the
    a an and or of to in on at for from by with is are was were be been being do does did have has
    had i we you he she it they our your my me us them this that these those there here what which
    who whom how when where why can could would should will shall may might must not no yes if then
    than so as also just about into out up down over under again any all some such only own same too
    very please hello hi dear thanks thank regards kind best am its it's im i'm let get got
    tlf tel mob mobil direkte e-mail email mail www
"""
STOPWORDS = frozenset(_STOPWORDS_TEXT.split())

_DA = snowballstemmer.stemmer("danish")
_EN = snowballstemmer.stemmer("english")


@lru_cache(maxsize=200_000)
def stem(token: str) -> str:
    """Stem a folded token with the Danish then the English Snowball stemmer (language-neutral key).

    Danish first: it removes the long Danish endings (-elsen, -erne, -ende) that the English stemmer
    would half-remove; the English pass then takes -ing/-s/-ed, so ``tilladelse``/``tilladelsen``/
    ``tilladelserne`` and ``building``/``buildings`` each meet in one stem.
    """
    if len(token) <= 3 or token[0].isdigit() or token.startswith("§"):
        return token
    # The Danish stemmer expects æ/ø/å; give it the real letters back so its suffix rules apply.
    real = token.replace("ae", "æ").replace("oe", "ø").replace("aa", "å")
    s = _EN.stemWord(_DA.stemWord(real))
    return fold(s)


def tokenize(folded: str) -> list[str]:
    """Word tokens of a folded text. ``a-skilt`` gives ``askilt``, ``a``, ``skilt``; §56 gives ``§56``."""
    folded = _NOISE_RE.sub(" ", folded)
    out: list[str] = []
    for m in _TOKEN_RE.finditer(folded):
        tok = m.group(0)
        if tok.startswith("§"):
            out.append(tok.replace(" ", ""))
            continue
        if "-" in tok:
            parts = [p for p in tok.split("-") if p]
            out.append("".join(parts))
            out.extend(p for p in parts if len(p) > 1)
        else:
            out.append(tok)
    return out


def content_tokens(tokens: Iterable[str]) -> list[str]:
    """Tokens without stopwords and long pure numbers (phone numbers, CVR numbers, years)."""
    return [t for t in tokens if t not in STOPWORDS and not (t.isdigit() and len(t) >= 3)]


# ---------------------------------------------------------------------------------------------
# Vocabulary-aware canonicalisation


class Vocabulary:
    """Known words from the training texts, used to repair spellings and split compounds.

    ``raw_texts`` are the original (unfolded) training texts: words with æ/ø/å are taken from them to
    build the map from their æ/ø/å-less spellings (``stoej``, ``stoj``, ``stj``) to the canonical
    folded word. Typos are repaired with rapidfuzz against the known words; unknown long words are
    split into two known words (Danish linking -s-/-e- allowed).
    """

    def __init__(self, raw_texts: Iterable[str], *, fuzzy_cutoff: float = 84.0):
        counts: dict[str, int] = {}
        special: set[str] = set()
        for text in raw_texts:
            low = unicodedata.normalize("NFKC", text).lower()
            for w in re.findall(r"[a-zæøåäöüé0-9]+", low):
                if any(c in w for c in "æøå"):
                    special.add(w)
            for tok in tokenize(fold(text)):
                counts[tok] = counts.get(tok, 0) + 1
        self.words: frozenset[str] = frozenset(counts)
        variants: dict[str, str] = {}
        for w in special:
            canon = fold(w)
            for v in danish_letter_variants(w):
                if v != canon and v not in counts and len(v) >= 2:
                    # Prefer the most frequent canonical word when two collide.
                    old = variants.get(v)
                    if old is None or counts.get(canon, 0) > counts.get(old, 0):
                        variants[v] = canon
        self.variants = variants
        self.fuzzy_cutoff = fuzzy_cutoff
        self._choices = sorted(w for w in counts if len(w) >= 4 and not w.isdigit())
        # Candidates for typo repair by token length: fuzz.ratio >= ~84 is impossible for words whose
        # lengths differ by more than about a sixth, so only those are compared.
        by_len: dict[int, list[str]] = {}
        for w in self._choices:
            by_len.setdefault(len(w), []).append(w)
        self._by_len = by_len
        self._cache: dict[str, tuple[str, ...]] = {}

    def __getstate__(self):
        state = self.__dict__.copy()
        state["_cache"] = {}
        return state

    def _split(self, tok: str, *, head_only: bool = False) -> tuple[str, ...]:
        """Split a compound into two known words (left may end in a linking -s-/-e-).

        With ``head_only`` the left part may be unknown when the right part (the head, which carries
        the meaning of a Danish compound) is a known word of at least four letters:
        ``overskudsjord`` → ``overskuds`` + ``jord``.
        """
        best: tuple[str, ...] = ()
        best_score = 0
        words = self.words
        variants = self.variants
        for i in range(3, len(tok) - 2):
            left, right = tok[:i], tok[i:]
            right = variants.get(right, right)
            if right not in words:
                continue
            cands = [left]
            if left.endswith(("s", "e")) and len(left) > 3:
                cands.append(left[:-1])
            for lc in cands:
                lc = variants.get(lc, lc)
                if lc in words and len(lc) >= 3:
                    score = min(len(lc), len(right)) + 10
                elif head_only and len(right) >= 4 and len(lc) >= 3 and right not in STOPWORDS:
                    score = len(right)  # prefer the longest known head
                else:
                    continue
                if score > best_score:
                    best, best_score = (lc, right), score
        return best

    def _candidates(self, n: int) -> list[str]:
        if not hasattr(self, "_by_len"):  # models pickled before the length index existed
            return self._choices
        d = max(1, round(n * 0.17))
        out: list[str] = []
        for L in range(n - d, n + d + 1):
            out.extend(self._by_len.get(L, ()))
        return out

    def canon(self, tok: str) -> tuple[str, ...]:
        """Canonical token(s) for one folded token: the repaired word, plus compound parts if any."""
        hit = self._cache.get(tok)
        if hit is not None:
            return hit
        out: tuple[str, ...]
        if tok in self.words or tok in STOPWORDS or tok.isdigit() or tok.startswith("§") or len(tok) < 3:
            out = (tok,)
            if tok in self.words and len(tok) >= 9:
                parts = self._split(tok)
                if parts:
                    out = (tok, *parts)
        elif tok in self.variants:
            out = (self.variants[tok],)
        else:
            parts = self._split(tok) if len(tok) >= 7 else ()
            head_parts = self._split(tok, head_only=True) if len(tok) >= 8 and not parts else ()
            fixed = None
            if len(tok) >= 5 and self._choices:
                cutoff = self.fuzzy_cutoff if len(tok) >= 7 else max(self.fuzzy_cutoff, 88.0)
                m = process.extractOne(
                    tok, self._candidates(len(tok)), scorer=fuzz.ratio, score_cutoff=cutoff
                )
                if m is not None:
                    fixed = m[0]
            if fixed and (not parts or m[1] >= 90):
                out = (fixed,)
            elif parts:
                out = (tok, *parts)
            elif head_parts:
                out = (tok, *head_parts)
            else:
                out = (tok,)
        if len(self._cache) < 100_000:
            self._cache[tok] = out
        return out


def analyse_pairs(
    text: str, vocab: Vocabulary | None = None, *, is_email: bool | None = None
) -> list[tuple[str, str, bool]]:
    """(canonical token, surface word, is_compound_part) triples for the content words of ``text``.

    The surface word is the word as written (lowercased, æ/ø/å kept) so that explanations can show
    ``udendørsservering`` rather than its folded key. Parts of a split compound follow the compound
    with ``is_compound_part=True``. Emails are stripped of greeting and signature first
    (``is_email=None`` decides from the text: several lines or longer than 280 characters).
    """
    if is_email is None:
        is_email = "\n" in text.strip() or len(text) > 280
    if is_email:
        text = strip_email(text)
    low = _NOISE_RE.sub(" ", unicodedata.normalize("NFKC", text).lower())
    out: list[tuple[str, str, bool]] = []
    for m in re.finditer(r"§\s?\d+|[^\W_]+(?:-[^\W_]+)*", low):
        surface = m.group(0)
        for tok in content_tokens(tokenize(fold(surface))):
            if vocab is None:
                out.append((tok, surface, False))
                continue
            for j, c in enumerate(vocab.canon(tok)):
                if c not in STOPWORDS:
                    out.append((c, surface, j > 0))
    return out


def analyse(text: str, vocab: Vocabulary | None = None, *, is_email: bool | None = None) -> list[str]:
    """Folded, repaired content tokens of ``text`` (not stemmed; compound parts excluded)."""
    return [t for t, _, part in analyse_pairs(text, vocab, is_email=is_email) if not part]


_SENT_RE = re.compile(r"(?<=[.!?;:])\s+|\n+")
_CLAUSE_RE = re.compile(
    r",\s+|\s+(?:og|samt|plus|and|also|og\s+ogsaa|derudover|desuden|endelig)\s+", re.IGNORECASE
)


def segments(text: str, *, min_tokens: int = 1) -> list[str]:
    """Sentences and, for long sentences, clauses: the units a multi-matter text is split into."""
    parts = []
    for sent in _SENT_RE.split(text):
        sent = sent.strip()
        if not sent:
            continue
        parts.append(sent)
        if len(sent.split()) >= 8:
            clauses = [c.strip() for c in _CLAUSE_RE.split(sent) if c and c.strip()]
            if len(clauses) > 1:
                parts.extend(clauses)
    out = []
    seen = set()
    for p in parts:
        if p in seen:
            continue
        seen.add(p)
        if len(content_tokens(tokenize(fold(p)))) >= min_tokens:
            out.append(p)
    return out
