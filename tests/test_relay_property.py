"""Relay mode never leaks a contact detail: generated messages hiding phone numbers, e-mail
addresses, links and handles in French and English formats are always held for a
coordinator, and the partner never receives them. Ordinary sentences go through."""

from __future__ import annotations

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from bot.kernel.app import App
from bot.mentoring.contact_details import kinds_of
from tests import test_moderation_fixtures as fixtures
from tests.conftest import Chat
from tests.test_moderation_fixtures import Inbox, matched_pair

relay_app = fixtures.relay_app

digits = st.text("0123456789", min_size=1, max_size=1)


def _pairs(n: int) -> st.SearchStrategy[list[str]]:
    return st.lists(st.integers(0, 99).map(lambda d: f"{d:02d}"), min_size=n, max_size=n)


@st.composite
def french_phone(draw: st.DrawFn) -> str:
    """+33 6 12 34 56 78, 06.12.34.56.78, 06-12-34-56-78, 0612345678, 0033 7 …"""
    first = draw(st.sampled_from("1234567"))
    rest = draw(_pairs(4))
    sep = draw(st.sampled_from([" ", ".", "-", "", "  ", " . "]))
    prefix = draw(st.sampled_from(["+33 ", "+33", "0033 ", "+33 (0)", "0"]))
    if prefix == "0":
        return sep.join([f"0{first}", *rest])
    return prefix + sep.join([first, *rest])


@st.composite
def north_american_phone(draw: st.DrawFn) -> str:
    """(514) 555-0199, 514-555-0199, +1 514 555 0199, 514.555.0199, 1-800-555-0199"""
    area = draw(st.integers(201, 989))
    exchange = draw(st.integers(200, 999))
    line = draw(st.integers(0, 9999))
    form = draw(st.sampled_from([
        "({a}) {e}-{l:04d}", "{a}-{e}-{l:04d}", "+1 {a} {e} {l:04d}", "{a}.{e}.{l:04d}",
        "1-{a}-{e}-{l:04d}", "{a} {e} {l:04d}", "{a}{e}{l:04d}", "+1 ({a}) {e}-{l:04d}"]))
    return form.format(a=area, e=exchange, l=line)


names = st.text("abcdefghijklmnopqrstuvwxyz", min_size=2, max_size=10)
labels = st.text("abcdefghijklmnopqrstuvwxyz0123456789", min_size=2, max_size=12).filter(
    lambda s: s[0].isalpha())
tlds = st.sampled_from(["org", "com", "fr", "ca", "net", "io", "qc", "be", "ch"])


@st.composite
def email(draw: st.DrawFn) -> str:
    """name@example.org, first.last@mail.fr, name [at] example [dot] org, name (at) x (point) fr"""
    local = draw(names) + draw(st.sampled_from(["", ".", "_", "-", "+"])) + draw(names)
    domain, tld = draw(labels), draw(tlds)
    at, dot = draw(st.sampled_from([
        ("@", "."), (" [at] ", " [dot] "), ("(at)", "(dot)"), (" at ", " dot "),
        (" [arobase] ", " [point] "), ("(a)", "."), (" @ ", " . "), ("[at]", "[dot]"),
        (" arobase ", " point ")]))
    text = f"{local.strip('._-+')}{at}{domain}{dot}{tld}"
    return text.upper() if draw(st.booleans()) and "@" in at else text


@st.composite
def link(draw: st.DrawFn) -> str:
    """https://…, http://…, www.x.fr, t.me/…, wa.me/…, bare domains, disguised dots"""
    domain, tld = draw(labels), draw(tlds)
    path = draw(st.sampled_from(["", "/", "/profil", "/a/b?c=1"]))
    return draw(st.sampled_from([
        f"https://{domain}.{tld}{path}", f"http://www.{domain}.{tld}{path}",
        f"www.{domain}.{tld}", f"WWW.{domain.upper()}.{tld.upper()}",
        f"t.me/{domain}", f"https://t.me/{domain}", "wa.me/33612345678",
        f"{domain}.{tld}{path}", f"{domain} [dot] {tld}", f"{domain}(point){tld}",
        f"discord.gg/{domain}"]))


@st.composite
def handle(draw: st.DrawFn) -> str:
    return "@" + draw(names) + draw(st.sampled_from(["", "_", "123", ".dev"]))


contact = st.one_of(french_phone(), north_american_phone(), email(), link(), handle())
# Words around the detail: letters (accents too), punctuation and emoji, never digits, so
# the surrounding text cannot itself make a phone number.
words = st.text(
    alphabet=st.sampled_from(list("abcdefghijklmnopqrstuvwxyzéèàçôABCDEFGHIJ ,;!?'’-😊🎉")),
    max_size=40)
around = st.tuples(words, contact, words)


def _message(parts: tuple[str, str, str]) -> str:
    return " ".join(parts).strip()


@given(around)
@settings(max_examples=600, deadline=None)
def test_every_generated_contact_detail_is_found(parts: tuple[str, str, str]) -> None:
    assert kinds_of(_message(parts)), parts


@given(st.sampled_from([
    "Merci pour hier, on se revoit mardi à 17h ?",
    "Thanks! Let's meet on Tuesday 5-7pm, or Thursday noon.",
    "J'ai relu ton CV : la partie sur le stage est top.",
    "Rendez-vous le 12/03/2026 à 14h30, salle 204.",
    "I'm at school until 4, then at home. See you!",
    "C'est le point le plus important pour ton entretien.",
    "Python 3.11 is out, and e.g. pandas 2.2 too.",
    "Mon budget est de 1 500 € pour la formation.",
]))
def test_ordinary_sentences_are_not_held(text: str) -> None:
    assert kinds_of(text) == []


@given(parts=around)
@settings(max_examples=40, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture])
async def test_relay_holds_every_contact_detail_and_never_delivers_it(
        relay_app: App, parts: tuple[str, str, str]) -> None:
    text, detail = _message(parts), parts[1]
    inbox = Inbox(relay_app)
    async with relay_app.db.read() as tx:
        pair = await tx.value("SELECT count(*) FROM matches")
    if not pair:
        await matched_pair(relay_app)
        await inbox.deliver()
    mia = Chat(relay_app, "mia")
    await mia.say(f"/msg {text}")
    assert "kept this message for a coordinator" in mia.text, text
    received = await inbox.deliver()
    assert "nora" not in received, text
    async with relay_app.db.read() as tx:
        payloads = [row[0] for row in await tx.all(
            "SELECT payload FROM outbox o JOIN people p ON p.id = o.person_id"
            " WHERE p.handle = 'nora'")]
    assert all(detail not in payload for payload in payloads), detail

