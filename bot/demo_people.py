"""Fictional people for the demo programme that `mentorbot console --demo` seeds.

A newcomer should be able to try every feature in the first minute: find a mentor, be
refused for capacity, try reverse mentoring, see a mentee nobody can help. So the cast is
not random noise but a small, believable programme run across a tech company, a bank, a
hospital, a city hall, a youth career-guidance scheme and a few entrepreneurs, in French
and English, over ten time zones.

Everything here is pure: `demo_people(seed, count)` draws from `random.Random(seed)` only,
never iterates a set while drawing (string hashing differs between processes), and
returns the same list for the same arguments on any machine. Storing the people is the
caller's job.

Names are hand-picked ordinary names, never a famous person's; every goal and bio
sentence was written for this demo. Topics are typed the way people type them (mixed
case, abbreviations, missing accents, the odd typo) so the matcher's normaliser has
real work to do; `TOPIC_SPELLINGS` lists every spelling the demo can produce.
"""

from __future__ import annotations

import random
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass, field

Slot = tuple[int, int, int]
"""(weekday 0=Monday..6, start_minute, end_minute) in the person's LOCAL time."""

TIMEZONES = (
    "Europe/Paris",
    "Europe/Brussels",
    "Europe/London",
    "America/Toronto",
    "America/New_York",
    "America/Vancouver",
    "Africa/Dakar",
    "Africa/Abidjan",
    "Asia/Tokyo",
    "Europe/Zurich",
)
"""Every time zone a demo person can live in (Montréal uses America/Toronto)."""


@dataclass(frozen=True)
class DemoPerson:
    """One fictional participant, ready to be stored as a person of the demo programme."""

    handle: str  # console handle: lowercase ascii letters and digits joined by dots
    display_name: str
    language: str  # "fr" | "en": the language the person uses with the bot
    role: str  # "mentee" | "mentor" | "both"
    topics_sought: str  # comma-separated free text, empty for pure mentors
    topics_offered: str  # comma-separated free text, empty for pure mentees
    goals: str  # 1-3 sentences in `language`: a mentee's goals or a mentor's short bio
    languages: tuple[str, ...]  # ISO 639-1 codes spoken, `language` first
    timezone: str  # IANA name, one of TIMEZONES
    availability: tuple[Slot, ...]  # 1-4 slots, sorted, at most one per weekday
    seniority: int  # 1 student/apprentice, 2 junior, 3 experienced, 4 senior, 5 executive
    department: str
    capacity: int  # mentors 1..4, pure mentees 0
    reverse: bool = False  # a senior mentee who wants reverse mentoring from a younger person


# --- Topics -------------------------------------------------------------------------------

TOPIC_SPELLINGS: dict[str, dict[str, tuple[str, ...]]] = {
    "project_management": {
        "fr": ("gestion de projet", "Gestion de projets", "pilotage de projets", "chef de projet"),
        "en": ("project management", "Project Management", "managing projects", "agile delivery"),
    },
    "product_management": {
        "fr": ("product management", "PM", "gestion de produit", "Product Management"),
        "en": ("product management", "PM", "Product Management", "product mgmt"),
    },
    "public_speaking": {
        "fr": ("prise de parole en public", "Prise de parole", "parler en public", "oral"),
        "en": ("public speaking", "Public speaking", "presentation skills", "presenting to execs"),
    },
    "leadership": {
        "fr": ("leadership", "Leadership", "posture de leader", "leadership au féminin"),
        "en": ("leadership", "Leadership", "leadership skills", "executive presence"),
    },
    "team_management": {
        "fr": ("management d'équipe", "manager une équipe", "Management", "managment d'équipe"),
        "en": ("people management", "managing a team", "first-time manager", "team management"),
    },
    "negotiation": {
        "fr": ("négociation", "Négociation", "negociation", "négociation salariale"),
        "en": ("negotiation", "salary negotiation", "sales negotiation", "Negotiation"),
    },
    "career_change": {
        "fr": ("reconversion", "reconversion professionnelle", "changer de métier",
               "Reconversion pro"),
        "en": ("career change", "Career Change", "switching careers", "career pivot"),
    },
    "python": {
        "fr": ("Python", "python", "programmation Python", "Python / pandas"),
        "en": ("Python", "python", "Python programming", "pandas"),
    },
    "machine_learning": {
        "fr": ("machine learning", "apprentissage automatique", "ML", "Machine Learning"),
        "en": ("machine learning", "ML", "Machine Learning", "machine learnig"),
    },
    "data_analysis": {
        "fr": ("analyse de données", "data", "SQL", "Data analyse"),
        "en": ("data analysis", "SQL", "data science", "dashboards"),
    },
    "software_engineering": {
        "fr": ("développement web", "dev web", "architecture logicielle", "JavaScript"),
        "en": ("software engineering", "system design", "code review", "backend development"),
    },
    "ux_design": {
        "fr": ("UX", "design UX", "UX/UI", "recherche utilisateur"),
        "en": ("UX", "UX design", "user research", "UX/UI"),
    },
    "corporate_finance": {
        "fr": ("finance d'entreprise", "Finance d'entreprise", "analyse financière",
               "contrôle de gestion"),
        "en": ("corporate finance", "financial analysis", "FP&A", "Corporate Finance"),
    },
    "compliance": {
        "fr": ("conformité", "conformite", "gestion des risques", "réglementation bancaire"),
        "en": ("compliance", "risk management", "banking regulation", "AML"),
    },
    "hr": {
        "fr": ("RH", "ressources humaines", "recrutement", "Rh"),
        "en": ("HR", "human resources", "recruiting", "talent acquisition"),
    },
    "cv_interviews": {
        "fr": ("CV", "préparer un entretien", "entretiens d'embauche", "lettre de motivation"),
        "en": ("resume review", "job interviews", "CV", "interview prep"),
    },
    "nursing": {
        "fr": ("soins infirmiers", "Soins infirmiers", "pratique infirmière", "soins intensifs"),
        "en": ("nursing", "Nursing", "clinical nursing", "ICU nursing"),
    },
    "healthcare_management": {
        "fr": ("management hospitalier", "cadre de santé", "organisation des soins",
               "Cadre de santé"),
        "en": ("healthcare management", "hospital administration", "nurse manager",
               "Healthcare Mgmt"),
    },
    "public_sector": {
        "fr": ("urbanisme", "politiques publiques", "marchés publics",
               "fonction publique territoriale"),
        "en": ("urban planning", "public policy", "local government", "public procurement"),
    },
    "entrepreneurship": {
        "fr": ("entrepreneuriat", "créer son entreprise", "lever des fonds", "Entreprenariat"),
        "en": ("entrepreneurship", "starting a business", "fundraising", "Entrepreneurship"),
    },
    "marketing": {
        "fr": ("marketing", "Marketing digital", "communication", "stratégie de marque"),
        "en": ("marketing", "growth marketing", "brand strategy", "Marketing"),
    },
    "sales": {
        "fr": ("vente", "commercial", "prospection", "vente B2B"),
        "en": ("sales", "B2B sales", "Sales", "prospecting"),
    },
    "networking": {
        "fr": ("réseautage", "reseautage", "développer son réseau", "LinkedIn"),
        "en": ("networking", "Networking", "LinkedIn", "building a network"),
    },
    "stress": {
        "fr": ("gestion du stress", "équilibre vie pro / vie perso", "éviter le burn-out",
               "Stress"),
        "en": ("work-life balance", "stress management", "avoiding burnout", "Work/life balance"),
    },
    "confidence": {
        "fr": ("confiance en soi", "Confiance en soi", "syndrome de l'imposteur", "s'affirmer"),
        "en": ("confidence", "impostor syndrome", "self-confidence", "being assertive"),
    },
    "orientation": {
        "fr": ("orientation après le bac", "Orientation", "Parcoursup", "choisir ses études"),
        "en": ("college applications", "choosing a major", "what to study", "uni applications"),
    },
    "apprenticeship": {
        "fr": ("trouver une alternance", "alternance", "Alternance", "trouver un stage"),
        "en": ("finding an apprenticeship", "apprenticeships", "finding an internship",
               "internships"),
    },
    "generative_ai": {
        "fr": ("IA générative", "IA", "outils d'IA", "prompts"),
        "en": ("generative AI", "AI tools", "GenAI", "prompting"),
    },
    "social_media": {
        "fr": ("réseaux sociaux", "Instagram et TikTok", "communication digitale", "TikTok"),
        "en": ("social media", "TikTok", "personal branding", "Social Media"),
    },
}
"""Topic cluster -> language -> every spelling the demo may type for it."""

