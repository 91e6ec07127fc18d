"""Checks that the message catalogues read right: Québec French (fr-CA) and English.

Run it with ``python -m bot.kernel.catalogue_lint`` (exit status 1 and one line per problem when
something is wrong); ``--fix`` first rewrites the French spacing (the only thing a machine
can fix safely), then checks. ``tests/test_catalogue_french.py`` runs the same check, so a
new message that breaks a rule fails the test suite with the file, key and what to write.

Rules, each with the name a problem is reported under:

``abbreviated`` — no plural or gender hacks: "demande(s)", "suspendu(e)", "mentoré·e",
    "prévenu/e", "person(s)". A number is shown with a plural table (below); a person is
    written inclusively (below).

``plural-table`` — a number placeholder directly followed by a word ("{count} actifs",
    "{days} days") must be in a plural table chosen by ``count`` (``one``/``other``, Babel's
    CLDR rules: French 0 and 1 are singular, English only 1). Numbers that are always 2 or
    more by construction (``ALWAYS_MANY``: maximum lengths) and invariable words ("h",
    "mois", "%") are allowed.

``agreement`` — every plural table is rendered with count = 0, 1 and 2 in both languages;
    the word after the number must be singular or plural accordingly ("1 actifs", "0
    mentors" in French, "1 mentors" or "2 mentor" in English fail). Words that do not vary or
    that we cannot judge are listed in the ``*_UNCHECKED`` sets.

``fr-CA`` — French as it is written in Québec, per the Office québécois de la langue
    française (OQLF, Banque de dépannage linguistique and Grand dictionnaire terminologique):
    ``QUEBEC_TERMS`` lists the France-only words we replace ("mail" → "courriel",
    "week-end" → "fin de semaine", "planning" → "horaire", "chatter" → "clavarder",
    "mobile"/"portable" → "cellulaire", "manager" → "gestionnaire", "créneau" → "plage
    horaire", "agenda" → "calendrier", …). "Rendez-vous" is standard in Québec and stays.

``inclusive`` — one convention, the OQLF's for running text: *doublets complets* and
    *formulations épicènes*, never abbreviated doublets. The OQLF recommends full doublets
    in running text and accepts abbreviated ones only where space is tight (tables, forms),
    with parentheses or brackets; it does not retain the point médian, the slash or the
    dot ("Rédaction épicène — doublets abrégés", "Signes non retenus pour former des
    doublets abrégés", vitrinelinguistique.oqlf.gouv.qc.ca). Chat messages are running
    text, so here:
    - a mentee is a *personne mentorée* (épicène); a mentor is a *mentor ou mentore* (the
      GDT gives "mentor n. m., mentore n. f." and rejects "femme mentor"), or the sentence
      is reworded so that no role noun is needed ("accepte de vous accompagner");
    - coordinators are *l'équipe de coordination* (a collective noun);
    - nothing agrees in gender with the reader ("vous") or with a named person ("{name}"):
      "Prêt·e à planifier ?" becomes "Voulez-vous planifier ?", "{name} est suspendu(e)"
      becomes "La participation de {name} est suspendue".
    ``MASCULINE_ROLES`` lists the role nouns that must appear épicène or in a doublet;
    ``GENDERED_WORDS`` lists agreements that mean a sentence was written for one gender.
    Words glued to command syntax ("@mentor", "mentors|mentees") are syntax, not prose.

``typography`` — French spacing per the OQLF table "Espacement avant et après les signes de
    ponctuation et les symboles" (vitrinelinguistique.oqlf.gouv.qc.ca/22039):
    - a no-break space (U+00A0) before ":" and inside « guillemets »;
    - before ";", "!" and "?" the OQLF advises the *espace fine* when it is available,
      and no space at all otherwise; chat clients render Unicode, so we use the narrow
      no-break space (U+202F) — consistently, never an ordinary space;
    - « » for quotations, never straight double quotes; the ellipsis character "…";
    - one apostrophe everywhere, the straight "'" (what keyboards type, so the labels
      people type back match; the OQLF table shows "’", but mixing both is the fault);
    - times with the symbol "h" set apart by no-break spaces: "17 h", "9 h 30", never
      "17h" (OQLF, "Écriture des heures"); a no-break space before "%" and as the
      thousands separator ("2 000");
    - "no" for numéro (OQLF), not the degree sign "n°".
    ``--fix`` sets these spaces; it never changes words.
"""

