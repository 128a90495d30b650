"""What each progress indicator counts, in Danish.

Why in the kit: the progress report's caveats box and the seminar deck's speaker notes define
the same indicators, and must do so in the same words.
"""

from __future__ import annotations

UNITS_DA: dict[str, str] = {
    "participants": "personer, én gang, fra deres første start på et løft eller et "
    "forberedende forløb (ESF-reglen)",
    "participants_employed": "deltagere, der var beskæftigede eller selvstændige ved første start",
    "participants_unemployed": "deltagere, der var ledige (inkl. langtidsledige) ved første start",
    "rkv": "personer med et RKV-resultat af enhver type, én gang hver, den dag deres første "
    "RKV sluttede (ansøgningen: RKV «for ca. 1.500 deltagere»)",
    "skilled_started": "personer, der er startet på et løft til faglært og ved kvartalets "
    "udgang har gennemført det eller stadig er i gang; et løft forladt uden at gennemføre "
    "tæller ikke fra ophørsdagen (ansøgningens læsning)",
    "skilled_started_all": "personer med et påbegyndt forløb med løft til faglært som formål, "
    "ved første start, inkl. frafald (intet måltal)",
    "skilled_completed": "personer, der har gennemført et forløb med løft til faglært med "
    "bevis, ved ophør",
    "academy_started": "personer, der er startet på et løft til akademiniveau og ved "
    "kvartalets udgang har gennemført det eller stadig er i gang (ansøgningens læsning)",
    "academy_started_all": "personer med et påbegyndt forløb på akademiniveau, ved første "
    "start, inkl. frafald (intet måltal)",
    "academy_completed": "personer, der har gennemført et forløb på akademiniveau, ved ophør",
    "consultants": "ledere og konsulenter, der er kommet med i det fælles koncept, fra den dag "
    "de kom med, også dem, der siden er gået",
    "consultants_current": "ledere og konsulenter i det fælles koncept på kvartalets sidste dag "
    "(intet måltal)",
    "companies_contacted": "forskellige virksomheder, ved projektets første kontakt",
    "networks": "netværk, på den dag de blev etableret",
    "companies_in_networks": "forskellige virksomheder, den dag de første gang kom i et "
    "netværk, også dem, der siden er meldt ud",
    "companies_in_networks_current": "forskellige virksomheder, der er medlem af mindst ét "
    "netværk på kvartalets sidste dag",
    "ws1_held": "WS1-workshops, på den dag de blev holdt",
    "ws2_held": "WS2-workshops, på den dag de blev holdt",
    "survey_responses": "virksomheders besvarelser, på den dag de svarede",
    "competence_plans": "forskellige virksomheder, ved deres første plan",
    "side_effect_unskilled": "ufaglærte (H10/H15/H20/H29) med et kursus som sideeffekt, der "
    "ikke er deltagere på kvartalets sidste dag (tæller ikke med i måltal)",
    "side_effect_skilled": "faglærte (H30/H35) med et kursus som sideeffekt, der ikke er "
    "deltagere på kvartalets sidste dag (tæller ikke med i måltal)",
    "side_effect_other": "personer med videregående (H40-H80) eller uoplyst (H90) uddannelse "
    "med et kursus som sideeffekt, der ikke er deltagere (intet måltal)",
}
"""Danish wording of each ``INDICATORS[i].unit`` (kept here so the metrics stay English)."""