# Topics no mentor offers, for the hard cases: (spelling, goal sentence) per language.
_NICHE: dict[str, dict[str, tuple[str, str]]] = {
    "beekeeping": {
        "fr": (
            "apiculture urbaine",
            "Je voudrais installer des ruches sur le toit de notre bâtiment et je cherche "
            "quelqu'un qui l'a déjà fait.",
        ),
        "en": (
            "urban beekeeping",
            "I want to keep bees on our office roof and would love advice from someone who "
            "has done it.",
        ),
    },
    "stained_glass": {
        "fr": (
            "restauration de vitraux",
            "Je rêve de me former à la restauration de vitraux en parallèle de mon travail.",
        ),
        "en": (
            "stained-glass restoration",
            "I dream of learning stained-glass restoration alongside my day job.",
        ),
    },
    "maritime_law": {
        "fr": (
            "droit maritime",
            "Le droit maritime me passionne mais je ne connais personne dans ce domaine.",
        ),
        "en": (
            "maritime law",
            "I'm fascinated by maritime law but don't know a single person in that field.",
        ),
    },
    "violin_making": {
        "fr": (
            "lutherie",
            "J'aimerais faire de la lutherie mon métier un jour et savoir par où commencer.",
        ),
        "en": (
            "violin making",
            "I'd like to make violin making my trade one day and need to know where to start.",
        ),
    },
    "sailing": {
        "fr": (
            "voile de compétition",
            "Je veux concilier mon poste avec la voile de compétition et je cherche quelqu'un "
            "qui a trouvé l'équilibre.",
        ),
        "en": (
            "competitive sailing",
            "I want to combine my job with competitive sailing and need someone who has "
            "balanced both.",
        ),
    },
}


# --- Where people come from ---------------------------------------------------------------


@dataclass(frozen=True)
class _Origin:
    language: str  # the language these people use with the bot
    weight: float
    timezones: tuple[str, ...]  # repeated entries weight the draw
    spoken: tuple[tuple[str, float], ...]  # other languages and the share who speak each
    names: tuple[str, ...]


_ORIGINS: dict[str, _Origin] = {
    "france": _Origin(
        "fr",
        5.0,
        ("Europe/Paris",) * 6 + ("Europe/London", "America/Toronto"),
        (("en", 0.45), ("es", 0.12), ("de", 0.06)),
        (
            "Camille Rousset", "Théo Lemarchand", "Inès Caradec", "Julien Vasseur",
            "Margaux Peyronnet", "Hugo Delorme", "Léa Fournel", "Antoine Chaumette",
            "Manon Guérin-Soulié", "Nicolas Aubertin", "Baptiste Ferrand", "Pauline Esquirol",
            "Mathis Kerbrat", "Chloé Verdier", "Romain Castagnet", "Sophie Marchetti",
            "Élodie Rambert", "Quentin Morvan", "Anaïs Collignon", "Lucas Berthoumieu",
            "Jeanne Pradal", "Maxence Dutertre", "Océane Lagarde", "Gaspard Roussel",
        ),
    ),
    "france_iberian": _Origin(
        "fr",
        0.8,
        ("Europe/Paris",),
        (("pt", 0.6), ("es", 0.5), ("en", 0.4)),
        ("Sofia Carvalho", "Diogo Ferreira", "Lucía Moreno-Garnier", "Hélder Amaral"),
    ),
    "belgium": _Origin(
        "fr",
        2.0,
        ("Europe/Brussels",),
        (("en", 0.5), ("nl", 0.35), ("de", 0.08)),
        (
            "Lucie Vanderstraeten", "Maxime Dewandre", "Élise Verhaegen", "Arnaud Lambotte",
            "Charlotte Deprez", "Thibault Van Acker", "Simon Goossens", "Amélie Dethier",
        ),
    ),
    "romandie": _Origin(
        "fr",
        1.0,
        ("Europe/Zurich",),
        (("de", 0.7), ("en", 0.5)),
        ("Valentin Rochat", "Noémie Bourquin", "Léonie Favre-Bulle", "Cédric Pittet",
         "Aurélie Jaquier"),
    ),
    "quebec": _Origin(
        "fr",
        3.0,
        ("America/Toronto",),
        (("en", 0.7), ("es", 0.1)),
        (
            "Gabrielle Thibodeau", "Olivier Desrosiers", "Marie-Ève Labrecque",
            "Félix Lapointe-Roy", "Annie Bergeron", "Jérémie Ouimet", "Catherine Pelletier-Dubé",
            "Mathieu Gosselin", "Laurence Beaudoin", "Samuel Thériault", "Rosalie Charbonneau",
            "Étienne Lavallée",
        ),
    ),
    "senegal": _Origin(
        "fr",
        2.0,
        ("Africa/Dakar",) * 4 + ("Europe/Paris",),
        (("wo", 0.9), ("en", 0.3), ("ar", 0.1)),
        (
            "Amina Diallo", "Ousmane Faye", "Aïssatou Sow", "Cheikh Mbaye", "Fatou Diop",
            "Mamadou Sarr", "Khady Gueye", "Ibrahima Thiam", "Ndèye Coumba Fall",
            "Pape Alioune Seck", "Astou Ndiaye", "Modou Camara",
        ),
    ),
    "ivory_coast": _Origin(
        "fr",
        2.0,
        ("Africa/Abidjan",) * 4 + ("Europe/Paris",),
        (("en", 0.3),),
        (
            "Kouadio N'Guessan", "Aya Koffi", "Yao Kouassi", "Adjoua Brou", "Hervé Konan",
            "Mariam Coulibaly", "Affoué Yapi", "Jean-Marc Tanoh", "Estelle Ahoua",
            "Koffi Assamoi",
        ),
    ),
    "maghreb": _Origin(
        "fr",
        2.0,
        ("Europe/Paris", "Europe/Paris", "Europe/Brussels", "America/Toronto"),
        (("ar", 0.75), ("en", 0.4)),
        (
            "Yasmine Benali", "Karim Hamdaoui", "Nadia Berrada", "Samir Bouzid",
            "Leïla Mansouri", "Mehdi Cherkaoui", "Sofiane Amrani", "Salma Idrissi-Alaoui",
            "Rachid Benmoussa", "Imane Zerrouki",
        ),
    ),
    "japan_fr": _Origin(
        "fr",
        0.5,
        ("Asia/Tokyo",),
        (("ja", 1.0), ("en", 0.6)),
        ("Sayaka Ueda", "Hiroshi Kameda", "Emi Tsukamoto"),
    ),
    "uk": _Origin(
        "en",
        4.0,
        ("Europe/London",),
        (("fr", 0.15), ("es", 0.08), ("de", 0.05)),
        (
            "Harriet Pembleton", "Oliver Ashdown", "Priya Chandrasekar", "Callum Fraser",
            "Grace Whitfield", "Tom Hargreaves", "Niamh Gallagher", "Kwame Asante-Boateng",
            "Imogen Radley", "Rhys Llewellyn", "Amara Okonkwo", "Fiona McTavish",
            "Sanjay Mistry", "Youssef El Amrani",
        ),
    ),
    "usa": _Origin(
        "en",
        3.5,
        ("America/New_York",),
        (("es", 0.15), ("fr", 0.1)),
        (
            "Jordan Whitaker", "Danielle Okafor", "Ethan Brody", "Tyler Brennan",
            "Brandon Nguyen", "Rachel Feldstein", "Keisha Holloway", "Andrew Pulaski",
            "Megan Castellano", "Chris Hartley",
        ),
    ),
    "usa_hispanic": _Origin(
        "en",
        1.2,
        ("America/New_York",),
        (("es", 0.95), ("fr", 0.05)),
        ("Marcus Delgado", "Alicia Romero", "Gabriela Fuentes", "Diego Saavedra",
         "Valeria Ortiz"),
    ),
    "canada": _Origin(
        "en",
        3.5,
        ("America/Toronto", "America/Vancouver"),
        (("fr", 0.4),),
        (
            "Megan Sinclair", "Ryan Chow", "Avery MacLeod", "Harpreet Dhillon",
            "Jasmine Takeda-Reid", "Liam O'Connell", "Chloe Fraser-Lam", "Nathan Beaulieu",
            "Olivia Kowalczyk", "Dylan Mercer", "Simran Gill", "Noah Petrenko",
        ),
    ),
    "japan": _Origin(
        "en",
        1.5,
        ("Asia/Tokyo",),
        (("ja", 1.0), ("fr", 0.1)),
        (
            "Haruka Morimoto", "Kenta Ishizaki", "Aiko Nakagawa", "Daisuke Hoshino",
            "Ren Fujisawa", "Yuto Arakawa", "Natsuki Ōmura", "Mio Kitagawa",
        ),
    ),
    "lusophone": _Origin(
        "en",
        0.8,
        ("America/Toronto", "Europe/London", "America/New_York"),
        (("pt", 1.0), ("es", 0.4)),
        ("Rafael Oliveira Costa", "Beatriz Nogueira", "Thiago Pereira Lima", "Inês Moura"),
    ),
    "swiss_german": _Origin(
        "en",
        1.0,
        ("Europe/Zurich",),
        (("de", 1.0), ("fr", 0.45)),
        ("Reto Aeschbacher", "Seraina Caflisch", "Jonas Wyss", "Martina Zogg",
         "Lukas Gubler"),
    ),
}