from __future__ import annotations

import argparse
import re
import sys
import tomllib
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path
from string import Formatter

from babel import Locale

from bot.kernel.i18n import LANGUAGES, flatten, plural_by, plural_forms

NBSP = "\u00a0"  # espace insécable
NNBSP = "\u202f"  # espace fine insécable

# --- word lists (documented in the module docstring) ----------------------------------------

# Messages written in both languages at once, "English / Français": the French typography
# rules apply to the part after " / ".
BILINGUAL = frozenset({"language.ask"})

# Placeholders that hold a number the caller formats (or a count).
NUMERIC = frozenset({
    "count", "number", "days", "weeks", "months", "hours", "minutes", "limit", "max", "min",
    "length", "tables", "rows", "lessons", "rules", "pairs", "mentees", "mentors", "active",
    "paused", "pending", "at_risk", "total", "done", "gain", "rank", "score", "points", "p10",
    "lowest", "n", "people",
})
# Numbers that are never 0 or 1: a maximum or minimum length, the length of a text that
# went over such a maximum. "{limit} caractères" is always plural.
ALWAYS_MANY = frozenset({"limit", "max", "min", "length"})
# Words after a number that never vary with it, or that are not the counted noun.
INVARIABLE = {
    "fr": frozenset({
        "h", "min", "%", "mois", "fois", "sans", "en", "de", "sur", "à", "et", "ou", "par",
        "«", "/", "·", "—", "–", "ans", "points", "pts",  # "points" only in "+{points} ·"
    }),
    "en": frozenset({"h", "min", "%", "of", "and", "or", "per", "to", "in", "·", "—", "–", "/"}),
}
# Adjectives in English do not agree: skip them to reach the noun ("2 other mentors").
EN_ADJECTIVES = frozenset({
    "other", "more", "shared", "pending", "new", "active", "open", "free", "unmatched",
    "extra", "common", "available",
})
# Words whose number we cannot judge from their ending.
FR_UNCHECKED = frozenset({  # "autre(s)" is checked through the noun that follows; verbs
    "autre", "autres", "a", "ont", "est", "sont", "aurait", "auraient", "n'a", "n'ont",
})
EN_UNCHECKED = frozenset({
    "held", "called", "awaiting", "dismissed", "without", "with", "is", "are", "has", "have",
    "people", "person", "more", "would", "will", "can", "could", "should", "may",
})
EN_SINGULAR_S = frozenset({"is", "has", "was", "this", "plus", "us", "less", "bonus", "status"})

# France-only word (regex, case-insensitive) -> the Québec word.
QUEBEC_TERMS: tuple[tuple[str, str], ...] = (
    (r"e-?mails?|mails?|m[ée]ls?", "courriel"),
    (r"week-?ends?", "fin de semaine"),
    (r"planning", "horaire (ou calendrier)"),
    (r"t?chatt?(?:er|ez|e|s)?", "clavarder"),
    (r"(?:t[ée]l[ée]phone |num[ée]ro de )?(?:mobile|portable)s?", "cellulaire"),
    (r"sms", "texto"),
    (r"gsm", "cellulaire"),
    (r"managers?", "gestionnaire"),
    (r"cr[ée]neaux?", "plage horaire"),
    (r"agendas?", "calendrier"),
    (r"parkings?", "stationnement"),
    (r"alternance", "stage (alternance travail-études)"),
    (r"pseudos?", "nom d'utilisateur"),
    (r"d[ée]jeuner", "dîner ou déjeuner, ambigus entre la France et le Québec : « midi »"),
    (r"candidater", "postuler"),
)
_QUEBEC = tuple((re.compile(rf"(?<![\w@/|<=-])(?:{pattern})(?![\w|>=-])", re.IGNORECASE), fix)
                for pattern, fix in QUEBEC_TERMS)

