"""The fixed lists a profile chooses from: categories and languages."""

from __future__ import annotations

CATEGORIES: dict[str, str] = {
    "business": "Business & strategy",
    "career": "Career & coaching",
    "design": "Design & creative",
    "education": "Education & tutoring",
    "finance": "Finance & accounting",
    "health": "Health & wellbeing",
    "law": "Law & legal advice",
    "lifestyle": "Lifestyle & relationships",
    "marketing": "Marketing & sales",
    "technology": "Technology & software",
}

# ISO 639-1 codes of the languages a profile can list.
LANGUAGES: dict[str, str] = {
    "ar": "Arabic", "bn": "Bengali", "cs": "Czech", "da": "Danish", "de": "German",
    "el": "Greek", "en": "English", "es": "Spanish", "fa": "Persian", "fi": "Finnish",
    "fr": "French", "he": "Hebrew", "hi": "Hindi", "hu": "Hungarian", "id": "Indonesian",
    "it": "Italian", "ja": "Japanese", "ko": "Korean", "ms": "Malay", "nl": "Dutch",
    "no": "Norwegian", "pl": "Polish", "pt": "Portuguese", "ro": "Romanian", "ru": "Russian",
    "sv": "Swedish", "sw": "Swahili", "th": "Thai", "tr": "Turkish", "uk": "Ukrainian",
    "ur": "Urdu", "vi": "Vietnamese", "zh": "Chinese",
}  # fmt: skip