# Schools and training centres of the youth career-guidance scheme, by (language, zone).
_SCHOOLS: dict[tuple[str, str], tuple[str, ...]] = {
    ("fr", "Europe/Paris"): (
        "Lycée Jean-Moulin (terminale)",
        "Lycée des Tilleuls (première)",
        "CFA des métiers du bâtiment (apprentissage)",
    ),
    ("fr", "Europe/Brussels"): ("Athénée des Marronniers (rhéto)",),
    ("fr", "America/Toronto"): ("Cégep du Vieux-Port (1re année)",),
    ("fr", "Africa/Dakar"): ("Lycée des Almadies (terminale)",),
    ("fr", "Africa/Abidjan"): ("Lycée moderne des Deux-Plateaux (terminale)",),
    ("en", "Europe/London"): (
        "Northgate Sixth Form College (Year 13)",
        "Apprentice electrician (Level 3)",
    ),
    ("en", "America/New_York"): ("Riverside High School (senior year)",),
    ("en", "America/Toronto"): ("Lakeview Collegiate (Grade 12)",),
    ("en", "America/Vancouver"): ("Fraser Trades Institute (apprentice carpenter)",),
}


# --- What people do -----------------------------------------------------------------------


@dataclass(frozen=True)
class _Track:
    departments: dict[str, tuple[str, ...]]  # language -> department names
    offers: tuple[str, ...]  # clusters its mentors can offer
    seeks: tuple[str, ...]  # clusters its mentees look for
    schedule: str
    mentor_seniority: tuple[int, ...] = (3, 3, 4, 4, 5)
    mentor_weight: float = 0.0  # draw weights; 0 means only chosen on purpose
    mentee_weight: float = 0.0
    peer_weight: float = 0.0


_TRACKS: dict[str, _Track] = {
    "tech_eng": _Track(
        {"fr": ("Engineering", "Ingénierie logicielle", "Plateforme cloud"),
         "en": ("Engineering", "Platform Engineering", "Mobile Engineering")},
        ("software_engineering", "python", "team_management", "leadership", "career_change",
         "apprenticeship"),
        ("leadership", "public_speaking", "team_management", "software_engineering",
         "machine_learning", "product_management", "stress"),
        "office", mentor_weight=3, mentee_weight=3, peer_weight=2,
    ),
    "tech_product": _Track(
        {"fr": ("Produit", "Design produit"), "en": ("Product", "Product Design")},
        ("product_management", "ux_design", "project_management", "public_speaking",
         "negotiation"),
        ("product_management", "ux_design", "leadership", "data_analysis", "public_speaking"),
        "office", mentor_weight=2, mentee_weight=2, peer_weight=2,
    ),
    "tech_data": _Track(
        {"fr": ("Data", "Data & IA"), "en": ("Data Science", "Analytics")},
        ("machine_learning", "data_analysis", "python", "generative_ai", "career_change"),
        ("machine_learning", "python", "public_speaking", "leadership", "data_analysis"),
        "office", mentor_seniority=(3, 3, 4, 4, 5), mentor_weight=2, mentee_weight=2,
        peer_weight=2,
    ),
    "sales": _Track(
        {"fr": ("Ventes", "Marketing"), "en": ("Sales", "Marketing")},
        ("negotiation", "sales", "networking", "marketing", "public_speaking"),
        ("negotiation", "sales", "networking", "confidence", "marketing"),
        "office", mentor_weight=2, mentee_weight=2, peer_weight=1,
    ),
    "bank_finance": _Track(
        {"fr": ("Finance", "Direction financière", "Banque de détail"),
         "en": ("Finance", "Corporate Banking", "Retail Banking")},
        ("corporate_finance", "negotiation", "leadership", "team_management", "networking"),
        ("corporate_finance", "leadership", "public_speaking", "networking", "stress",
         "python"),
        "office", mentor_weight=3, mentee_weight=2.5, peer_weight=1,
    ),
    "bank_risk": _Track(
        {"fr": ("Conformité", "Risques"), "en": ("Risk & Compliance", "Internal Audit")},
        ("compliance", "project_management", "data_analysis", "career_change"),
        ("compliance", "career_change", "data_analysis", "python", "confidence"),
        "office", mentor_weight=1.5, mentee_weight=1.5,
    ),
    "hr": _Track(
        {"fr": ("Ressources humaines", "RH – recrutement"),
         "en": ("Human Resources", "People Team")},
        ("hr", "cv_interviews", "team_management", "negotiation", "confidence", "orientation",
         "apprenticeship"),
        ("hr", "leadership", "negotiation", "public_speaking", "stress"),
        "office", mentor_weight=2.5, mentee_weight=1.5,
    ),
    "hospital_care": _Track(
        {"fr": ("Soins infirmiers", "Urgences", "Pédiatrie"),
         "en": ("Nursing", "Emergency Department", "Paediatrics")},
        ("nursing", "stress", "team_management", "healthcare_management", "confidence",
         "orientation"),
        ("nursing", "healthcare_management", "stress", "leadership", "career_change",
         "confidence"),
        "shift", mentor_weight=3, mentee_weight=3, peer_weight=2,
    ),
    "hospital_admin": _Track(
        {"fr": ("Direction des soins", "Pharmacie hospitalière"),
         "en": ("Hospital Administration", "Hospital Pharmacy")},
        ("healthcare_management", "leadership", "project_management", "team_management"),
        ("healthcare_management", "project_management", "leadership", "corporate_finance"),
        "office", mentor_seniority=(4, 4, 5), mentor_weight=1, mentee_weight=1,
    ),
    "city_hall": _Track(
        {"fr": ("Mairie – Urbanisme", "Mairie – Communication", "Mairie – État civil"),
         "en": ("City Hall – Planning", "City Hall – Communications",
                "City Hall – Parks & Recreation")},
        ("public_sector", "project_management", "social_media", "public_speaking"),
        ("public_sector", "project_management", "generative_ai", "career_change",
         "team_management"),
        "office", mentor_weight=2, mentee_weight=2, peer_weight=1,
    ),
    "entrepreneur": _Track(
        {"fr": ("Entrepreneur (start-up agritech)", "Indépendant (conseil)",
                "Entrepreneur (e-commerce)"),
         "en": ("Founder (fintech startup)", "Freelance designer",
                "Founder (food delivery co-op)")},
        ("entrepreneurship", "marketing", "networking", "negotiation", "sales"),
        ("entrepreneurship", "marketing", "corporate_finance", "stress", "networking"),
        "entrepreneur", mentor_seniority=(3, 4), mentor_weight=1, mentee_weight=1,
        peer_weight=1,
    ),
    "executive": _Track(
        {"fr": ("Direction générale", "Comité de direction"),
         "en": ("Executive Committee", "Leadership Team")},
        ("leadership", "public_speaking", "negotiation", "networking", "career_change",
         "team_management"),
        ("generative_ai", "social_media", "data_analysis"),  # what reverse mentees want
        "executive", mentor_seniority=(5,), mentor_weight=1.5,
    ),
    "digital": _Track(  # the young mentors of reverse mentoring
        {"fr": ("Data & IA", "Mairie – Communication", "Produit"),
         "en": ("Analytics", "Marketing", "Product")},
        ("generative_ai", "social_media", "python", "ux_design"),
        (),
        "office", mentor_seniority=(2,), mentor_weight=0.5,
    ),
    "youth": _Track(
        {"fr": (), "en": ()},  # departments are schools, see _SCHOOLS
        (),
        ("orientation", "apprenticeship", "cv_interviews", "confidence", "python"),
        "student",
    ),
}