# Masculine role nouns -> their feminine; allowed in a doublet ("mentor ou mentore") or an
# épicène phrase ("personne mentorée").
MASCULINE_ROLES: dict[str, str] = {
    "mentor": "mentore", "mentors": "mentores",
    "mentoré": "mentorée", "mentorés": "mentorées",
    "coordinateur": "coordinatrice", "coordinateurs": "coordinatrices",
    "coordonnateur": "coordonnatrice", "coordonnateurs": "coordonnatrices",
    "participant": "participante", "participants": "participantes",
    "utilisateur": "utilisatrice", "utilisateurs": "utilisatrices",
    "étudiant": "étudiante", "étudiants": "étudiantes",
    "apprenti": "apprentie", "apprentis": "apprenties",
    "dirigeant": "dirigeante", "dirigeants": "dirigeantes",
    "collègues": "collègues",  # épicène: never flagged, listed to document it
}
EPICENE = (r"personnes? mentor[ée]es?", r"personnes? participantes?", r"personnes? mentores?",
           r"noms? d'utilisateur")  # "nom d'utilisateur" is the OQLF term for a username
# Agreements that assume the reader's or a named person's gender (the bot itself may agree
# as « l'assistant », a thing: "Désolé" is fine). A pattern, since "Votre profil est prêt"
# agrees with "profil" and is fine.
_AGREEING = r"(?:prêt|satisfait|inactif|prévenu|content|averti|ravi|inscrit|accompagné|seul|" \
    r"respectueux|arrêté|suspendu|revenu|connecté|sûr)e?s?"
GENDERED_PATTERNS: tuple[tuple[str, str], ...] = (
    (rf"\b(?:vous|soyez|restez)\b[^.?!:;«»]{{0,30}}?\b{_AGREEING}(?![\w-])",
     "agrees with the reader"),
    (r"^\W*prête?s?(?![\w-])", "agrees with the reader"),
    (rf"(?:^|[.?!:;]\s)\s*\{{\}}\s+(?:est|sera|a été|était|n'est|n'était)\b[^.?!:;]{{0,20}}?"
     rf"\b{_AGREEING}(?![\w-])", "agrees with the named person"),
    (r"\b(?:à tous|tous les deux|tous deux|vous tous|être le premier|être le seul)\b",
     "masculine plural or singular for people: « les deux », « tout le monde »"),
)
_GENDERED = tuple((re.compile(p, re.IGNORECASE | re.MULTILINE), why)
                  for p, why in GENDERED_PATTERNS)

_ARTICLES = r"(?:(?:une?|la|le|les|des|du|de la|votre|vos|son|sa|ses|leur|leurs|cette|ce|aucune?|" \
    r"chaque|toute?s?) )?"
_WORD = re.compile(r"[^\W\d_][\w'’-]*")
_SYNTAX = re.compile(r"[@/|<=][\w|:=<>…-]*|[\w-]+(?:[|=][\w…-]*)+")

# --- the check ------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Problem:
    file: str
    key: str
    rule: str
    detail: str

    def __str__(self) -> str:
        return f"{self.file}: {self.key}: [{self.rule}] {self.detail}"


Entry = str | dict[str, str]


def load(directory: Path) -> dict[str, dict[str, tuple[str, Entry]]]:
    """{lang: {key: (file name, entry)}} for every catalogue file in `directory`."""
    found: dict[str, dict[str, tuple[str, Entry]]] = {lang: {} for lang in LANGUAGES}
    for path in sorted(directory.glob("*.toml")):
        parts = path.stem.rsplit(".", 1)
        if len(parts) != 2 or parts[1] not in LANGUAGES:
            continue
        messages: dict[str, Entry] = {}
        flatten("", tomllib.loads(path.read_text(encoding="utf-8")), messages)
        for key, entry in messages.items():
            found[parts[1]][key] = (path.name, entry)
    return found


def lint(directory: Path) -> list[Problem]:
    """Every problem in the catalogues of `directory`, in file and key order."""
    problems: list[Problem] = []
    for lang, messages in load(directory).items():
        for key, (file, entry) in sorted(messages.items(), key=lambda kv: (kv[1][0], kv[0])):
            for rule, detail in _check(lang, key, entry):
                problems.append(Problem(file, key, rule, detail))
    return problems


