"""The programme's closed vocabularies.

Each member stores a stable code (what the database holds), a Danish label (what forms and
reports show) and an English label (for the article). Importers accept any of the three, so an
administrator can type "Beskæftiget" where the template documents "employed".
"""

from __future__ import annotations

from enum import StrEnum
from typing import Self


class Coded(StrEnum):
    """A code with Danish and English labels and tolerant parsing."""

    def __new__(cls, value: str, da: str, en: str, *aliases: str) -> Self:
        member = str.__new__(cls, value)
        member._value_ = value
        member.da = da  # type: ignore[attr-defined]
        member.en = en  # type: ignore[attr-defined]
        member.aliases = aliases  # type: ignore[attr-defined]
        return member

    def label(self, lang: str = "da") -> str:
        return self.da if lang == "da" else self.en  # type: ignore[attr-defined]

    @classmethod
    def parse(cls, text: str) -> Self:
        """Return the member named by its code, either label or an alias (case-insensitive)."""
        key = " ".join(str(text).split()).casefold()
        for member in cls:
            names = (member.value, member.da, member.en, *member.aliases)  # type: ignore[attr-defined]
            if key in (n.casefold() for n in names):
                return member
        raise ValueError(f"unknown {cls.__name__} {text!r}; allowed: {cls.allowed()}")

    @classmethod
    def allowed(cls) -> str:
        """The Danish labels, as an administrator would type them."""
        return ", ".join(m.da for m in cls)  # type: ignore[attr-defined]

    @classmethod
    def codes(cls) -> list[str]:
        return [m.value for m in cls]


class Gender(Coded):
    FEMALE = "female", "Kvinde", "Female", "K", "F"
    MALE = "male", "Mand", "Male", "M"


class EmploymentStatus(Coded):
    """Employment status at entry, in the ESF categories (exactly one per participant)."""

    UNEMPLOYED = "unemployed", "Ledig", "Unemployed"
    LONG_TERM_UNEMPLOYED = "long_term_unemployed", "Langtidsledig", "Long-term unemployed"
    INACTIVE = "inactive", "Inaktiv", "Inactive"
    INACTIVE_NOT_IN_EDUCATION = (
        "inactive_not_in_education",
        "Inaktiv, ikke i uddannelse",
        "Inactive, not in education or training",
    )
    EMPLOYED = "employed", "Beskæftiget", "Employed", "Ansat"
    SELF_EMPLOYED = "self_employed", "Selvstændig", "Self-employed"

    @property
    def is_unemployed(self) -> bool:
        return self in (EmploymentStatus.UNEMPLOYED, EmploymentStatus.LONG_TERM_UNEMPLOYED)

    @property
    def is_inactive(self) -> bool:
        return self in (EmploymentStatus.INACTIVE, EmploymentStatus.INACTIVE_NOT_IN_EDUCATION)

    @property
    def is_employed(self) -> bool:
        return self in (EmploymentStatus.EMPLOYED, EmploymentStatus.SELF_EMPLOYED)


class RecruitmentRoute(Coded):
    NETWORK = "network", "Netværk", "Company network"
    ONE_TO_ONE_VISIT = "one_to_one_visit", "Virksomhedsbesøg", "One-to-one visit"
    JOB_CENTRE = "job_centre", "Jobcenter", "Job centre"
    OTHER = "other", "Andet", "Other"


class PartnerKind(Coded):
    LEAD_PARTNER = "lead_partner", "Leadpartner", "Lead partner"
    VOCATIONAL_COLLEGE = "vocational_college", "Erhvervsskole", "Vocational college"
    ACADEMY = "academy", "Erhvervsakademi", "Academy of professional higher education"
    BUSINESS_PROMOTION = "business_promotion", "Erhvervsfremme", "Business promotion"


class InstitutionType(Coded):
    """Which system a company contact comes from: the coordination problem spans all three."""

    EDUCATION = "education", "Uddannelse", "Education"
    BUSINESS_PROMOTION = "business_promotion", "Erhvervsfremme", "Business promotion"
    EMPLOYMENT = "employment", "Beskæftigelse", "Employment"


class ContactKind(Coded):
    ONE_TO_ONE_VISIT = "one_to_one_visit", "Virksomhedsbesøg", "One-to-one visit", "Besøg"
    NETWORK_EVENT = "network_event", "Netværksarrangement", "Network event"
    WORKSHOP = "workshop", "Workshop", "Workshop"


class WorkshopKind(Coded):
    WS1 = "WS1", "WS1 (behov)", "WS1 (needs)"
    WS2 = "WS2", "WS2 (beslutning)", "WS2 (decision)"