# Availability patterns in local time: (weekdays, (start, end) windows, draw weight).
_Pattern = tuple[tuple[int, ...], tuple[tuple[int, int], ...], float]
_WEEKDAYS = (0, 1, 2, 3, 4)
_SCHEDULES: dict[str, tuple[_Pattern, ...]] = {
    "office": (
        (_WEEKDAYS, ((720, 780), (735, 795), (750, 810)), 4),  # lunch break
        ((0, 1, 2, 3), ((1080, 1140), (1110, 1200), (1140, 1230)), 3),  # after work
        ((1, 3), ((480, 540), (510, 570)), 2),  # before the first meeting
        ((4,), ((960, 1050),), 1),  # quiet Friday afternoon
        ((5,), ((540, 660), (600, 720)), 1),  # Saturday morning
    ),
    "shift": (  # hospital rotas: between shifts, after nights, weekends
        ((0, 1, 2, 3, 4, 5, 6), ((840, 930),), 3),
        ((0, 1, 2, 3, 4, 5, 6), ((450, 540),), 2),
        ((5, 6), ((600, 720), (840, 960)), 2),
        (_WEEKDAYS, ((1140, 1230),), 2),
    ),
    "student": (
        ((0, 1, 3, 4), ((1020, 1110),), 3),  # after school
        ((5,), ((600, 720),), 3),  # Saturday morning
        ((6,), ((840, 960),), 1),
    ),
    "student_fr": (
        ((2,), ((840, 1020), (810, 960)), 4),  # French pupils are free on Wednesday afternoon
        ((0, 1, 3, 4), ((1020, 1110),), 2),
        ((5,), ((600, 720),), 3),
    ),
    "entrepreneur": (
        (_WEEKDAYS, ((450, 510),), 3),  # before the day starts
        (_WEEKDAYS, ((1200, 1290),), 3),  # once the children are in bed
        ((5,), ((540, 660),), 2),
        ((6,), ((1080, 1170),), 1),
        (_WEEKDAYS, ((750, 810),), 1),
    ),
    "executive": (
        (_WEEKDAYS, ((450, 495), (465, 510)), 3),  # early breakfast slot
        ((4,), ((1020, 1080),), 2),
        ((1, 3), ((750, 810),), 1),
    ),
}


# --- Sentences ----------------------------------------------------------------------------
# French sentences avoid gendered agreement with the speaker ("je suis prêt·e"), so any
# sentence fits any person.

_SEEK: dict[str, dict[str, tuple[str, ...]]] = {
    "fr": {
        "project_management": (
            "Je pilote mon premier gros projet et j'aimerais apprendre à tenir les délais sans "
            "épuiser l'équipe.",
            "Je voudrais structurer ma façon de gérer les projets : planning, risques, comités "
            "de pilotage.",
        ),
        "product_management": (
            "Je veux passer du développement au métier de product manager d'ici un an.",
            "J'aimerais apprendre à prioriser une feuille de route quand chaque équipe pense que "
            "sa demande est la plus urgente.",
        ),
        "public_speaking": (
            "Je perds mes moyens dès que je présente devant la direction, et j'aimerais que ça "
            "change cette année.",
            "J'aimerais oser prendre la parole en réunion au lieu de garder mes idées pour moi.",
        ),
        "leadership": (
            "On vient de me confier une équipe de huit personnes et je cherche mon propre style "
            "de leadership.",
            "J'aimerais gagner en assurance pour porter des décisions difficiles.",
        ),
        "team_management": (
            "Je manage pour la première fois d'anciens collègues et ce n'est pas simple.",
            "Je cherche des méthodes concrètes pour mener des entretiens individuels utiles.",
        ),
        "negotiation": (
            "Mon entretien annuel approche et je n'ai jamais osé négocier mon salaire.",
            "Je négocie avec des fournisseurs toute la journée et j'aimerais le faire avec plus "
            "de méthode.",
        ),
        "career_change": (
            "Après dix ans dans le même métier, j'envisage une reconversion et je ne sais pas "
            "par où commencer.",
            "Je me pose beaucoup de questions sur un changement de métier et j'aimerais en "
            "parler avec quelqu'un qui l'a vécu.",
        ),
        "python": (
            "J'automatise déjà quelques tableaux Excel et je veux passer à Python pour aller "
            "plus loin.",
        ),
        "machine_learning": (
            "Je voudrais comprendre le machine learning assez bien pour mener un premier projet "
            "dans mon service.",
        ),
        "data_analysis": (
            "J'aimerais apprendre à faire parler les données et à construire des tableaux de "
            "bord que les gens lisent vraiment.",
        ),
        "software_engineering": (
            "Je code depuis deux ans et je veux progresser en architecture logicielle pour viser "
            "un poste senior.",
        ),
        "ux_design": ("Je viens du graphisme et je veux me former à la recherche utilisateur.",),
        "corporate_finance": (
            "Je veux mieux comprendre la finance d'entreprise pour dialoguer d'égal à égal avec "
            "la direction financière.",
        ),
        "compliance": (
            "Je découvre la conformité bancaire et la réglementation me paraît encore un "
            "labyrinthe.",
        ),
        "hr": (
            "Je travaille en RH depuis peu et je voudrais comprendre comment évoluer vers un "
            "poste de responsable.",
        ),
        "cv_interviews": (
            "J'aimerais refaire mon CV et m'entraîner à des entretiens avant de postuler "
            "ailleurs.",
        ),
        "nursing": (
            "Je suis en poste aux urgences depuis un an et je cherche une personne "
            "d'expérience pour parler des gardes difficiles.",
            "J'aimerais me spécialiser en soins intensifs et savoir comment m'y préparer.",
        ),
        "healthcare_management": (
            "J'envisage de devenir cadre de santé et je voudrais savoir à quoi ressemble "
            "vraiment ce métier.",
        ),
        "public_sector": (
            "Je travaille à la mairie depuis peu et je veux comprendre comment mener un projet "
            "d'urbanisme de bout en bout.",
        ),
        "entrepreneurship": (
            "J'ai une idée d'entreprise dans l'alimentation locale et j'aimerais la confronter à "
            "quelqu'un qui s'est déjà lancé.",
            "Je prépare une première levée de fonds et je manque de repères.",
        ),
        "marketing": ("Je dois lancer notre premier plan marketing sans budget d'agence.",),
        "sales": ("Je débute en vente B2B et la prospection à froid me fait encore peur.",),
        "networking": (
            "Mon réseau professionnel est presque inexistant et j'aimerais apprendre à le "
            "construire sans me forcer.",
        ),
        "stress": (
            "Je travaille trop le soir et j'aimerais retrouver un équilibre avant "
            "l'épuisement.",
        ),
        "confidence": ("Je doute souvent de ma légitimité, même quand mon travail est reconnu.",),
        "orientation": (
            "Je suis en terminale et je n'arrive pas à choisir entre une licence et un BTS.",
            "Parcoursup me stresse et j'aimerais l'avis de quelqu'un qui connaît le monde du "
            "travail.",
        ),
        "apprenticeship": (
            "Je cherche une alternance pour la rentrée et je ne sais pas comment démarcher les "
            "entreprises.",
            "J'aimerais trouver une alternance mais je n'ai aucun contact dans les entreprises.",
        ),
        "generative_ai": (
            "Je veux comprendre ce que l'IA générative peut changer dans mon métier, sans tomber "
            "dans le discours marketing.",
        ),
        "social_media": (
            "J'aimerais utiliser les réseaux sociaux pour faire connaître le travail de notre "
            "service.",
        ),
    },
    "en": {
        "project_management": (
            "I'm running my first large project and want to learn to hit deadlines without "
            "burning out the team.",
            "I'd like a proper structure for planning, risk tracking and steering meetings.",
        ),
        "product_management": (
            "I want to move from engineering into product management within a year.",
            "I need a better way to prioritise a roadmap when every team thinks its request is "
            "the most urgent.",
        ),
        "public_speaking": (
            "I freeze when I present to senior leadership and want to fix that this year.",
            "I'd like to speak up in meetings instead of keeping my ideas to myself.",
        ),
        "leadership": (
            "I was just handed a team of eight and I'm looking for my own leadership style.",
            "I want to grow more confident making and owning difficult calls.",
        ),
        "team_management": (
            "I'm managing former peers for the first time and it's awkward.",
            "I'm looking for practical ways to run one-to-ones that actually help people.",
        ),
        "negotiation": (
            "My annual review is coming up and I've never negotiated my salary.",
            "I negotiate with suppliers all day and would like a more deliberate method.",
        ),
        "career_change": (
            "After eight years in the same job I'm considering a career change and would love "
            "a reality check.",
            "I'm thinking about a career change and want to talk to someone who has made one.",
        ),
        "python": (
            "I already automate a few spreadsheets and want to move to Python to go further.",
        ),
        "machine_learning": (
            "I'd like to understand machine learning well enough to lead a first project on my "
            "team.",
        ),
        "data_analysis": (
            "I want to get better at turning data into dashboards people actually read.",
        ),
        "software_engineering": (
            "I've been coding for two years and want to get stronger at system design to reach "
            "a senior role.",
        ),
        "ux_design": ("I come from graphic design and want to learn proper user research.",),
        "corporate_finance": (
            "I want to understand corporate finance well enough to hold my own with the finance "
            "team.",
        ),
        "compliance": (
            "I'm new to banking compliance and the regulation still feels like a maze.",
        ),
        "hr": (
            "I'm early in my HR career and want to understand the path to an HR business "
            "partner role.",
        ),
        "cv_interviews": (
            "I'd like to rework my resume and practise interviews before applying elsewhere.",
        ),
        "nursing": (
            "I've been an ER nurse for a year and want someone experienced to talk through the "
            "hard shifts with.",
            "I'd like to specialise in ICU nursing and want to know how to prepare.",
        ),
        "healthcare_management": (
            "I'm considering a nurse manager role and want to know what the job really "
            "involves.",
        ),
        "public_sector": (
            "I recently joined City Hall and want to learn how a planning project goes from "
            "idea to ribbon cutting.",
        ),
        "entrepreneurship": (
            "I have a business idea in local food delivery and want to test it against someone "
            "who has launched before.",
            "I'm preparing a first fundraising round and have no benchmarks.",
        ),
        "marketing": ("I have to build our first marketing plan without an agency budget.",),
        "sales": ("I'm new to B2B sales and cold outreach still scares me.",),
        "networking": (
            "My professional network is almost nonexistent and I want to build one without "
            "feeling fake.",
        ),
        "stress": (
            "I keep working late every evening and want to find a better balance before I burn "
            "out.",
        ),
        "confidence": ("I often feel like an impostor, even when my work is recognised.",),
        "orientation": (
            "I'm in my last year of school and can't decide between university and a trade.",
            "College applications are overwhelming and I'd like advice from someone who knows "
            "the working world.",
        ),
        "apprenticeship": (
            "I'm looking for an apprenticeship and don't know how to approach employers.",
            "I want to find a summer internship but I don't have any contacts in companies.",
        ),
        "generative_ai": (
            "I want to understand what generative AI can really change in my job, beyond the "
            "hype.",
        ),
        "social_media": (
            "I'd like to use social media to get our department's work in front of more "
            "people.",
        ),
    },
}