def _check(lang: str, key: str, entry: Entry) -> Iterator[tuple[str, str]]:
    texts = [entry] if isinstance(entry, str) else list(plural_forms(entry).values())
    for text in texts:
        yield from _abbreviated(text)
        if lang == "fr":
            prose = _prose(text)
            yield from _quebec(prose)
            yield from _inclusive(prose)
            yield from _gendered(re.sub(r"\{[^{}]*\}", "{}", text))
            # Asked before the language is known: "English? / Français ?" — French half only.
            yield from _typography(text.split(" / ", 1)[-1] if key in BILINGUAL else text)
    if isinstance(entry, str):
        yield from _needs_table(lang, entry)
    else:
        yield from _agreement(lang, entry)


_ABBREVIATED = re.compile(
    r"[^\W\d_]\((?:e|s|es|x|ne|le|euse|trice|ive|ère)\)"  # demande(s), suspendu(e)
    r"|[^\W\d_][·•∙.](?:e|es|s)\b"  # mentoré·e, prévenu.e
    r"|[^\W\d_]/(?:e|es|s)\b"  # prêt/e
    r"|\bun·e\b|\b(?:il|elle)/(?:il|elle)\b",
    re.IGNORECASE,
)


def _abbreviated(text: str) -> Iterator[tuple[str, str]]:
    for match in _ABBREVIATED.finditer(text):
        yield "abbreviated", (
            f"{match.group()!r}: write a plural table (count) or an inclusive wording "
            "(doublet complet, épicène)")


def _placeholders(text: str) -> Iterator[tuple[str, str]]:
    """(name, the text right after it) for each {name} in `text`."""
    position = 0
    for literal, name, _spec, _conv in Formatter().parse(text):
        position += len(literal)
        if name is None:
            continue
        end = text.index("}", position) + 1
        yield name, text[end:]
        position = end


def _needs_table(lang: str, text: str) -> Iterator[tuple[str, str]]:
    for name, after in _placeholders(text):
        if name not in NUMERIC or name in ALWAYS_MANY:
            continue
        if _ID_BEFORE.search(text[: len(text) - len(after) - len(name) - 2]):
            continue  # "report #{number}", "signalement no {number}": an id, not a count
        word = _next_word(after)
        if word and word.lower() not in INVARIABLE[lang]:
            yield "plural-table", (
                f"'{{{name}}} {word}': a number followed by a word needs a plural table "
                "chosen by count (one/other), or a wording where nothing agrees with it")


_ID_BEFORE = re.compile(r"(?:#|\bno[ \u00a0]|\bn°[ \u00a0]?)$", re.IGNORECASE)


def _next_word(after: str) -> str:
    match = re.match(r"[ \u00a0\u202f]+([^\s{]+)", after)
    if not match:
        return ""
    token = match.group(1)
    word = _WORD.match(token)
    return word.group() if word else (token if token in {"%", "«"} else "")


_NUMBER_WORD = re.compile(r"(?<![\w/.,+-])(\d+)[ \u00a0\u202f]+([^\W\d_][\w'-]*)(?:[ \u00a0]+"
                          r"([^\W\d_][\w'-]*))?")


def _agreement(lang: str, table: dict[str, str]) -> Iterator[tuple[str, str]]:
    locale = Locale.parse(lang)
    forms = plural_forms(table)
    for count in (0, 1, 2):
        category = locale.plural_form(count)
        text = forms.get(category) or forms.get("other", "")
        rendered = _render(text, count, plural_by(table))
        for match in _NUMBER_WORD.finditer(rendered):
            if int(match.group(1)) != count:
                continue
            words = [w for w in match.group(2, 3) if w]
            wrong = _disagrees(lang, count, words)
            if wrong:
                yield "agreement", f"count={count} reads {match.group(0)!r} ({wrong})"


def _render(text: str, count: int, by: str) -> str:
    values = {}
    for _literal, name, _spec, _conv in Formatter().parse(text):
        if name:
            values[name] = str(count) if name in NUMERIC or name == by else "Alex"
    try:
        return text.format(**values)
    except (KeyError, IndexError, ValueError):
        return text