class Ws2Decision(Coded):
    ADAPT_OFFER = "adapt_offer", "Tilpas tilbud", "Adapt an existing offer"
    EXISTING_OFFER = "existing_offer", "Brug eksisterende tilbud", "Use existing offers (AMU)"
    RECRUITMENT_REFERRAL = (
        "recruitment_referral",
        "Henvis til rekrutteringsservice",
        "Refer to a recruitment service",
    )


class RkvType(Coded):
    EUV = "euv", "EUV-RKV", "EUV assessment", "EUV"
    AMU_IKV = "amu_ikv", "AMU-IKV", "AMU individual assessment", "IKV"
    AU_RKV = "au_rkv", "AU-RKV", "Academy assessment", "AU"
    VUC_IKV = "vuc_ikv", "VUC-IKV", "Adult general education assessment", "VUC"


class EuvTrack(Coded):
    EUV1 = "EUV1", "EUV1", "EUV1 (≥2 years' relevant experience)"
    EUV2 = "EUV2", "EUV2", "EUV2 (some experience or education)"
    EUV3 = "EUV3", "EUV3", "EUV3 (full programme)"


class RkvDocument(Coded):
    EDUCATION_PLAN = "education_plan", "Uddannelsesplan", "Education plan"
    COMPETENCE_CERTIFICATE = "competence_certificate", "Kompetencebevis", "Competence certificate"
    EDUCATION_CERTIFICATE = "education_certificate", "Uddannelsesbevis", "Education certificate"
    ADMISSION_CERTIFICATE = "admission_certificate", "Adgangsbevis", "Admission certificate"


class ProgrammeKind(Coded):
    EUV = "euv", "EUV", "Adult vocational education (EUV)"
    AMU = "amu", "AMU", "Labour-market training (AMU)"
    AU = "au", "Akademiuddannelse", "Academy education (AU)", "AU"
    FVU = "fvu", "FVU", "Preparatory adult education (FVU)"
    AVU = "avu", "AVU", "General adult education (AVU)"
    ACCESS_COURSE = "access_course", "Adgangskursus", "Access course"

    @property
    def is_preparatory(self) -> bool:
        return self in (ProgrammeKind.FVU, ProgrammeKind.AVU, ProgrammeKind.ACCESS_COURSE)


class Purpose(Coded):
    """Why an enrolment exists. Lifts and preparatory courses make a person a counted
    participant (``domain.rules.COUNTED_PURPOSES``); only the two lifts count towards the lift
    targets (``LIFT_PURPOSES``); a side effect is never counted as a participant."""

    SKILLED_LIFT = "skilled_lift", "Løft til faglært", "Unskilled to skilled"
    ACADEMY_LIFT = "academy_lift", "Løft til akademiniveau", "Skilled to academy level"
    PREPARATORY = "preparatory", "Forberedende (dansk/matematik)", "Preparatory (Danish/maths)"
    SIDE_EFFECT = "side_effect", "Sideeffekt", "Side effect (not counted in targets)"


class ExitReason(Coded):
    COMPLETED = "completed", "Gennemført med bevis", "Completed with qualification", "Gennemført"
    DROPPED_OUT = "dropped_out", "Afbrudt", "Dropped out", "Frafald"
    LEFT_FOR_JOB = "left_for_job", "Ophørt pga. job", "Left for a job", "Job"
    OTHER = "other", "Andet", "Other"


class LabourMarketStatus(Coded):
    """Status upon leaving and six months after (the ESF result indicators)."""

    EMPLOYED = "employed", "I beskæftigelse", "In employment", "Beskæftiget"
    IN_EDUCATION = "in_education", "I uddannelse", "In education or training"
    JOB_SEEKING = "job_seeking", "Jobsøgende", "Job seeking"
    INACTIVE = "inactive", "Uden for arbejdsstyrken", "Inactive", "Inaktiv"


class SizeBand(Coded):
    MICRO = "micro", "1-9 ansatte", "Micro (1-9)"
    SMALL = "small", "10-49 ansatte", "Small (10-49)"
    MEDIUM = "medium", "50-249 ansatte", "Medium (50-249)"
    LARGE = "large", "250+ ansatte", "Large (250+)"

    @classmethod
    def for_employees(cls, employees: int) -> SizeBand:
        if employees < 10:
            return cls.MICRO
        if employees < 50:
            return cls.SMALL
        if employees < 250:
            return cls.MEDIUM
        return cls.LARGE


class CmoStatus(Coded):
    HYPOTHESISED = "hypothesised", "Hypotese", "Hypothesised"
    SUPPORTED = "supported", "Understøttet", "Supported"
    REFUTED = "refuted", "Afkræftet", "Refuted"
    REFINED = "refined", "Forfinet", "Refined"