# Where a teenager would say it differently from an employee.
_YOUTH_SEEK: dict[str, dict[str, tuple[str, ...]]] = {
    "fr": {
        "cv_interviews": (
            "Je n'ai jamais passé d'entretien et j'aimerais m'entraîner avant de chercher un "
            "stage.",
        ),
        "confidence": ("J'ai du mal à parler de moi et de mes qualités, surtout à l'oral.",),
        "python": (
            "J'apprends à coder en autodidacte le soir et j'aimerais savoir si on peut en faire "
            "un métier.",
        ),
    },
    "en": {
        "cv_interviews": (
            "I've never had a job interview and want to practise before applying for "
            "placements.",
        ),
        "confidence": ("I find it hard to talk about myself and my strengths out loud.",),
        "python": (
            "I teach myself to code in the evenings and want to know if it can become a job.",
        ),
    },
}

_REVERSE: dict[str, tuple[str, ...]] = {
    "fr": (
        "Je dirige plus de deux cents personnes et j'ai l'impression de ne plus comprendre "
        "comment travaillent les plus jeunes.",
        "J'aimerais qu'une personne plus jeune me montre concrètement comment elle utilise l'IA "
        "et les réseaux sociaux au quotidien.",
        "Je veux un retour franc sur la façon dont ma génération de managers est perçue par "
        "celles et ceux qui débutent.",
    ),
    "en": (
        "I run a division of about two hundred people and want a younger colleague to show me "
        "how they actually use AI tools day to day.",
        "I'd like honest, unfiltered feedback on how my generation of managers comes across to "
        "people starting their careers.",
        "After thirty years in the job, I want someone half my age to teach me what I no longer "
        "see.",
    ),
}

_MENTEE_CLOSERS: dict[str, tuple[str, ...]] = {
    "fr": (
        "Je peux me libérer une heure toutes les deux semaines.",
        "Je préfère les conseils concrets aux grandes théories.",
        "Un regard extérieur à mon service me ferait du bien.",
        "Je découvre le mentorat et j'ai hâte de commencer.",
        "Des échanges en visio me conviennent très bien.",
        "J'aimerais repartir de chaque séance avec une petite action à tester.",
        "J'apprécie qu'on me bouscule un peu, avec bienveillance.",
        "Mon objectif : y voir plus clair d'ici six mois.",
    ),
    "en": (
        "I can set aside an hour every other week.",
        "I prefer practical advice over big theories.",
        "An outside view from another department would help a lot.",
        "I'm new to mentoring and looking forward to it.",
        "Video calls work well for me.",
        "I'd like to leave each session with one small thing to try.",
        "I appreciate being challenged, kindly but directly.",
        "My aim is to see things more clearly within six months.",
    ),
}

_YOUTH_CLOSERS: dict[str, tuple[str, ...]] = {
    "fr": (
        "Personne dans ma famille ne travaille dans ce domaine, alors j'ai besoin de conseils.",
        "Mes profs m'ont conseillé de parler à des professionnels avant de choisir.",
        "J'aimerais savoir à quoi ressemble une vraie journée de travail.",
    ),
    "en": (
        "Nobody in my family works in this field, so I need advice.",
        "My teachers told me to talk to professionals before choosing.",
        "I'd like to know what a real working day looks like.",
    ),
}