def _disagrees(lang: str, count: int, words: list[str]) -> str:
    """Why the noun after `count` has the wrong number, or ""."""
    if lang == "en":
        while words and words[0].lower() in EN_ADJECTIVES:
            words = words[1:]
        if not words or words[0].lower() in EN_UNCHECKED | INVARIABLE["en"]:
            return ""
        word = words[0].lower()
        plural = word.endswith("s") and word not in EN_SINGULAR_S
        if count == 1 and plural:
            return f"'{words[0]}' should be singular"
        if count != 1 and not plural:
            return f"'{words[0]}' should be plural"
        return ""
    word = words[0].lower()
    if word in INVARIABLE["fr"] or word in FR_UNCHECKED:
        return ""
    plural = word[-1] in "sxz"
    if count <= 1 and plural:
        return f"'{words[0]}' devrait être au singulier (0 et 1 sont singuliers en français)"
    if count >= 2 and not plural:
        return f"'{words[0]}' devrait être au pluriel"
    return ""


def _prose(text: str) -> str:
    """`text` without placeholders and command syntax, for the word rules."""
    text = re.sub(r"\{[^{}]*\}", " ", text)
    return _SYNTAX.sub(" ", text)


def french_wording(text: str) -> list[tuple[str, str]]:
    """The fr-CA and reader-agreement rules alone, for longer French texts than messages
    (the micro-lessons, tests/test_lessons_french.py): (rule, what to write)."""
    return [*_quebec(_prose(text)), *_gendered(text)]


def _quebec(prose: str) -> Iterator[tuple[str, str]]:
    for pattern, fix in _QUEBEC:
        for match in pattern.finditer(prose):
            yield "fr-CA", f"'{match.group()}' is France-only wording: write « {fix} »"


def _inclusive(prose: str) -> Iterator[tuple[str, str]]:
    masked = prose
    for epicene in EPICENE:
        masked = re.sub(epicene, " ", masked, flags=re.IGNORECASE)
    for masculine, feminine in MASCULINE_ROLES.items():
        if masculine == feminine:
            continue
        doublet = (rf"\b{masculine} (?:ou|et|ni) {_ARTICLES}{feminine}\b"
                   rf"|\b{feminine} (?:ou|et|ni) {_ARTICLES}{masculine}\b")
        masked = re.sub(doublet, " ", masked, flags=re.IGNORECASE)
    for masculine, feminine in MASCULINE_ROLES.items():
        if masculine == feminine:
            continue
        if re.search(rf"(?<![\w-]){masculine}(?![\w-])", masked, flags=re.IGNORECASE):
            yield "inclusive", (
                f"'{masculine}' alone is the masculine generic: write « {masculine} ou "
                f"{feminine} » or an épicène wording (personne mentorée, équipe de coordination)")


def _gendered(text: str) -> Iterator[tuple[str, str]]:
    for pattern, why in _GENDERED:
        for match in pattern.finditer(text):
            yield "inclusive", (f"'{match.group().strip()}' {why}: reword so that nothing "
                                "agrees with a person's gender (OQLF: formulation épicène)")


_COLON = re.compile(r"(.)?:(?=\s|$|\*|_)", re.DOTALL)
_HIGH = re.compile(r"(.)?([;!?])(?=\s|$|[*_»)\"]|[!?])", re.DOTALL)


def _typography(text: str) -> Iterator[tuple[str, str]]:
    shown = text.replace(NBSP, "⍽").replace(NNBSP, "ˆ")
    for match in _COLON.finditer(text):
        if match.group(1) != NBSP:
            yield "typography", _near(shown, match.end(), "a no-break space (U+00A0) before ':'")
    for match in _HIGH.finditer(text):
        if match.group(1) != NNBSP and match.group(1) not in {"!", "?"}:
            yield "typography", _near(
                shown, match.end(), f"a narrow no-break space (U+202F) before '{match.group(2)}'")
    for match in re.finditer(r"«(.)", text):
        if match.group(1) != NBSP:
            yield "typography", _near(shown, match.end(), "a no-break space after '«'")
    for match in re.finditer(r"(.)»", text):
        if match.group(1) != NBSP:
            yield "typography", _near(shown, match.end(), "a no-break space before '»'")
    for bad, rule in (("\"", "« » for quotations"), ("“", "« » for quotations"),
                      ("”", "« » for quotations"), ("’", "the straight apostrophe '"),
                      ("...", "the ellipsis …")):
        if bad in text:
            yield "typography", f"{bad!r}: use {rule}"
    prose = re.sub(r"«[^»]*»", "«»", text)  # quoted syntax (« 12h ») keeps its form
    for match in re.finditer(r"\b\d{1,2}(?:[ ]?h(?:\s?\d{2})?\b|h)", prose):
        clock = match.group()
        if re.fullmatch(r"\d{1,2}\u00a0h(?:\u00a0\d{2})?", clock) is None:
            yield "typography", f"{clock!r}: write times as '17{NBSP}h', '9{NBSP}h{NBSP}30' " \
                                "(no-break spaces, OQLF)".replace(NBSP, "⍽")
    for match in re.finditer(r"\d[ ]\d{3}\b|\S[ ]%|\}[ ](?:h|%|min)\b", prose):
        yield "typography", f"{match.group()!r}: a no-break space in numbers and before a unit"
    if re.search(r"\b[Nn]°", text):
        yield "typography", "'n°': write 'no' (OQLF)"


