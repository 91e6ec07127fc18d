"""What people type when a mentoring programme asks for their topics and goals (benchmarks).

Written from how people answer (their words, in French and English, sentences and
abbreviations included), never from content/topics.toml: the benchmarks' people must not be
made of the taxonomy's own labels, or the figures would measure data shaped for the
matcher. The held-out accuracy set, bench/data/topic_phrasings.tsv, was not used either.
Common phrasings still coincide with a taxonomy label or synonym now and then ("audit",
"comptabilité"), as they do when real people type them (bench/README.md counts them).

Each phrase has a theme of our own (not a taxonomy category): a person's topics cluster
around one theme, as they do in real answers. Some phrases name nothing the taxonomy knows
(hobbies, niche questions): onboarding keeps those as free tags, and so do the benches.

`TOPICS_EN`/`TOPICS_FR` are bench_events' list (bench/seed_programme.py): their order and
content stay as they are, the programme it seeds depends on them; `MORE_TOPICS_*` add
phrases for bench/profiles.py, whose people number up to 130,000.
"""

from __future__ import annotations

import random

# (phrase, theme). Themes: career, lead, tech, data, design, biz, sales, money, talk, self,
# study, hobby.
TYPED_EN: list[tuple[str, str]] = [
    ("getting better at public speaking", "talk"), ("kubernetes and docker", "tech"),
    ("negotiating my salary", "career"), ("moving into data science", "data"),
    ("leading a small team", "lead"), ("excel macros", "data"), ("UX research", "design"),
    ("react front-end", "tech"), ("raising money for my startup", "biz"),
    ("work-life balance", "self"), ("switching careers to product", "career"),
    ("machine learning basics", "data"), ("writing good specs", "tech"),
    ("SEO for a small online shop", "sales"), ("hiring my first engineers", "lead"),
    ("time management", "self"), ("AWS and cloud costs", "tech"), ("security audits", "tech"),
    ("design thinking workshops", "design"), ("coaching juniors", "lead"),
    ("giving feedback without hurting", "talk"), ("cold calling and prospecting", "sales"),
    ("personal finance", "money"), ("impostor syndrome", "self"),
    ("python scripting", "tech"), ("bookkeeping for freelancers", "money"),
    ("building a design portfolio", "design"), ("learning to code at 40", "career"),
    ("project planning", "lead"), ("customer support at scale", "sales"),
    ("pottery", "hobby"), ("marathon training", "hobby"), ("wedding photography", "hobby"),
    ("b2b marketing", "sales"), ("ios apps", "tech"), ("leaving academia", "career"),
    ("supply chain", "biz"), ("getting into law school", "study"),
    ("nonprofit boards", "biz"), ("starting a podcast", "hobby"),
    ("conflict with my manager", "talk"), ("going freelance", "career"),
    ("first time manager", "lead"), ("remote team rituals", "lead"),
    ("data visualisation", "data"), ("sql queries", "data"), ("writing a novel", "hobby"),
    ("mental health at work", "self"), ("mobile game dev", "tech"), ("negotiation", "talk"),
]
TYPED_FR: list[tuple[str, str]] = [
    ("prise de parole en public", "talk"), ("négocier mon salaire", "career"),
    ("reconversion dans la data", "data"), ("gestion de projet agile", "lead"),
    ("manager une équipe", "lead"), ("comptabilité", "money"),
    ("créer mon entreprise", "biz"), ("trouver un stage", "study"),
    ("recherche d'emploi", "career"), ("développement web", "tech"),
    ("refaire mon CV", "career"), ("réseauter sans gêne", "talk"),
    ("gestion du stress", "self"), ("marketing digital", "sales"),
    ("levée de fonds", "biz"), ("droit du travail", "biz"), ("cybersécurité", "tech"),
    ("écrire un roman", "hobby"), ("bien-être au travail", "self"),
    ("entrepreneuriat social", "biz"), ("progresser en anglais", "study"),
    ("intelligence artificielle", "data"), ("relation client", "sales"),
    ("logistique", "biz"), ("jardinage urbain", "hobby"), ("la photo", "hobby"),
    ("devenir freelance", "career"), ("premier poste de manager", "lead"),
    ("prendre confiance en moi", "self"), ("apprendre à coder", "tech"),
    ("conduite du changement", "lead"), ("animer des ateliers", "talk"),
    ("finance d'entreprise", "money"), ("ressources humaines", "biz"),
    ("mon projet de thèse", "study"), ("vendre en B2B", "sales"),
    ("tableaux de bord excel", "data"), ("organisation personnelle", "self"),
    ("parler à ma direction", "talk"), ("télétravail", "self"),
]
TOPICS_EN = [phrase for phrase, _ in TYPED_EN]
TOPICS_FR = [phrase for phrase, _ in TYPED_FR]