_BACKGROUND: dict[str, dict[str, tuple[str, ...]]] = {
    "fr": {
        "tech_eng": (
            "Quinze ans de développement logiciel, dont les cinq derniers à encadrer une équipe "
            "plateforme.",
            "J'ai commencé en alternance dans une petite agence web et je dirige aujourd'hui une "
            "équipe d'ingénierie.",
        ),
        "tech_product": (
            "Je travaille dans le produit depuis dix ans, en start-up puis dans un grand groupe.",
            "Après des années en design d'interfaces, je pilote aujourd'hui une équipe produit.",
        ),
        "tech_data": (
            "Je mets des modèles de machine learning en production depuis huit ans.",
            "Mon parcours va de la statistique publique à la data science en entreprise.",
        ),
        "sales": (
            "Douze ans de vente B2B, des premiers appels de prospection à la direction "
            "commerciale.",
            "Je gère un portefeuille de grands comptes et j'adore transmettre mes méthodes.",
        ),
        "bank_finance": (
            "Vingt ans en finance d'entreprise, dont plusieurs années en fusions-acquisitions.",
            "Je dirige le contrôle de gestion d'une banque régionale.",
        ),
        "bank_risk": (
            "Je travaille dans la conformité bancaire depuis la crise de 2008.",
            "Mon métier : traduire la réglementation en règles simples pour les équipes.",
        ),
        "hr": (
            "Responsable RH depuis dix ans, j'ai recruté plusieurs centaines de personnes.",
            "J'accompagne les managers dans les moments délicats : recrutements, conflits, "
            "départs.",
        ),
        "hospital_care": (
            "Dix-huit ans de soins infirmiers, dont dix aux urgences pédiatriques.",
            "Je forme les nouvelles recrues du service de réanimation depuis plusieurs années.",
        ),
        "hospital_admin": (
            "Je dirige l'organisation des soins d'un hôpital de six cents lits.",
            "Après quinze ans au chevet des patients, je travaille aujourd'hui à la direction "
            "des soins.",
        ),
        "city_hall": (
            "Je travaille à la mairie depuis vingt ans, de l'état civil à l'urbanisme.",
            "Je mène des projets de réaménagement de quartiers avec les habitants.",
        ),
        "entrepreneur": (
            "J'ai créé deux entreprises, dont une qui a échoué et m'a beaucoup appris.",
            "Je dirige une petite entreprise de transformation agricole qui emploie quinze "
            "personnes.",
        ),
        "executive": (
            "Je siège au comité de direction après un parcours commencé au guichet d'une "
            "agence.",
            "Trente ans de carrière dans trois pays, et toujours l'envie de transmettre.",
        ),
        "digital": (
            "J'ai vingt-quatre ans et je passe mes journées à tester de nouveaux outils d'IA.",
            "Je gère les réseaux sociaux de mon service et j'aime expliquer comment ils "
            "fonctionnent.",
        ),
    },
    "en": {
        "tech_eng": (
            "Fifteen years in software, the last five leading a platform team.",
            "I started as an apprentice at a small web agency and now run an engineering "
            "group.",
        ),
        "tech_product": (
            "I've worked in product for ten years, first at startups, then at a large company.",
            "After years designing interfaces, I now lead a product team.",
        ),
        "tech_data": (
            "I've been shipping machine learning models to production for eight years.",
            "My path went from government statistics to data science in industry.",
        ),
        "sales": (
            "Twelve years of B2B sales, from cold calls to running the sales floor.",
            "I manage a portfolio of key accounts and love passing on what works.",
        ),
        "bank_finance": (
            "Twenty years in corporate finance, including several in mergers and acquisitions.",
            "I lead financial planning and analysis at a regional bank.",
        ),
        "bank_risk": (
            "I've worked in banking compliance since the 2008 crisis.",
            "My job is turning regulation into simple rules teams can follow.",
        ),
        "hr": (
            "I've been an HR manager for ten years and have hired several hundred people.",
            "I support managers through the delicate moments: hiring, conflict, departures.",
        ),
        "hospital_care": (
            "Eighteen years of nursing, ten of them in paediatric emergency care.",
            "I've trained the new nurses of our intensive care unit for several years.",
        ),
        "hospital_admin": (
            "I run patient-care operations for a six-hundred-bed hospital.",
            "After fifteen years at the bedside, I now work in hospital administration.",
        ),
        "city_hall": (
            "I've worked at City Hall for twenty years, from public records to urban planning.",
            "I lead neighbourhood redevelopment projects together with residents.",
        ),
        "entrepreneur": (
            "I've founded two companies, one of which failed and taught me a lot.",
            "I run a small food-processing business with fifteen employees.",
        ),
        "executive": (
            "I sit on the executive committee after a career that started as a bank teller.",
            "Thirty years of career across three countries, and still keen to pass it on.",
        ),
        "digital": (
            "I'm twenty-four and spend my days testing new AI tools.",
            "I run my department's social media accounts and enjoy explaining how they work.",
        ),
    },
}

_OFFER: dict[str, dict[str, str]] = {
    "fr": {
        "project_management": "Je peux aider à structurer un projet, du cadrage au bilan.",
        "product_management": (
            "Je peux partager ma façon de prioriser une feuille de route et de dire non avec "
            "tact."
        ),
        "public_speaking": (
            "Je peux vous faire répéter une présentation et vous donner un retour franc."
        ),
        "leadership": "J'aime aider les nouveaux managers à trouver leur propre style.",
        "team_management": (
            "Je peux partager des outils simples pour les entretiens individuels et les réunions "
            "d'équipe."
        ),
        "negotiation": (
            "Je peux préparer avec vous une négociation, salariale ou commerciale, par des jeux "
            "de rôle."
        ),
        "career_change": (
            "Ayant changé de métier deux fois, je peux aider à préparer une reconversion."
        ),
        "python": "Je peux relire votre code Python et proposer des exercices adaptés.",
        "machine_learning": (
            "Je peux expliquer le machine learning sans jargon et aider à cadrer un premier "
            "projet."
        ),
        "data_analysis": "Je peux aider à passer d'un tableur à de vraies analyses en SQL.",
        "software_engineering": (
            "Je peux faire des revues de code et parler architecture autour d'un café virtuel."
        ),
        "ux_design": "Je peux montrer comment mener des entretiens utilisateurs sans gros budget.",
        "corporate_finance": (
            "Je peux rendre un bilan ou un compte de résultat lisible en une séance."
        ),
        "compliance": (
            "Je peux aider à s'orienter dans la réglementation bancaire et les métiers du risque."
        ),
        "hr": "Je peux expliquer les métiers RH et les chemins pour y évoluer.",
        "cv_interviews": "Je relis volontiers des CV et je fais passer des entretiens blancs.",
        "nursing": (
            "Je peux partager mon expérience du terrain et aider à préparer une spécialisation."
        ),
        "healthcare_management": "Je peux raconter sans fard le métier de cadre de santé.",
        "public_sector": (
            "Je peux expliquer comment fonctionnent une mairie et ses projets, vus de "
            "l'intérieur."
        ),
        "entrepreneurship": (
            "Je peux challenger un projet d'entreprise et partager mes erreurs pour vous les "
            "éviter."
        ),
        "marketing": "Je peux aider à construire un plan marketing avec peu de moyens.",
        "sales": "Je peux partager mes scripts de prospection et écouter vos appels avec vous.",
        "networking": "Je peux présenter des personnes de mon réseau quand c'est pertinent.",
        "stress": "Je peux parler ouvertement d'équilibre et de prévention de l'épuisement.",
        "confidence": (
            "J'aide volontiers à travailler la confiance en soi et le syndrome de l'imposteur."
        ),
        "orientation": (
            "Je peux parler orientation avec des lycéens et leur raconter mon parcours."
        ),
        "apprenticeship": (
            "J'ai accueilli plusieurs alternants et je peux expliquer comment convaincre une "
            "entreprise."
        ),
        "generative_ai": (
            "Je peux montrer des usages concrets de l'IA générative, et leurs limites."
        ),
        "social_media": (
            "Je peux expliquer les codes de chaque réseau social et aider à trouver le bon ton."
        ),
    },
    "en": {
        "project_management": "I can help structure a project, from kick-off to retrospective.",
        "product_management": (
            "I can share how I prioritise a roadmap and say no without burning bridges."
        ),
        "public_speaking": "I'm happy to rehearse a talk with you and give candid feedback.",
        "leadership": "I enjoy helping new managers find a style of their own.",
        "team_management": "I can share simple tools for one-to-ones and team meetings.",
        "negotiation": (
            "We can prepare a negotiation together, salary or sales, with role play."
        ),
        "career_change": (
            "Having changed careers twice, I can help you plan a switch of your own."
        ),
        "python": "I can review your Python code and suggest exercises that fit your level.",
        "machine_learning": (
            "I can explain machine learning without jargon and help scope a first project."
        ),
        "data_analysis": "I can help you move from spreadsheets to real analysis in SQL.",
        "software_engineering": "I can do code reviews and talk system design over a coffee.",
        "ux_design": "I can show you how to run user interviews on a shoestring.",
        "corporate_finance": "I can make a balance sheet readable in a single session.",
        "compliance": "I can help you find your way around banking regulation and risk careers.",
        "hr": "I can explain HR roles and the paths that lead to them.",
        "cv_interviews": "I'm glad to review resumes and run mock interviews.",
        "nursing": "I can share what the wards have taught me and help plan a specialisation.",
        "healthcare_management": "I can give an honest picture of the nurse manager job.",
        "public_sector": "I can explain how City Hall and its projects work from the inside.",
        "entrepreneurship": (
            "I can stress-test a business idea and share my mistakes so you can skip them."
        ),
        "marketing": "I can help build a marketing plan on a tight budget.",
        "sales": "I can share my prospecting scripts and listen to your calls with you.",
        "networking": "I can introduce you to people in my network when it makes sense.",
        "stress": "I'm open about balance and about avoiding burnout.",
        "confidence": "I like helping people work on confidence and impostor syndrome.",
        "orientation": "I'm happy to talk study choices with teenagers and share my own path.",
        "apprenticeship": (
            "I've hosted several apprentices and can explain how to win an employer over."
        ),
        "generative_ai": "I can show practical uses of generative AI, and where it falls short.",
        "social_media": (
            "I can explain the unwritten rules of each social network and help find the right "
            "tone."
        ),
    },
}

