"""The words of the simulated programme: industries, educations, themes, statements.

Why: realistic Danish text makes the demo believable to an administrator and exercises the
Danish letters everywhere. Nothing here is random; the generators pick from these lists.
"""

from __future__ import annotations

from dataclasses import dataclass

from research.domain.industry import COMMON_REGIONAL_INDUSTRIES, ten_group_for_db07


@dataclass(frozen=True)
class IndustryProfile:
    """How a DB07 industry looks in the simulation."""

    db07: str
    weight: float  # share of the company universe (relative)
    median_employees: float
    female_share: float  # among unskilled and skilled employees
    word: str  # for the made-up company name
    euv: tuple[str, ...]  # EUV educations its unskilled employees take

    @property
    def ten_group(self) -> int:
        return ten_group_for_db07(self.db07)


# fmt: off
_PROFILES: dict[str, tuple[float, float, float, str, tuple[str, ...]]] = {
    "412000": (5.0, 25, 0.08, "Byg", ("Murer", "Tømrer", "Struktør")),
    "432100": (5.0, 15, 0.05, "El", ("Elektriker",)),
    "432200": (4.0, 12, 0.04, "VVS", ("VVS-energispecialist",)),
    "433200": (4.0, 10, 0.05, "Tømrer", ("Tømrer",)),
    "433410": (3.0, 8, 0.20, "Maler", ("Maler",)),
    "251100": (2.0, 30, 0.10, "Stål", ("Smed", "Industrioperatør")),
    "256200": (2.0, 25, 0.10, "Maskin", ("Industritekniker", "Industrioperatør")),
    "212000": (1.0, 300, 0.45, "Pharma", ("Procesoperatør", "Industrioperatør")),
    "331200": (1.5, 15, 0.08, "Maskinservice", ("Industritekniker", "Smed")),
    "452010": (3.0, 8, 0.07, "Auto", ("Automekaniker",)),
    "469000": (3.0, 25, 0.35, "Engros", ("Lager- og terminaluddannelsen", "Handelsuddannelsen")),
    "471120": (4.0, 35, 0.55, "Super", ("Detailhandelsuddannelsen",)),
    "494100": (3.0, 20, 0.08, "Transport", ("Chaufføruddannelsen",)),
    "521000": (2.0, 40, 0.20, "Lager", ("Lager- og terminaluddannelsen",)),
    "532000": (1.5, 30, 0.25, "Kurér", ("Lager- og terminaluddannelsen", "Chaufføruddannelsen")),
    "551010": (2.5, 45, 0.55, "Hotel", ("Receptionist", "Gastronom", "Tjener")),
    "561010": (4.0, 15, 0.50, "Restaurant", ("Gastronom", "Tjener")),
    "562100": (1.0, 15, 0.60, "Catering", ("Gastronom", "Ernæringsassistent")),
    "620100": (2.0, 20, 0.25, "Software", ("Data- og kommunikationsuddannelsen",)),
    "620200": (2.0, 20, 0.25, "IT-rådgivning", ("IT-supporter",)),
    "692000": (2.0, 15, 0.60, "Revision", ("Kontoruddannelsen",)),
    "782000": (2.0, 60, 0.40, "Vikar", ("Industrioperatør", "Lager- og terminaluddannelsen")),
    "812100": (3.5, 40, 0.60, "Rengøring", ("Serviceassistent", "Ejendomsservicetekniker")),
    "813000": (2.0, 12, 0.15, "Anlæg", ("Anlægsgartner",)),
    "871000": (3.0, 60, 0.85, "Pleje", ("Social- og sundhedshjælper",
                                        "Social- og sundhedsassistent")),
    "881000": (2.5, 50, 0.85, "Omsorg", ("Social- og sundhedshjælper", "Pædagogisk assistent")),
}
# fmt: on

INDUSTRIES: tuple[IndustryProfile, ...] = tuple(
    IndustryProfile(code, *_PROFILES[code]) for code, _title in COMMON_REGIONAL_INDUSTRIES
)

AU_EDUCATIONS: dict[int, tuple[str, ...]] = {
    2: ("Akademiuddannelse i innovation, produkt og produktion", "Akademiuddannelse i ledelse"),
    3: ("Akademiuddannelse i byggeri", "Akademiuddannelse i ledelse"),
    4: ("Akademiuddannelse i logistik og supply chain management", "Akademiuddannelse i salg"),
    5: ("Akademiuddannelse i informationsteknologi",),
    8: ("Akademiuddannelse i økonomi og ressourcestyring", "Akademiuddannelse i ledelse"),
    9: ("Akademiuddannelse i sundhedspraksis", "Akademiuddannelse i ledelse"),
}
AU_DEFAULT = ("Akademiuddannelse i ledelse",)

