"""Enumerations of the EU DSA Transparency Database (statements of reasons).

Source: shared/research/trust-and-safety.md §5.2, which read them from
``digital-services-act/transparency-database`` at commit ``69e80a0b`` (2026-06-24),
``app/Models/Statement.php`` and ``app/Http/Requests/StatementStoreRequest.php``.

Marked per value: ``# research`` where the research notes name the value; the rest are
ASSUMPTIONS completing the lists from the same upstream files as we know them (the notes
give them only as "e.g. …") and must be checked against ``Statement.php`` at that commit
before a submission to the live API. Constant names carry the API's prefixes
(``STATEMENT_CATEGORY_``, ``DECISION_VISIBILITY_``, ...), as vigil's workflow taxonomy does.
"""

from __future__ import annotations

__all__ = [
    "ACCOUNT_TYPES",
    "AUTOMATED_DECISIONS",
    "CATEGORIES",
    "CONTENT_TYPES",
    "DECISION_ACCOUNT",
    "DECISION_GROUNDS",
    "DECISION_MONETARY",
    "DECISION_PROVISION",
    "DECISION_VISIBILITY",
    "KEYWORDS",
    "MAX_BATCH",
    "SOURCE_TYPES",
    "TERRITORIAL_SCOPE",
    "TRAFFICKING_KEYWORDS",
    "YES_NO",
]

#: statements per call of the batch route ``statements.store`` (research §5.2, §9)
MAX_BATCH = 100

