"""What a coordinator types after `/admin`, made forgiving: the commands grouped the way a
working day uses them, one command explained with an example (`/admin help match`), a
French name for every command (`/admin aide`, `/admin jumeler`, `/admin personne`), and
"did you mean /admin person?" for a mistyped one.

Pure: names in, names out (the catalogue keys are built here, the texts read by the caller).
"""

from __future__ import annotations

import unicodedata
from collections.abc import Iterable

from rapidfuzz.distance import DamerauLevenshtein

# The order of a coordinator's day: look, match, reach people, keep everyone safe, then the
# data and the settings. A command no section names is listed last ("other"), so a new one
# is never hidden.
SECTIONS: tuple[tuple[str, tuple[str, ...]], ...] = (
    ("day", ("stats", "insight", "unmatched", "waiting", "requests", "pairs", "person",
             "digest")),
    ("matching", ("match", "end", "cohort", "cohort-window", "weights", "pending", "approve",
                  "decline")),
    ("people", ("import", "invitations", "broadcast", "recognise")),
    ("safety", ("reports", "case", "note", "held", "unsuspend")),
    ("data", ("export", "audit", "content", "lessons", "grant", "revoke", "help")),
)

# Other names for each command, written folded (lower case, no accents): French first, the
# one `/admin help <command>` shows; then other spellings people type.
ALIASES: dict[str, tuple[str, ...]] = {
    "help": ("aide",),
    "digest": ("bilan", "bilan-hebdo"),
    "stats": ("statistiques", "statistique", "chiffres", "statistics"),
    "insight": ("analyse", "analyses", "graphiques"),
    "unmatched": ("seules", "sans-binome", "sans-mentor"),
    "waiting": ("attente", "liste-attente", "liste-d-attente"),
    "requests": ("demandes",),
    "pairs": ("binomes",),
    "person": ("personne", "fiche", "profil", "people"),
    "match": ("jumeler", "apparier"),
    "end": ("terminer", "fin", "separer"),
    "cohort": ("cohorte",),
    "cohort-window": ("fenetre", "fenetres", "fenetre-cohorte"),
    "weights": ("poids", "criteres"),
    "pending": ("a-approuver", "approbations"),
    "approve": ("approuver",),
    "decline": ("refuser",),
    "import": ("importer",),
    "invitations": ("invites",),
    "broadcast": ("diffuser", "diffusion", "annonce"),
    "recognise": ("remercier", "reconnaitre", "recognize"),
    "reports": ("signalements", "signalement"),
    "case": ("dossier",),
    "note": ("noter",),
    "held": ("retenus",),
    "unsuspend": ("reactiver",),
    "export": ("exporter", "exportation"),
    "audit": ("journal",),
    "content": ("contenu",),
    "lessons": ("lecons",),
    "grant": ("nommer",),
    "revoke": ("retirer", "revoquer"),
}

MIN_SIMILARITY = 0.7  # one typo in a five-letter word ("persn", "exprot") still suggests


def fold(word: str) -> str:
    """"Jumeler", "JUMELER", "jumélér" → "jumeler"; spaces and underscores become dashes."""
    text = unicodedata.normalize("NFKD", word.casefold().strip())
    text = "".join(c for c in text if not unicodedata.combining(c))
    return "-".join(text.replace("_", " ").split())


def canonical(word: str, commands: Iterable[str]) -> str | None:
    """The command `word` names exactly (its own name, any case or accents, or an alias)."""
    folded = fold(word)
    known = set(commands)
    if folded in known:
        return folded
    for command, aliases in ALIASES.items():
        if folded in aliases and command in known:
            return command
    return None


def suggest(word: str, commands: Iterable[str]) -> str | None:
    """The one command `word` is most likely a typo of, or None when nothing is close."""
    folded = fold(word)
    if not folded:
        return None
    known = set(commands)
    names = [(name, command) for command in known for name in (command, *ALIASES.get(command, ()))]
    starting = {command for name, command in names if len(folded) >= 3 and name.startswith(folded)}
    if len(starting) == 1:  # "stat", "invit", "cohorte-f…"
        return starting.pop()
    best, score = None, 0.0
    for name, command in names:
        similarity = DamerauLevenshtein.normalized_similarity(folded, name)
        if similarity > score:
            best, score = command, similarity
    return best if score >= MIN_SIMILARITY else None


def french_name(command: str) -> str:
    """The French name of a command ("" when it has the same name in both languages)."""
    aliases = ALIASES.get(command, ())
    return aliases[0] if aliases else ""


def sections(commands: Iterable[str]) -> list[tuple[str, list[str]]]:
    """(section, its commands) in the day's order, each command once; unnamed ones last."""
    known = list(dict.fromkeys(commands))
    placed: set[str] = set()
    grouped = []
    for section, names in SECTIONS:
        present = [name for name in names if name in known]
        placed.update(present)
        if present:
            grouped.append((section, present))
    rest = [name for name in known if name not in placed]
    if rest:
        grouped.append(("other", rest))
    return grouped


def meant_line(name: str, args: str, commands: Iterable[str]) -> str | None:
    """The `/admin` line a top-level command nobody knows most likely meant: "/admn stats"
    → "stats", "/stats" → "stats", "/jumeler @mia @nora" → "match @mia @nora"; or None."""
    folded, args = fold(name), " ".join(args.split())
    if not folded:
        return None
    if DamerauLevenshtein.normalized_similarity(folded, "admin") >= 0.6:  # admn, amdin, admi
        typed, _, rest = args.partition(" ")
        if not typed:
            return "help"
        command = canonical(typed, commands) or suggest(typed, commands)
        return f"{command} {rest}".strip() if command else None
    command = canonical(folded, commands) or (suggest(folded, commands) if len(folded) > 3
                                              else None)
    return f"{command} {args}".strip() if command else None