AMU_UNSKILLED: tuple[str, ...] = (
    "AMU: Truckcertifikat",
    "AMU: Arbejdsmiljø og sikkerhed",
    "AMU: Hygiejne for køkkenpersonale",
    "AMU: Grundlæggende IT på arbejdspladsen",
    "AMU: Dansk som andetsprog på arbejdspladsen",
    "AMU: Lager og logistik, grundlæggende",
    "AMU: Rengøringsteknik",
    "Enkeltfag: Dansk",
)
AMU_SKILLED: tuple[str, ...] = (
    "AMU: Lean i produktionen",
    "AMU: Grundlæggende ledelse",
    "AMU: Svejsecertifikat",
    "AMU: Projektledelse",
    "AMU: Kvalitetssikring og dokumentation",
    "AMU: Energirenovering",
)
PREP_EDUCATION: dict[str, str] = {
    "access_course": "Adgangskursus: dansk og matematik",
    "fvu": "FVU-læsning og FVU-matematik",
    "avu": "AVU: dansk og matematik G-niveau",
}

NETWORK_THEMES: dict[int, tuple[str, ...]] = {
    2: ("Automatisering og robotter", "Lean og produktionsoptimering", "Grøn produktion"),
    3: ("Grøn omstilling i byggeriet", "Digitalt byggeri", "Renovering og energi"),
    4: ("Grøn logistik", "Service og salg i detailhandlen", "Fødevaresikkerhed og hygiejne"),
    5: ("IT-sikkerhed i SMV'er", "Digitalisering af forretningen"),
    8: ("Faglærte servicemedarbejdere", "Digital administration", "Rekruttering og fastholdelse"),
    9: ("Velfærdsteknologi", "Rehabilitering og pleje"),
}
NETWORK_THEME_DEFAULT = ("Kompetenceudvikling i SMV'er",)

SURVEY_THEMES: dict[str, tuple[str, ...]] = {
    "Faglige kompetencer": (
        "Vi mangler faglærte medarbejdere inden for vores kerneområde",
        "Vores ufaglærte medarbejdere kan løfte flere opgaver med en uddannelse",
        "Vi har behov for at opkvalificere medarbejdere til nye maskiner og teknologier",
        "Medarbejderne mangler certifikater, som kunderne efterspørger",
        "Vi har svært ved at rekruttere faglærte",
        "Vi vil gerne have flere voksenlærlinge",
    ),
    "Digitalisering": (
        "Vores medarbejdere har brug for bedre digitale kompetencer",
        "Nye IT-systemer stiller krav, vi ikke kan honorere i dag",
        "Vi mangler viden om automatisering",
        "Data bruges for lidt i vores daglige drift",
        "Medarbejderne har brug for kurser i grundlæggende IT",
        "Vi overvejer at indføre robotter eller automatik",
    ),
    "Grøn omstilling": (
        "Kunderne efterspørger grønnere løsninger",
        "Vi mangler kompetencer til energieffektivisering",
        "Vores medarbejdere kender ikke de nye miljøkrav godt nok",
        "Vi vil reducere spild og ressourceforbrug",
        "Vi har brug for viden om cirkulær økonomi",
        "Grøn omstilling kræver nye faglige kompetencer hos os",
    ),
    "Ledelse og organisering": (
        "Vores mellemledere har brug for ledelsesuddannelse",
        "Vi har svært ved at planlægge uddannelse ind i driften",
        "Vi mangler et overblik over medarbejdernes kompetencer",
        "Vi vil gerne arbejde mere systematisk med kompetenceudvikling",
        "Det er svært at undvære medarbejdere i skoleperioder",
        "Vi har brug for hjælp til at søge VEU-godtgørelse og refusion",
    ),
    "Basale færdigheder": (
        "Nogle medarbejdere har svært ved at læse instruktioner",
        "Nogle medarbejdere har brug for at styrke deres dansk",
        "Regning og måling giver fejl i det daglige arbejde",
        "Vi har medarbejdere, der ikke har taget en uddannelse siden folkeskolen",
        "Skriftlig dokumentation er en udfordring for flere medarbejdere",
        "Vi vil gerne tilbyde FVU på arbejdspladsen",
    ),
    "Arbejdsmiljø og fastholdelse": (
        "Vi har for høj personaleomsætning",
        "Uddannelse vil gøre det lettere at fastholde medarbejdere",
        "Arbejdsmiljøet kan forbedres med bedre oplæring",
        "Vi mangler kompetencer inden for sikkerhed",
        "Seniormedarbejdere har brug for ny viden",
        "Vi vil gerne give medarbejderne bedre karrieremuligheder",
    ),
}

