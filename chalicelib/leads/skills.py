"""The shared skills catalogue: what a lead asks for and a seller lists, and what stars are given in.

Ids are lowercase and hyphenated and never change once used (stars and open leads are kept
under them); the labels may. Grouped by the profile categories (``profiles.catalogue.CATEGORIES``).
"""

from __future__ import annotations

SKILLS_BY_CATEGORY: dict[str, dict[str, str]] = {
    "business": {
        "business-strategy": "Business strategy", "business-plans": "Business plans",
        "market-research": "Market research", "operations": "Operations", "project-management": "Project management",
        "negotiation": "Negotiation", "fundraising": "Fundraising", "supply-chain": "Supply chain",
    },
    "career": {
        "career-coaching": "Career coaching", "interview-preparation": "Interview preparation",
        "cv-writing": "CV and resume writing", "leadership": "Leadership", "public-speaking": "Public speaking",
        "mentoring": "Mentoring",
    },
    "design": {
        "graphic-design": "Graphic design", "ui-design": "UI design", "ux-design": "UX design",
        "user-research": "User research", "prototyping": "Prototyping", "branding": "Branding",
        "illustration": "Illustration", "video-editing": "Video editing", "photography": "Photography",
    },
    "education": {
        "mathematics": "Mathematics", "physics": "Physics", "chemistry": "Chemistry", "tutoring": "Tutoring",
        "language-teaching": "Language teaching", "exam-preparation": "Exam preparation",
        "academic-writing": "Academic writing", "proofreading": "Proofreading", "translation": "Translation",
    },
    "finance": {
        "accounting": "Accounting", "bookkeeping": "Bookkeeping", "financial-modelling": "Financial modelling",
        "tax-advice": "Tax advice", "vat": "VAT", "auditing": "Auditing", "investment-analysis": "Investment analysis",
        "payroll": "Payroll",
    },
    "health": {
        "nutrition": "Nutrition", "fitness-coaching": "Fitness coaching", "sports-medicine": "Sports medicine",
        "physiotherapy": "Physiotherapy", "mental-health": "Mental health", "yoga": "Yoga",
    },
    "law": {
        "contract-law": "Contract law", "employment-law": "Employment law", "immigration-law": "Immigration law",
        "intellectual-property": "Intellectual property", "data-protection": "Data protection",
        "tribunals": "Tribunals", "casework": "Casework", "appeals": "Appeals", "company-law": "Company law",
    },
    "lifestyle": {
        "relationship-coaching": "Relationship coaching", "parenting": "Parenting",
        "travel-planning": "Travel planning",
        "interior-design": "Interior design", "cooking": "Cooking", "personal-styling": "Personal styling",
    },
    "marketing": {
        "seo": "SEO", "copywriting": "Copywriting", "content-marketing": "Content marketing",
        "social-media": "Social media", "paid-advertising": "Paid advertising", "email-marketing": "Email marketing",
        "analytics": "Analytics", "sales": "Sales", "public-relations": "Public relations",
    },
    "technology": {
        "python": "Python", "javascript": "JavaScript", "typescript": "TypeScript", "java": "Java", "go": "Go",
        "rust": "Rust", "sql": "SQL", "aws": "AWS", "azure": "Azure", "google-cloud": "Google Cloud",
        "devops": "DevOps", "distributed-systems": "Distributed systems", "machine-learning": "Machine learning",
        "data-engineering": "Data engineering", "web-development": "Web development",
        "mobile-development": "Mobile development", "cybersecurity": "Cybersecurity", "excel": "Excel",
    },
}  # fmt: skip

SKILLS: dict[str, str] = {skill: label for skills in SKILLS_BY_CATEGORY.values() for skill, label in skills.items()}
SKILL_CATEGORY: dict[str, str] = {skill: cat for cat, skills in SKILLS_BY_CATEGORY.items() for skill in skills}


def is_skill(value: str) -> bool:
    return value in SKILLS


def catalogue_entries() -> list[dict[str, str]]:
    """The skills as ``GET /catalogue`` lists them."""
    return [{"id": skill, "name": label, "category": SKILL_CATEGORY[skill]} for skill, label in SKILLS.items()]