def _near(shown: str, end: int, what: str) -> str:
    start = max(0, end - 25)
    return f"…{shown[start:end]}…: needs {what}".replace("\n", "⏎")


# --- fixing the spacing -----------------------------------------------------------------------


def fix_spacing(text: str) -> str:
    """French spacing for one catalogue string (or a whole file): the spaces only."""
    # In a raw TOML line, the closing quote of the string also ends a sentence.
    text = re.sub(r"(?<=[^\s\u00a0])[ \u202f]?:(?=\s|$|[*_\"\\])", NBSP + ":", text)
    text = re.sub(r"(?<=[^\s!?])[ \u00a0]?([;!?])(?=\s|$|[*_»)\"\\]|[!?])", NNBSP + r"\1", text)
    text = re.sub(r"«[ ]?(?=\S)", "«" + NBSP, text)
    text = re.sub(r"(?<=\S)[ ]?»", NBSP + "»", text)
    # Quoted syntax (« 12h » in a config file's format) keeps its form.
    parts = re.split(r"(«[^»]*»)", text)
    for index in range(0, len(parts), 2):
        part = re.sub(r"\b(\d{1,2})[ ]?h[ ]?(\d{2})\b", rf"\1{NBSP}h{NBSP}\2", parts[index])
        part = re.sub(r"\b(\d{1,2})[ ]?h(?![A-Za-z])", rf"\1{NBSP}h", part)
        part = re.sub(r"(?<=\d) (?=\d{3}\b)", NBSP, part)
        part = re.sub(r"(?<=\}) (?=(?:h|%|min)\b)", NBSP, part)
        parts[index] = re.sub(r"(?<=\S) %", NBSP + "%", part)
    return "".join(parts)


def fix_file(path: Path) -> bool:
    """Rewrite the French spacing of one catalogue file's strings; True when it changed."""
    before = path.read_text(encoding="utf-8")
    lines = []
    for line in before.splitlines(keepends=True):
        # Only string values: keys, table names and comments are left as they are.
        match = re.match(r'(\s*[\w.-]+\s*=\s*)(.*)$', line, re.DOTALL)
        if line.lstrip().startswith(("#", "[")):
            lines.append(line)
        elif match:
            lines.append(match.group(1) + fix_spacing(match.group(2)))
        else:
            lines.append(fix_spacing(line))  # a line inside a multi-line string
    after = "".join(lines)
    if after == before:
        return False
    tomllib.loads(after)  # never write a file TOML cannot read
    path.write_text(after, encoding="utf-8")
    return True


# --- command line ------------------------------------------------------------------------------


def default_directory() -> Path:
    return Path(__file__).resolve().parent.parent.parent / "content" / "i18n"


def main(argv: Iterable[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bot.kernel.catalogue_lint", description=(
        "Check the FR/EN message catalogues: plurals, fr-CA wording, inclusive writing and "
        "French typography."))
    parser.add_argument("directory", nargs="?", type=Path, default=default_directory())
    parser.add_argument("--fix", action="store_true",
                        help="set the French no-break spaces first (words are never changed)")
    args = parser.parse_args(list(argv) if argv is not None else None)
    if args.fix:
        for path in sorted(args.directory.glob("*.fr.toml")):
            if fix_file(path):
                print(f"fixed spacing: {path.name}")
    problems = lint(args.directory)
    for problem in problems:
        print(problem)
    print(f"problems: {len(problems)}" if problems else "catalogues OK", file=sys.stderr)
    return 1 if problems else 0


if __name__ == "__main__":
    raise SystemExit(main())