MORE_TOPICS_EN: list[tuple[str, str]] = [
    ("preparing for job interviews", "career"), ("asking for a promotion", "career"),
    ("changing jobs after 10 years", "career"), ("my first job after school", "career"),
    ("my LinkedIn profile", "career"), ("getting a job in Canada", "career"),
    ("career change at 35", "career"), ("should I do an MBA", "career"),
    ("going back to work after parental leave", "career"), ("finding my next role", "career"),
    ("internal mobility", "career"), ("getting noticed by senior leadership", "career"),
    ("managing former peers", "lead"), ("delegating", "lead"), ("running one-on-ones", "lead"),
    ("performance reviews", "lead"), ("building trust in a new team", "lead"),
    ("leading without authority", "lead"), ("OKRs", "lead"), ("onboarding new hires", "lead"),
    ("managing people older than me", "lead"), ("scaling an engineering org", "lead"),
    ("making decisions under uncertainty", "lead"),
    ("backend APIs in go", "tech"), ("learning rust", "tech"),
    ("system design interviews", "tech"), ("devops pipelines", "tech"), ("terraform", "tech"),
    ("testing legacy code", "tech"), ("javascript", "tech"), ("android development", "tech"),
    ("microservices vs monolith", "tech"), ("becoming a tech lead", "tech"),
    ("open source contributions", "tech"), ("linux administration", "tech"),
    ("C++ performance", "tech"),
    ("deep learning", "data"), ("statistics refresher", "data"),
    ("power bi dashboards", "data"), ("LLMs and prompt engineering", "data"),
    ("data engineering with spark", "data"), ("a/b testing", "data"),
    ("becoming a data analyst", "data"), ("r programming", "data"), ("NLP", "data"),
    ("forecasting sales", "data"),
    ("UI design in figma", "design"), ("user interviews", "design"),
    ("accessibility", "design"), ("design systems", "design"), ("illustration", "design"),
    ("service design", "design"), ("motion design", "design"),
    ("moving from graphic design to UX", "design"),
    ("writing a business plan", "biz"), ("finding my first customers", "biz"),
    ("pricing my product", "biz"), ("e-commerce", "biz"),
    ("growing a family business", "biz"), ("opening a franchise", "biz"),
    ("product management", "biz"), ("product roadmap", "biz"), ("operations", "biz"),
    ("procurement", "biz"), ("running a small restaurant", "biz"),
    ("going international", "biz"), ("consulting", "biz"),
    ("closing bigger deals", "sales"), ("account management", "sales"),
    ("social media marketing", "sales"), ("content marketing", "sales"),
    ("copywriting", "sales"), ("growth hacking", "sales"), ("personal branding", "sales"),
    ("key account sales", "sales"), ("customer success", "sales"),
    ("email campaigns", "sales"), ("brand strategy", "sales"),
    ("budgeting", "money"), ("investing in index funds", "money"),
    ("buying my first home", "money"), ("corporate finance", "money"),
    ("financial modelling", "money"), ("taxes as a freelancer", "money"), ("audit", "money"),
    ("fundraising for a nonprofit", "money"), ("controlling", "money"),
    ("paying off student loans", "money"),
    ("presenting to executives", "talk"), ("storytelling", "talk"),
    ("writing clearer emails", "talk"), ("difficult conversations", "talk"),
    ("networking at conferences", "talk"), ("speaking up in meetings", "talk"),
    ("active listening", "talk"), ("persuasion", "talk"), ("english for business", "talk"),
    ("facilitation", "talk"),
    ("burnout recovery", "self"), ("setting boundaries", "self"),
    ("procrastination", "self"), ("confidence", "self"), ("productivity systems", "self"),
    ("mindfulness", "self"), ("finding meaning in my work", "self"),
    ("working as a new parent", "self"), ("staying motivated", "self"),
    ("sleep and energy", "self"),
    ("choosing a master's", "study"), ("applying to grad school", "study"),
    ("studying abroad", "study"), ("scholarships", "study"),
    ("finishing my PhD", "study"), ("preparing the GMAT", "study"),
    ("learning french", "study"), ("online courses", "study"),
    ("getting a research internship", "study"),
    ("bouldering", "hobby"), ("chess", "hobby"), ("learning guitar", "hobby"),
    ("sourdough baking", "hobby"), ("birdwatching", "hobby"), ("board games", "hobby"),
    ("knitting", "hobby"), ("woodworking", "hobby"), ("home brewing", "hobby"),
    ("volunteering", "hobby"), ("travel on a budget", "hobby"), ("sailing", "hobby"),
]
MORE_TOPICS_FR: list[tuple[str, str]] = [
    ("préparer mes entrevues", "career"), ("changer de job", "career"),
    ("décrocher un CDI", "career"), ("ma lettre de motivation", "career"),
    ("évoluer dans ma boîte", "career"), ("me reconvertir", "career"),
    ("retour au travail après un congé parental", "career"), ("trouver ma voie", "career"),
    ("mon profil LinkedIn", "career"), ("demander une promotion", "career"),
    ("immigrer au Québec pour travailler", "career"), ("bilan de compétences", "career"),
    ("déléguer sans tout contrôler", "lead"), ("gérer des conflits dans l'équipe", "lead"),
    ("entretiens annuels", "lead"), ("motiver mon équipe", "lead"),
    ("leadership au féminin", "lead"), ("piloter un projet transverse", "lead"),
    ("manager à distance", "lead"), ("recruter les bons profils", "lead"),
    ("fixer des objectifs", "lead"), ("gérer mon ancien collègue", "lead"),
    ("animer une réunion d'équipe", "lead"),
    ("apprendre python", "tech"), ("développement mobile", "tech"),
    ("architecture logicielle", "tech"), ("passer dev senior", "tech"),
    ("le cloud azure", "tech"), ("intégration continue", "tech"),
    ("faire du no-code", "tech"), ("sécurité informatique", "tech"),
    ("bases de données", "tech"), ("java spring", "tech"),
    ("mettre en place des tests automatisés", "tech"),
    ("analyse de données", "data"), ("apprentissage automatique", "data"),
    ("devenir data analyst", "data"), ("statistiques", "data"),
    ("visualisation avec tableau", "data"), ("IA générative", "data"),
    ("nettoyage de données", "data"), ("python pour la data", "data"), ("big data", "data"),
    ("modèles prédictifs", "data"),
    ("design d'interface", "design"), ("ergonomie web", "design"), ("graphisme", "design"),
    ("faire des maquettes sur figma", "design"), ("accessibilité numérique", "design"),
    ("design de service", "design"), ("direction artistique", "design"),
    ("recherche utilisateur", "design"),
    ("lancer ma startup", "biz"), ("trouver des investisseurs", "biz"),
    ("gestion de produit", "biz"), ("mon business plan", "biz"),
    ("stratégie d'entreprise", "biz"), ("ouvrir un commerce", "biz"),
    ("reprendre l'entreprise familiale", "biz"), ("les achats", "biz"),
    ("gestion des opérations", "biz"), ("économie sociale et solidaire", "biz"),
    ("RSE", "biz"), ("conseil en stratégie", "biz"), ("exporter à l'international", "biz"),
    ("techniques de vente", "sales"), ("prospection téléphonique", "sales"),
    ("community management", "sales"), ("stratégie de marque", "sales"),
    ("fidéliser mes clients", "sales"), ("marketing de contenu", "sales"),
    ("réseaux sociaux pour ma boîte", "sales"), ("négociation commerciale", "sales"),
    ("service à la clientèle", "sales"), ("relations publiques", "sales"),
    ("gérer mon budget", "money"), ("investir en bourse", "money"),
    ("contrôle de gestion", "money"), ("fiscalité", "money"),
    ("analyse financière", "money"), ("préparer ma retraite", "money"), ("la paie", "money"),
    ("audit interne", "money"), ("mes impôts de travailleur autonome", "money"),
    ("finances personnelles", "money"),
    ("mieux communiquer", "talk"), ("gérer les conflits", "talk"),
    ("m'affirmer en réunion", "talk"), ("faire des présentations", "talk"),
    ("écrire des courriels clairs", "talk"), ("l'art de convaincre", "talk"),
    ("communication non violente", "talk"), ("savoir dire non", "talk"),
    ("réseautage", "talk"), ("parler en public sans stresser", "talk"),
    ("éviter le burn-out", "self"), ("la procrastination", "self"),
    ("estime de soi", "self"), ("équilibre vie pro vie perso", "self"),
    ("gérer mon temps", "self"), ("charge mentale", "self"), ("trouver du sens", "self"),
    ("méditation", "self"), ("rester motivée", "self"),
    ("concilier études et travail", "self"),
    ("choisir mon master", "study"), ("réussir mes études", "study"),
    ("faire un doctorat", "study"), ("partir en échange", "study"),
    ("bourses d'études", "study"), ("orientation après le bac", "study"),
    ("alternance", "study"), ("apprendre l'espagnol", "study"),
    ("préparer un concours", "study"), ("mémoire de fin d'études", "study"),
    ("la course à pied", "hobby"), ("le vélo", "hobby"), ("la cuisine", "hobby"),
    ("le théâtre d'impro", "hobby"), ("la musique", "hobby"), ("le bénévolat", "hobby"),
    ("la randonnée", "hobby"), ("le tricot", "hobby"), ("la poterie", "hobby"),
    ("les échecs", "hobby"), ("le yoga", "hobby"), ("voyager", "hobby"),
]