OWN_NEEDS: tuple[str, ...] = (
    "Vi mangler en faglært elektriker",
    "Behov for truckcertifikater til lageret",
    "Ønsker FVU for tre medarbejdere",
    "Mellemledere skal have en lederuddannelse",
    "Vi vil uddanne to ufaglærte til faglærte",
    "Behov for kursus i robotbetjening",
    "Vi søger voksenlærlinge",
    "Hjælp til at planlægge skoleperioder",
    "Hygiejnekursus til nye medarbejdere",
    "Medarbejdere skal kunne dokumentere digitalt",
)

WS2_OFFERS: dict[str, tuple[str, ...]] = {
    "adapt_offer": (
        "Tilpasset EUV-forløb med skoleperioder uden for højsæson",
        "Virksomhedsforlagt AMU-forløb",
        "Tilpasset akademimodul i ledelse",
    ),
    "existing_offer": (
        "AMU-pakke: digitale kompetencer",
        "AMU-pakke: grøn omstilling",
        "FVU på arbejdspladsen",
        "EUV1 via RKV",
    ),
    "recruitment_referral": ("Jobservice (demo)", "A-kasse (demo)", "Jobcenter"),
}

SUBJECT_AREAS: tuple[str, ...] = (
    "Faglige kerneopgaver",
    "Digitale kompetencer",
    "Dansk og kommunikation",
    "Matematik og måling",
    "Arbejdsmiljø og sikkerhed",
    "Grøn omstilling",
    "Ledelse",
    "Kvalitet og dokumentation",
    "Kundeservice",
    "Automatisering og teknologi",
    "Logistik og planlægning",
    "Hygiejne",
)

# Context, mechanism (resource, reasoning), outcome, status, linked metric; the planted
# effects in the data are what these observations hypothesise.
CMO_OBSERVATIONS: tuple[tuple[str, str, str, str, str, str], ...] = (
    (
        "Små byggevirksomheder i et netværk med fælles WS1",
        "Netværksfacilitering og fælles behovsafdækning",
        "Virksomhederne ser, at kolleger i branchen bruger EUV, og tør selv sende medarbejdere",
        "Flere tilmeldinger og højere gennemførelse blandt netværksrekrutterede",
        "supported",
        "completion_by_route",
    ),
    (
        "Ledige med kort uddannelse henvist fra jobcentre",
        "Lange forløb (EUV2/EUV3) med skoleperioder",
        "Økonomisk usikkerhed gør det svært at holde fast i et langt forløb",
        "Højere frafald end for beskæftigede",
        "supported",
        "completion_by_route",
    ),
    (
        "Deltagere under 02-kravet i dansk og matematik",
        "Forberedende FVU/adgangskursus før EUV-start",
        "Deltagerne får tillid til at kunne klare skoledelen",
        "Markant højere gennemførelse for dem under 02-kravet, lille effekt for andre",
        "supported",
        "completion_prep_interaction",
    ),
    (
        "Virksomheder med mange erfarne ufaglærte",
        "RKV med standardiseret praksis på tværs af skolerne",
        "Medarbejderne oplever, at deres erfaring tæller",
        "Flere på EUV1 og kortere forløb",
        "hypothesised",
        "euv_track_mix",
    ),
    (
        "Virksomheder kontaktet af mange aktører",
        "Koordinering i advisory board og fælles kontaktlog",
        "Virksomhederne oplever færre og mere relevante henvendelser",
        "Færre forskellige aktører pr. virksomhed over tid",
        "refined",
        "contacts_per_company",
    ),
    (
        "Deltagende virksomheder i industrien",
        "Kompetenceforsyningsplan koblet til RKV-planer",
        "Ledelsen prioriterer uddannelse som en del af driften",
        "Stigende andel faglærte i de deltagende virksomheder",
        "hypothesised",
        "skilled_share_did",
    ),
    (
        "Virksomheder i højsæson (hotel og restauration)",
        "Skoleperioder lagt uden for højsæson (WS2: tilpasset tilbud)",
        "Virksomheden kan undvære medarbejderen i skoleperioden",
        "Færre afbrud begrundet i arbejdspres",
        "hypothesised",
        "dropout_reasons",
    ),
    (
        "Ledige over 50 år",
        "Jobcenterkonsulentens opfølgning efter forløbet",
        "Deltagerne bruger uddannelsen aktivt i jobsøgningen",
        "Højere beskæftigelse seks måneder efter end sammenlignelige ikke-deltagere",
        "hypothesised",
        "employment_6_months",
    ),
)
RESEARCHERS: tuple[str, ...] = ("Demo-aktionsforsker A", "Demo-aktionsforsker B")
CMO_SOURCES: tuple[str, ...] = ("Interview", "Workshop-observation", "Logbog", "Fokusgruppe")