_MENTOR_CLOSERS: dict[str, tuple[str, ...]] = {
    "fr": (
        "Je suis plutôt disponible en visio.",
        "J'aime les échanges directs et bienveillants.",
        "Parent de deux ados, je sais ce que jongler veut dire.",
        "Je réponds vite sur la messagerie.",
        "Mon premier mentor m'a beaucoup apporté et je veux rendre la pareille.",
        "Je parle volontiers aussi de mes échecs.",
        "Une séance par mois me semble un bon rythme.",
    ),
    "en": (
        "Video calls suit me best.",
        "I like conversations that are direct and kind.",
        "As a parent of two teenagers, I know what juggling means.",
        "I reply quickly on chat.",
        "My first mentor helped me a lot and I want to pay it forward.",
        "I'm happy to talk about my failures too.",
        "Once a month feels like a good rhythm to me.",
    ),
}


# --- Generation ---------------------------------------------------------------------------


@dataclass
class _Plan:
    """A person being drawn; mutable until rendered into a DemoPerson."""

    role: str
    language: str
    kind: str  # mentors: regular|digital|founder; mentees: regular|youth|reverse|hard
    track: str = ""
    display_name: str = ""
    languages: tuple[str, ...] = ()
    timezone: str = ""
    seniority: int = 0
    department: str = ""
    capacity: int = 0
    offers: list[str] = field(default_factory=list)
    seeks: list[str] = field(default_factory=list)  # cluster keys, or _NICHE keys
    availability: tuple[Slot, ...] = ()

    @property
    def mentors(self) -> bool:
        return self.role != "mentee"

    @property
    def wants_mentor(self) -> bool:
        return self.role != "mentor"


def demo_people(seed: int = 2026, count: int = 60) -> list[DemoPerson]:
    """Return `count` fictional participants, the same list for the same seed.

    Roles are split 45 % mentors, 45 % mentees, 10 % both; languages alternate so French
    and English speakers are even. Whenever there is at least one mentor, every mentee
    shares a language with some mentor. Most mentees also share a topic with such a
    mentor; about one in nine on purpose does not (a niche topic, or one only offered in
    a language they do not speak). Raises ValueError if `count` is negative.
    """
    if count < 0:
        raise ValueError("count must be >= 0")
    rng = random.Random(seed)
    plans = _cast(count)
    names = _NameBook(rng)
    for plan in plans:
        _draw(plan, rng, names)
    _share_a_language(plans)
    _match_topics(plans, rng)
    taken: set[str] = set()
    people = [_render(plan, rng, taken) for plan in plans]
    rng.shuffle(people)
    return people


def _round(value: float) -> int:
    return int(value + 0.5)  # half up, unlike round(), so 4.5 mentors means 5