# How an answer is put together: some people write a sentence around their list.
OPENERS_EN = ["I'd like to work on ", "I need help with ", "mainly ", "Mostly "]
OPENERS_FR = ["j'aimerais progresser sur ", "j'ai besoin d'aide pour ", "surtout ",
              "Plutôt "]

# Goals and bios, around the person's own phrases ({a}, {b}) or without them.
GOALS_EN = [
    "I want help with {a}, and maybe {b} later on.",
    "This year I'd like to make real progress on {a}.",
    "Looking for someone who has been through {a}; {b} matters to me too.",
    "My manager suggested I find a mentor for {a}.",
]
GOALS_FR = [
    "J'aimerais de l'aide pour {a}, et plus tard pour {b}.",
    "Cette année je veux vraiment avancer sur {a}.",
    "Je cherche quelqu'un qui connaît bien {a} ; {b} m'intéresse aussi.",
    "Ma responsable m'a conseillé de trouver un mentor pour {a}.",
]
BIOS_EN = [
    "Twelve years in the field; I enjoy helping people with {a} and {b}.",
    "I lead a team and I like talking about {a}.",
    "Former founder, now coaching on {a} and {b}.",
]
BIOS_FR = [
    "Douze ans de métier ; j'aime accompagner sur {a} et {b}.",
    "Je dirige une équipe et j'aime parler de {a}.",
    "Ancienne fondatrice, j'accompagne maintenant sur {a} et {b}.",
]
MORE_GOALS_EN = [
    "Honestly I'm not sure where to start with {a}. Some guidance would be great.",
    "I'd love a monthly chat about {a} with someone a few steps ahead of me.",
    "Two years into my job, I want to get serious about {a}.",
]
MORE_GOALS_FR = [
    "Je ne sais pas trop par où commencer pour {a}, un coup de pouce serait apprécié.",
    "J'aimerais jaser de {a} une fois par mois avec quelqu'un de plus expérimenté.",
    "Deux ans dans mon poste et je veux enfin m'attaquer à {a}.",
]
MORE_BIOS_EN = [
    "I learned {a} the hard way and I'd rather you didn't have to.",
    "Ten years in consulting, mostly {a}; ask me anything about {b}.",
]
MORE_BIOS_FR = [
    "J'ai appris {a} sur le tas, je peux vous éviter quelques détours.",
    "Dix ans en conseil, surtout sur {a} ; je réponds volontiers sur {b}.",
]
PLAIN_GOALS_EN = [
    "I just started my first job and I feel a bit lost.",
    "I want to know whether I'm on the right track.",
    "I'd like an outside view on my next career move.",
    "Someone to talk to once a month, honestly.",
    "Coming back after a long break, I need to catch up.",
]
PLAIN_GOALS_FR = [
    "Je viens de commencer mon premier emploi et je me sens un peu perdue.",
    "J'ai besoin d'un regard extérieur sur mon parcours.",
    "Savoir si je suis sur la bonne voie.",
    "Quelqu'un avec qui échanger une fois par mois.",
    "Je reviens après une longue pause et je dois me remettre à niveau.",
]
PLAIN_BIOS_EN = [
    "I had great mentors early on and want to give back.",
    "Happy to help anyone who is where I was ten years ago.",
    "I enjoy listening and asking the right questions.",
]
PLAIN_BIOS_FR = [
    "J'ai eu la chance d'être accompagnée, je veux rendre la pareille.",
    "Je peux partager mes erreurs pour vous éviter les mêmes.",
    "J'aime écouter et poser les bonnes questions.",
]


def typo(rng: random.Random, text: str) -> str:
    """One dropped letter in a long word now and then, as people type."""
    words = text.split(" ")
    long_words = [i for i, w in enumerate(words) if len(w) >= 7]
    if long_words and rng.random() < 0.15:
        i = rng.choice(long_words)
        cut = rng.randrange(1, len(words[i]) - 1)
        words[i] = words[i][:cut] + words[i][cut + 1:]
    return " ".join(words)


def all_phrases() -> list[tuple[str, str, str]]:
    """(language, phrase, theme) of every topic phrase, for profiles and the tests."""
    return ([("en", p, t) for p, t in TYPED_EN + MORE_TOPICS_EN]
            + [("fr", p, t) for p, t in TYPED_FR + MORE_TOPICS_FR])