DECISION_VISIBILITY = frozenset(
    {
        "DECISION_VISIBILITY_CONTENT_REMOVED",  # research
        "DECISION_VISIBILITY_CONTENT_DISABLED",  # research
        "DECISION_VISIBILITY_CONTENT_DEMOTED",  # research
        "DECISION_VISIBILITY_CONTENT_AGE_RESTRICTED",  # research
        "DECISION_VISIBILITY_CONTENT_INTERACTION_RESTRICTED",  # research
        "DECISION_VISIBILITY_CONTENT_LABELLED",  # research
        "DECISION_VISIBILITY_OTHER",  # research (+ decision_visibility_other)
    }
)
DECISION_MONETARY = frozenset(
    {
        "DECISION_MONETARY_SUSPENSION",  # research
        "DECISION_MONETARY_TERMINATION",  # research
        "DECISION_MONETARY_OTHER",  # research (+ decision_monetary_other)
    }
)
DECISION_PROVISION = frozenset(
    {
        "DECISION_PROVISION_PARTIAL_SUSPENSION",  # research
        "DECISION_PROVISION_TOTAL_SUSPENSION",  # research
        "DECISION_PROVISION_PARTIAL_TERMINATION",  # research
        "DECISION_PROVISION_TOTAL_TERMINATION",  # research
    }
)
DECISION_ACCOUNT = frozenset(
    {"DECISION_ACCOUNT_SUSPENDED", "DECISION_ACCOUNT_TERMINATED"}  # research
)
ACCOUNT_TYPES = frozenset({"ACCOUNT_TYPE_BUSINESS", "ACCOUNT_TYPE_PRIVATE"})  # research
DECISION_GROUNDS = frozenset(
    {"DECISION_GROUND_ILLEGAL_CONTENT", "DECISION_GROUND_INCOMPATIBLE_CONTENT"}  # research
)
CATEGORIES = frozenset(
    {
        "STATEMENT_CATEGORY_PROTECTION_OF_MINORS",  # research
        "STATEMENT_CATEGORY_SCAMS_AND_FRAUD",  # research
        "STATEMENT_CATEGORY_CYBER_VIOLENCE",  # research
        "STATEMENT_CATEGORY_VIOLENCE",  # research
        "STATEMENT_CATEGORY_ILLEGAL_OR_HARMFUL_SPEECH",  # research
        "STATEMENT_CATEGORY_RISK_FOR_PUBLIC_SECURITY",  # research
        "STATEMENT_CATEGORY_DATA_PROTECTION_AND_PRIVACY_VIOLATIONS",  # research
        "STATEMENT_CATEGORY_OTHER_VIOLATION_TC",  # research
        "STATEMENT_CATEGORY_NOT_SPECIFIED_NOTICE",  # research
        "STATEMENT_CATEGORY_ANIMAL_WELFARE",
        "STATEMENT_CATEGORY_CONSUMER_INFORMATION",
        "STATEMENT_CATEGORY_CYBER_VIOLENCE_AGAINST_WOMEN",
        "STATEMENT_CATEGORY_INTELLECTUAL_PROPERTY_INFRINGEMENTS",
        "STATEMENT_CATEGORY_NEGATIVE_EFFECTS_ON_CIVIC_DISCOURSE_OR_ELECTIONS",
        "STATEMENT_CATEGORY_SELF_HARM",
        "STATEMENT_CATEGORY_UNSAFE_AND_PROHIBITED_PRODUCTS",
    }
)
#: the keywords about trafficking and exploitation (research §5.2)
TRAFFICKING_KEYWORDS = frozenset(
    {
        "KEYWORD_HUMAN_TRAFFICKING",  # research
        "KEYWORD_TRAFFICKING_WOMEN_GIRLS",  # research
        "KEYWORD_HUMAN_EXPLOITATION",  # research
        "KEYWORD_GROOMING_SEXUAL_ENTICEMENT_MINORS",  # research
        "KEYWORD_CHILD_SEXUAL_ABUSE_MATERIAL",  # research
    }
)
KEYWORDS = TRAFFICKING_KEYWORDS | frozenset(
    {
        "KEYWORD_ADULT_SEXUAL_MATERIAL",  # research
        "KEYWORD_IMPERSONATION_ACCOUNT_HIJACKING",  # research
        "KEYWORD_INAUTHENTIC_ACCOUNTS",  # research
        "KEYWORD_AGE_SPECIFIC_RESTRICTIONS_MINORS",
        "KEYWORD_IMAGE_BASED_SEXUAL_ABUSE",
        "KEYWORD_NON_CONSENSUAL_IMAGE_SHARING",
        "KEYWORD_ONLINE_BULLYING_INTIMIDATION",
        "KEYWORD_STALKING",
        "KEYWORD_GENDER_BASED_VIOLENCE",
        "KEYWORD_COORDINATED_HARM",
        "KEYWORD_INCITEMENT_VIOLENCE_HATRED",
        "KEYWORD_ILLEGAL_ORGANIZATIONS",
        "KEYWORD_TERRORIST_CONTENT",
        "KEYWORD_INAUTHENTIC_LISTINGS",
        "KEYWORD_INAUTHENTIC_USER_REVIEWS",
        "KEYWORD_PHISHING",
        "KEYWORD_PYRAMID_SCHEMES",
        "KEYWORD_PROHIBITED_PRODUCTS",
        "KEYWORD_UNSAFE_PRODUCTS",
        "KEYWORD_HATE_SPEECH",
        "KEYWORD_DEFAMATION",
        "KEYWORD_DISCRIMINATION",
        "KEYWORD_OTHER",
    }
)
CONTENT_TYPES = frozenset(
    {
        f"CONTENT_TYPE_{t}"  # research: APP, AUDIO, IMAGE, PRODUCT, SYNTHETIC_MEDIA, TEXT, ...
        for t in ("APP", "AUDIO", "IMAGE", "PRODUCT", "SYNTHETIC_MEDIA", "TEXT", "VIDEO", "OTHER")
    }
)
SOURCE_TYPES = frozenset(
    {
        "SOURCE_ARTICLE_16",  # research: Art. 16 notice
        "SOURCE_TRUSTED_FLAGGER",  # research
        "SOURCE_VOLUNTARY",  # research: own initiative
        "SOURCE_TYPE_OTHER_NOTIFICATION",  # research
    }
)
AUTOMATED_DECISIONS = frozenset(
    {
        "AUTOMATED_DECISION_FULLY",  # research
        "AUTOMATED_DECISION_PARTIALLY",  # research
        "AUTOMATED_DECISION_NOT_AUTOMATED",  # research
    }
)
YES_NO = frozenset({"Yes", "No"})  # research: automated_detection, incompatible_content_illegal
#: EU and EEA member states (ISO 3166-1 alpha-2; research: "EU/EEA country codes")
TERRITORIAL_SCOPE = frozenset(
    (
        "AT",
        "BE",
        "BG",
        "CY",
        "CZ",
        "DE",
        "DK",
        "EE",
        "ES",
        "FI",
        "FR",
        "GR",
        "HR",
        "HU",
        "IE",
        "IT",
        "LT",
        "LU",
        "LV",
        "MT",
        "NL",
        "PL",
        "PT",
        "RO",
        "SE",
        "SI",
        "SK",
        "IS",
        "LI",
        "NO",
    )
)