def _cast(count: int) -> list[_Plan]:
    """Roles, bot languages and kinds, before anything random is drawn."""
    n_both = _round(count * 0.10)
    n_mentor = min(_round(count * 0.45), count - n_both)
    n_mentee = count - n_both - n_mentor
    # Mentors start with French and mentees with English so odd groups even out.
    mentors = [_Plan("mentor", ("fr", "en")[i % 2], "regular") for i in range(n_mentor)]
    mentees = [_Plan("mentee", ("en", "fr")[i % 2], "regular") for i in range(n_mentee)]
    peers = [_Plan("both", ("fr", "en")[i % 2], "regular") for i in range(n_both)]

    kinds = (
        ["reverse"] * min(2, n_mentee // 8)
        + ["hard"] * (n_mentee // 9)
        + ["youth"] * (_round(n_mentee * 0.15) if n_mentee >= 5 else 0)
    )
    for plan, kind in zip(mentees, kinds, strict=False):
        plan.kind = kind
    # Each reverse mentee needs a young mentor in the same language; one founder mentors.
    for language in (p.language for p in mentees if p.kind == "reverse"):
        young = next((m for m in mentors if m.kind == "regular" and m.language == language), None)
        if young is not None:
            young.kind = "digital"
    if n_mentor >= 4:
        founder = next((m for m in reversed(mentors) if m.kind == "regular"), None)
        if founder is not None:
            founder.kind = "founder"
    return mentors + mentees + peers


class _NameBook:
    """Hands out display names, each origin's hand-picked names first, then remixes."""

    def __init__(self, rng: random.Random) -> None:
        self._rng = rng
        self._left: dict[str, list[str]] = {}
        self._used: set[str] = set()

    def take(self, origin_key: str) -> str:
        left = self._left.get(origin_key)
        if left is None:
            left = list(_ORIGINS[origin_key].names)
            self._rng.shuffle(left)
            self._left[origin_key] = left
        if not left:
            left.extend(self._remixes(origin_key))
        if not left:  # a huge cast: names repeat, handles still get a number
            return self._rng.choice(_ORIGINS[origin_key].names)
        name = left.pop()
        self._used.add(name)
        return name

    def _remixes(self, origin_key: str) -> list[str]:
        # First names crossed with surnames of the same origin keep the cast plausible.
        names = _ORIGINS[origin_key].names
        firsts = sorted({n.split(" ", 1)[0] for n in names})
        lasts = sorted({n.split(" ", 1)[1] for n in names})
        mixes = [f"{f} {s}" for f in firsts for s in lasts if f"{f} {s}" not in self._used]
        self._rng.shuffle(mixes)
        return mixes


def _weighted(rng: random.Random, options: dict[str, float]) -> str:
    keys = [key for key, weight in options.items() if weight > 0]
    return rng.choices(keys, weights=[options[key] for key in keys])[0]


def _choose_track(plan: _Plan, rng: random.Random) -> str:
    fixed = {"digital": "digital", "founder": "entrepreneur", "youth": "youth",
             "reverse": "executive"}
    if plan.kind in fixed:
        return fixed[plan.kind]
    if plan.role == "mentor":
        return _weighted(rng, {k: t.mentor_weight for k, t in _TRACKS.items()})
    if plan.role == "both":
        return _weighted(rng, {k: t.peer_weight for k, t in _TRACKS.items()})
    return _weighted(rng, {k: t.mentee_weight for k, t in _TRACKS.items()})


def _draw(plan: _Plan, rng: random.Random, names: _NameBook) -> None:
    """Fill in who the person is: origin, name, languages, place, job, topics, hours."""
    plan.track = _choose_track(plan, rng)
    track = _TRACKS[plan.track]
    origins = {
        key: origin.weight
        for key, origin in _ORIGINS.items()
        if origin.language == plan.language
        and (plan.kind != "youth" or _school_zones(origin, plan.language))
    }
    origin_key = _weighted(rng, origins)
    origin = _ORIGINS[origin_key]
    plan.display_name = names.take(origin_key)
    plan.languages = _spoken(origin, plan.language, rng)

    if plan.kind == "youth":
        plan.timezone = rng.choice(_school_zones(origin, plan.language))
        plan.department = rng.choice(_SCHOOLS[(plan.language, plan.timezone)])
    else:
        plan.timezone = rng.choice(origin.timezones)
        plan.department = rng.choice(track.departments[plan.language])

    plan.seniority = _seniority(plan, track, rng)
    plan.capacity = _capacity(plan, rng)
    if plan.mentors:
        size = rng.choices((1, 2) if plan.role == "both" else (2, 3, 4), k=1)[0]
        plan.offers = rng.sample(track.offers, min(size, len(track.offers)))
    if plan.wants_mentor:
        wanted = [c for c in track.seeks if c not in plan.offers]
        size = rng.choices((1, 2, 3), weights=(3, 4, 3))[0]
        plan.seeks = rng.sample(wanted, min(size, len(wanted)))
    schedule = track.schedule
    if schedule == "student" and plan.timezone in ("Europe/Paris", "Europe/Brussels"):
        schedule = "student_fr"
    plan.availability = _availability(schedule, rng)


def _school_zones(origin: _Origin, language: str) -> list[str]:
    return sorted({tz for tz in origin.timezones if (language, tz) in _SCHOOLS})


def _spoken(origin: _Origin, language: str, rng: random.Random) -> tuple[str, ...]:
    spoken = [language]
    for other, share in origin.spoken:
        if rng.random() < share and other not in spoken:
            spoken.append(other)
    return tuple(spoken)


def _seniority(plan: _Plan, track: _Track, rng: random.Random) -> int:
    if plan.kind == "youth":
        return 1
    if plan.kind == "reverse":
        return rng.choice((4, 5, 5))
    if plan.role == "mentor":
        return rng.choice(track.mentor_seniority)
    return rng.choice((2, 2, 3))


def _capacity(plan: _Plan, rng: random.Random) -> int:
    if plan.role == "mentee":
        return 0
    if plan.role == "both" or plan.seniority >= 5:  # busy people take one or two
        return rng.choice((1, 2))
    return rng.choices((1, 2, 3, 4), weights=(2, 4, 3, 1))[0]


def _availability(schedule: str, rng: random.Random) -> tuple[Slot, ...]:
    """1-4 slots from the schedule's patterns, at most one per weekday, sorted."""
    patterns = _SCHEDULES[schedule]
    wanted = rng.choices((1, 2, 3, 4), weights=(3, 8, 6, 3))[0]
    slots: dict[int, Slot] = {}
    for attempt in range(12):
        if len(slots) >= wanted:
            break
        # The first slot comes from the main pattern, whose days are all still free.
        days, windows, _ = (
            patterns[0] if attempt == 0 else rng.choices(patterns, [p[2] for p in patterns])[0]
        )
        free = [day for day in days if day not in slots]
        if not free:
            continue
        day = rng.choice(free)
        start, end = rng.choice(windows)
        slots[day] = (day, start, end)
    return tuple(sorted(slots.values()))


def _share_a_language(plans: Sequence[_Plan]) -> None:
    """Give a mentee the language of the mentors if none of them speaks the mentee's."""
    speakers: dict[str, int] = {}
    for plan in plans:
        if plan.mentors:
            for lang in plan.languages:
                speakers[lang] = speakers.get(lang, 0) + 1
    if not speakers:
        return
    most_spoken = max(sorted(speakers), key=lambda lang: speakers[lang])
    for plan in plans:
        if not plan.wants_mentor:
            continue
        if not any(speakers.get(lang, 0) - plan.mentors > 0 for lang in plan.languages):
            plan.languages = (*plan.languages, most_spoken)


def _offer_index(plans: Sequence[_Plan]) -> dict[str, dict[str, int]]:
    """language -> cluster -> lowest seniority of a mentor offering it in that language."""
    index: dict[str, dict[str, int]] = {}
    for plan in plans:
        if not plan.mentors:
            continue
        for lang in plan.languages:
            by_cluster = index.setdefault(lang, {})
            for cluster in plan.offers:
                by_cluster[cluster] = min(by_cluster.get(cluster, 9), plan.seniority)
    return index


def _reachable(plan: _Plan, index: dict[str, dict[str, int]]) -> set[str]:
    """Clusters some other mentor sharing a language offers (younger, for reverse)."""
    found: set[str] = set()
    for lang in plan.languages:
        for cluster, youngest in index.get(lang, {}).items():
            if plan.kind != "reverse" or youngest < plan.seniority:
                found.add(cluster)
    # A peer never seeks what it offers, so its own offers cannot make a match.
    return found - set(plan.offers)


def _match_topics(plans: Sequence[_Plan], rng: random.Random) -> None:
    """Make most mentees findable and a few, on purpose, hard to place."""
    index = _offer_index(plans)
    niches = sorted(_NICHE)
    rng.shuffle(niches)
    stranded_done = False
    for plan in plans:
        if not plan.wants_mentor:
            continue
        if plan.kind == "hard":
            if not stranded_done and _strand(plan, index, rng):
                stranded_done = True
            else:
                plan.seeks = [niches.pop() if niches else rng.choice(sorted(_NICHE))]
            continue
        reachable = _reachable(plan, index)
        if not reachable or reachable & set(plan.seeks):
            continue
        track = _TRACKS[plan.track]
        fitting = [c for c in track.seeks if c in reachable] or sorted(reachable)
        swap = rng.choice(fitting)
        plan.seeks = [swap, *(c for c in plan.seeks[1:] if c != swap)]


def _strand(plan: _Plan, index: dict[str, dict[str, int]], rng: random.Random) -> bool:
    """Seek a topic that only mentors speaking another language offer, if one exists."""
    if not index.get(plan.language):
        return False
    plan.languages = (plan.language,)
    reachable = _reachable(plan, index)
    elsewhere = {c for clusters in index.values() for c in clusters} - reachable
    elsewhere -= set(plan.offers)
    if not elsewhere:
        return False
    # The topic must fit the person's job, or the case reads as noise instead of bad luck.
    fitting = [c for c in _TRACKS[plan.track].seeks if c in elsewhere]
    if fitting:
        plan.seeks = [rng.choice(fitting)]
        return True
    plan.seeks = [rng.choice(sorted(elsewhere))]
    jobs = [k for k, t in _TRACKS.items() if t.mentee_weight > 0 and plan.seeks[0] in t.seeks]
    if jobs:
        plan.track = rng.choice(jobs)
        plan.department = rng.choice(_TRACKS[plan.track].departments[plan.language])
    return True


# --- Rendering ----------------------------------------------------------------------------


def _render(plan: _Plan, rng: random.Random, taken: set[str]) -> DemoPerson:
    return DemoPerson(
        handle=_unique_handle(plan.display_name, taken),
        display_name=plan.display_name,
        language=plan.language,
        role=plan.role,
        topics_sought=_typed_topics(plan.seeks, plan.language, rng),
        topics_offered=_typed_topics(plan.offers, plan.language, rng),
        goals=_goals(plan, rng),
        languages=plan.languages,
        timezone=plan.timezone,
        availability=plan.availability,
        seniority=plan.seniority,
        department=plan.department,
        capacity=plan.capacity,
        reverse=plan.kind == "reverse",
    )


def _unique_handle(display_name: str, taken: set[str]) -> str:
    """"Marie-Ève N'Diaye" -> "marie.eve.ndiaye"; a repeat gets "2", "3", ..."""
    ascii_name = unicodedata.normalize("NFKD", display_name).encode("ascii", "ignore").decode()
    ascii_name = ascii_name.lower().replace("'", "")
    words = "".join(ch if ch.isalnum() else " " for ch in ascii_name).split()
    base = ".".join(words) or "person"
    handle, number = base, 1
    while handle in taken:
        number += 1
        handle = f"{base}{number}"
    taken.add(handle)
    return handle


def _typed_topics(keys: Sequence[str], language: str, rng: random.Random) -> str:
    """Join topics the way people type them: varied spelling, case and separators."""
    typed = [_typed_topic(key, language, rng) for key in keys]
    separator = rng.choices((", ", ",", " , "), weights=(8, 2, 1))[0]
    return separator.join(typed)


def _typed_topic(key: str, language: str, rng: random.Random) -> str:
    if key in _NICHE:
        return _NICHE[key][language][0]
    spelling = rng.choice(TOPIC_SPELLINGS[key][language])
    roll = rng.random()
    if roll < 0.15:
        return spelling[0].upper() + spelling[1:]
    # Lower case is how people type in a hurry, but "pm" or "icu nursing" would read as typos.
    has_acronym = any(len(word) > 1 and word.isupper() for word in spelling.split())
    if roll < 0.25 and not has_acronym:
        return spelling.lower()
    return spelling


def _goals(plan: _Plan, rng: random.Random) -> str:
    """1-3 sentences: a mentee's goals, or a mentor's background and offer."""
    lang = plan.language
    if plan.role == "mentor":
        parts = [
            rng.choice(_BACKGROUND[lang][plan.track]),
            _OFFER[lang][plan.offers[0]],
        ]
        if rng.random() < 0.4:
            parts.append(rng.choice(_MENTOR_CLOSERS[lang]))
    elif plan.role == "both":
        parts = [_OFFER[lang][plan.offers[0]]]
        if plan.seeks:
            parts.append(_seek_sentence(plan, plan.seeks[0], rng))
        if rng.random() < 0.3:
            parts.append(rng.choice(_MENTEE_CLOSERS[lang]))
    else:
        parts = [_seek_sentence(plan, plan.seeks[0], rng)] if plan.seeks else []
        if plan.kind == "reverse":
            parts = [rng.choice(_REVERSE[lang])]
        elif len(plan.seeks) > 1 and rng.random() < 0.4:
            parts.append(_seek_sentence(plan, plan.seeks[1], rng))
        closers = _YOUTH_CLOSERS if plan.kind == "youth" else _MENTEE_CLOSERS
        if len(parts) < 3 and (not parts or rng.random() < 0.6):
            parts.append(rng.choice(closers[lang]))
    return " ".join(parts)


def _seek_sentence(plan: _Plan, key: str, rng: random.Random) -> str:
    lang = plan.language
    if key in _NICHE:
        return _NICHE[key][lang][1]
    if plan.kind == "youth" and key in _YOUTH_SEEK[lang]:
        return rng.choice(_YOUTH_SEEK[lang][key])
    return rng.choice(_SEEK[lang][key])
