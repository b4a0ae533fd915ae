"""Demo users and experts for the local stack, created the way real users create them.

Every user signs up through Cognito with the web client, is confirmed by an
admin call (moto sends no e-mail), signs in with USER_PASSWORD_AUTH and then uses
the REST API with its own ID token: registers its account, and for experts writes
the profile, uploads a photo through the presigned POST and goes online.

Seeding is idempotent: users that already exist are not signed up again, and every
later step tolerates being done before. The data is the list just below.

    python -m infra.local.demo_data seed  [--state-dir .local]     # (re)seed a running stack
    python -m infra.local.demo_data token EMAIL [--password P] [--access] [--state-dir .local]
"""

from __future__ import annotations

import argparse
import json
import os
import struct
import sys
import time
import zlib
from collections.abc import Callable
from pathlib import Path
from typing import Any

PASSWORD = "Parley-demo-2026"

# role: client | expert | admin. "account" is the POST /accounts/me body, "profile"
# the PUT /experts/me body (rates in minor units), "photo" the colour of a generated
# PNG, "online" the presence the expert says after the profile. Presence follows open
# connections: an expert who said "online" shows online (in search, callable) only while a
# device of theirs has the WebSocket open, so a demo expert shows online once signed in
# somewhere with the socket open (the web client, or any WebSocket client with their token).
DEMO_USERS: list[dict[str, Any]] = [
    {
        "email": "grace.client@demo.parley.local", "role": "client",
        "account": {"kind": "individual", "display_name": "Grace Hopper"},
    },
    {
        "email": "acme.client@demo.parley.local", "role": "client",
        "account": {"kind": "organisation", "display_name": "Wile Coyote", "organisation_name": "Acme Robotics Ltd"},
    },
    {
        "email": "olive.admin@demo.parley.local", "role": "admin",
        "account": {"kind": "individual", "display_name": "Olive Operator"},
    },
    {
        "email": "ada.expert@demo.parley.local", "role": "expert", "online": True, "photo": (46, 94, 170),
        "account": {"kind": "individual", "display_name": "Ada Lovelace"},
        "profile": {
            "slug": "ada-lovelace", "name": "Ada Lovelace", "job_title": "Principal software engineer",
            "company": "Analytical Engines", "advice_on": "software architecture, Python and machine learning",
            "offering": "Architecture reviews and pairing sessions on hard bugs",
            "description": "Twenty years of building data systems; I help teams ship reliable software.",
            "categories": ["technology", "career"], "tags": ["python", "machine learning", "architecture"],
            "languages": ["en", "fr"], "currency": "USD", "rate_per_minute": 300, "hourly_rate": 15000,
            "free_minutes": 5, "skills": ["python", "aws", "distributed-systems"],
            "education": [{"institution": "University of London", "qualification": "MSc", "field": "Mathematics",
                           "start_year": 2001, "end_year": 2003}],
        },
    },
    {
        "email": "amara.expert@demo.parley.local", "role": "expert", "online": True, "photo": (128, 40, 60),
        "account": {"kind": "individual", "display_name": "Amara Okafor"},
        "profile": {
            "slug": "amara-okafor", "name": "Amara Okafor", "job_title": "Employment solicitor",
            "company": "Okafor Legal", "advice_on": "employment contracts, redundancy and workplace disputes",
            "offering": "A first read of your contract and a plan for the next step",
            "description": "Solicitor in England and Wales, twelve years in employment law.",
            "categories": ["law"], "tags": ["employment law", "contracts", "uk"],
            "languages": ["en"], "currency": "GBP", "rate_per_minute": 250, "free_minutes": 3,
            "skills": ["negotiation", "tribunals"],
            "education": [{"institution": "University of Manchester", "qualification": "LLB", "field": "Law"}],
        },
    },
    {
        "email": "lukas.expert@demo.parley.local", "role": "expert", "online": False, "photo": (30, 120, 80),
        "account": {"kind": "individual", "display_name": "Lukas Brenner"},
        "profile": {
            "slug": "lukas-brenner", "name": "Lukas Brenner", "job_title": "Chartered accountant",
            "company": "Brenner Steuerberatung", "advice_on": "start-up finance, VAT and bookkeeping",
            "offering": "Financial models and tax questions for founders",
            "description": "I help founders in the EU keep their books clean and their cash flowing.",
            "categories": ["finance", "business"], "tags": ["tax", "vat", "startups"],
            "languages": ["de", "en"], "currency": "EUR", "rate_per_minute": 200, "free_minutes": 0,
            "skills": ["financial-modelling", "bookkeeping"],
            "education": [{"institution": "LMU Munich", "qualification": "Diplom", "field": "Economics",
                           "start_year": 2005, "end_year": 2010}],
        },
    },
    {
        "email": "chloe.expert@demo.parley.local", "role": "expert", "online": True, "photo": (200, 110, 30),
        "account": {"kind": "individual", "display_name": "Chloe Tremblay"},
        "profile": {
            "slug": "chloe-tremblay", "name": "Chloe Tremblay", "job_title": "Growth marketer",
            "company": "Maple Growth", "advice_on": "paid acquisition, positioning and launch plans",
            "offering": "A review of your funnel with three experiments to run next",
            "description": "Ten years growing consumer apps in Canada and France.",
            "categories": ["marketing"], "tags": ["growth", "seo", "branding"],
            "languages": ["fr", "en"], "currency": "CAD", "rate_per_minute": 150, "hourly_rate": 7500,
            "free_minutes": 10, "skills": ["analytics", "copywriting"],
            "education": [{"institution": "McGill University", "qualification": "BCom", "field": "Marketing"}],
        },
    },
    {
        "email": "sofia.expert@demo.parley.local", "role": "expert", "online": False, "photo": (90, 60, 150),
        "account": {"kind": "individual", "display_name": "Sofia Keller"},
        "profile": {
            "slug": "sofia-keller", "name": "Sofia Keller", "job_title": "Sports physiotherapist",
            "company": "Keller Praxis", "advice_on": "running injuries, posture and rehabilitation plans",
            "offering": "An assessment call and a rehabilitation plan you can follow",
            "description": "Physiotherapist for amateur and professional athletes.",
            "categories": ["health", "lifestyle"], "tags": ["physiotherapy", "running", "rehab"],
            "languages": ["de", "it", "en"], "currency": "CHF", "rate_per_minute": 400, "free_minutes": 2,
            "skills": ["sports-medicine"],
            "education": [{"institution": "ETH Zurich", "qualification": "MSc", "field": "Health Sciences"}],
        },
    },
    {
        "email": "kenji.expert@demo.parley.local", "role": "expert", "online": True, "photo": (20, 140, 150),
        "account": {"kind": "individual", "display_name": "Kenji Sato"},
        "profile": {
            "slug": "kenji-sato", "name": "Kenji Sato", "job_title": "Product designer",
            "company": "Studio Sato", "advice_on": "portfolio reviews, UX research and design careers",
            "offering": "Portfolio critique and interview practice for designers",
            "description": "Product designer who has hired and mentored designers for a decade.",
            "categories": ["design", "career", "education"], "tags": ["ux", "portfolio", "figma"],
            "languages": ["ja", "en"], "currency": "USD", "rate_per_minute": 120, "free_minutes": 10,
            "skills": ["user-research", "prototyping"],
            "education": [{"institution": "Tokyo University of the Arts", "qualification": "BA", "field": "Design"}],
        },
    },
]  # fmt: skip

ADMIN_GROUP = "admins"

# Each demo expert's bookable hours (weekdays 09:00-17:00 in their zone) and whether bookings
# wait for their approval; the cancellation policy is the default (24 hours, half charged after).
DEMO_AVAILABILITY: dict[str, tuple[str, bool]] = {
    "ada-lovelace": ("Europe/London", False),
    "amara-okafor": ("Europe/London", True),
    "lukas-brenner": ("Europe/Berlin", False),
    "chloe-tremblay": ("America/Toronto", False),
    "sofia-keller": ("Europe/Zurich", True),
    "kenji-sato": ("Asia/Tokyo", False),
}
WEEKDAYS = ("monday", "tuesday", "wednesday", "thursday", "friday")


def demo_availability(slug: str) -> dict[str, Any] | None:
    if slug not in DEMO_AVAILABILITY:
        return None
    zone, approval = DEMO_AVAILABILITY[slug]
    return {
        "time_zone": zone, "weekly_hours": {day: ["09:00-17:00"] for day in WEEKDAYS},
        "buffer_after_minutes": 10, "minimum_notice_minutes": 120, "booking_horizon_days": 60,
        "requires_approval": approval,
    }  # fmt: skip


# Paid sessions nine days ago (client, expert, currency, amounts in minor units): their
# earnings are payable, so a demo expert who finishes payout onboarding can be paid
# with scripts/payouts at once.
DEMO_PAID_SESSIONS: list[tuple[str, str, str, list[int]]] = [
    ("grace.client@demo.parley.local", "ada.expert@demo.parley.local", "USD", [9_000, 4_500]),
    ("acme.client@demo.parley.local", "amara.expert@demo.parley.local", "GBP", [7_500]),
]


class SeedError(RuntimeError):
    pass


# --------------------------------------------------------------------------- Cognito


def cognito_client(endpoint_url: str, region: str) -> Any:
    import boto3

    return boto3.client(
        "cognito-idp",
        region_name=region,
        endpoint_url=endpoint_url,
        aws_access_key_id="testing",
        aws_secret_access_key="testing",
    )


def sign_up(cognito: Any, *, user_pool_id: str, client_id: str, email: str, password: str) -> bool:
    """Sign up and confirm ``email``; False if the user existed already."""
    try:
        cognito.sign_up(
            ClientId=client_id,
            Username=email,
            Password=password,
            UserAttributes=[{"Name": "email", "Value": email}],
        )
        created = True
    except cognito.exceptions.UsernameExistsException:
        created = False
    user = cognito.admin_get_user(UserPoolId=user_pool_id, Username=email)
    if user.get("UserStatus") != "CONFIRMED":
        cognito.admin_confirm_sign_up(UserPoolId=user_pool_id, Username=email)
    return created


def log_in(cognito: Any, *, client_id: str, email: str, password: str) -> dict[str, str]:
    """USER_PASSWORD_AUTH; returns Cognito's AuthenticationResult (IdToken, AccessToken, ...)."""
    answer = cognito.initiate_auth(
        ClientId=client_id,
        AuthFlow="USER_PASSWORD_AUTH",
        AuthParameters={"USERNAME": email, "PASSWORD": password},
    )
    result = answer.get("AuthenticationResult")
    if not result:
        raise SeedError(f"signing in {email} asked for {answer.get('ChallengeName')!r} instead of returning tokens")
    return dict(result)


# --------------------------------------------------------------------------- REST


def png(rgb: tuple[int, int, int], size: int = 96) -> bytes:
    """A small PNG: a disc of ``rgb`` on a light background."""
    background = bytes((240, 240, 236))
    disc = bytes(rgb)
    centre, radius2 = (size - 1) / 2, (size * 0.42) ** 2
    rows = []
    for y in range(size):
        row = b"".join(disc if (x - centre) ** 2 + (y - centre) ** 2 <= radius2 else background for x in range(size))
        rows.append(b"\x00" + row)

    def chunk(tag: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + tag + data + struct.pack(">I", zlib.crc32(tag + data) & 0xFFFFFFFF)

    header = struct.pack(">IIBBBBB", size, size, 8, 2, 0, 0, 0)
    pixels = zlib.compress(b"".join(rows))
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", pixels) + chunk(b"IEND", b"")


class Api:
    """The REST API as one signed-in user sees it."""

    def __init__(self, base_url: str, token: str) -> None:
        import requests

        self.base_url = base_url.rstrip("/")
        self.session = requests.Session()
        self.session.headers["Authorization"] = f"Bearer {token}"

    def call(self, method: str, path: str, body: Any = None, ok: tuple[int, ...] = (200, 201)) -> Any:
        response = self.session.request(method, self.base_url + path, json=body, timeout=30)
        if response.status_code not in ok:
            raise SeedError(f"{method} {path} answered {response.status_code}: {response.text[:500]}")
        return response.json() if response.content else None

    def upload(self, purpose: str, content_type: str, filename: str, data: bytes) -> str:
        """Ask for a presigned POST, post the file to S3 with it, and return the key."""
        import requests

        wanted = {"purpose": purpose, "content_type": content_type, "size_bytes": len(data)}
        ticket = self.call("POST", "/uploads", wanted)
        # A plain request: S3 authorises the upload by the signed policy, not by our token.
        response = requests.post(
            ticket["url"], data=ticket["fields"], files={"file": (filename, data, content_type)}, timeout=30
        )
        if response.status_code not in (200, 201, 204):
            raise SeedError(
                f"uploading {filename} to {ticket['url']} answered {response.status_code}: {response.text[:500]}"
            )
        return str(ticket["key"])


def summary(user: dict[str, Any]) -> str:
    profile = user.get("profile")
    if not profile:
        account = user["account"]
        kind = f"organisation, {account['organisation_name']}" if account["kind"] == "organisation" else account["kind"]
        return f"{account['display_name']} ({kind})"
    rate = profile["rate_per_minute"]
    presence = "online once connected" if user.get("online") else "offline"
    return (
        f"{profile['name']}: {'/'.join(profile['categories'])}, {profile['currency']} "
        f"{rate // 100}.{rate % 100:02d}/min, {profile['free_minutes']} free min, {presence}"
    )


def seed_user(
    user: dict[str, Any], *, cognito: Any, api_url: str, user_pool_id: str, client_id: str, log: Callable[[str], None]
) -> None:
    email = user["email"]
    created = sign_up(cognito, user_pool_id=user_pool_id, client_id=client_id, email=email, password=PASSWORD)
    log(f"{email}: {'signed up' if created else 'exists, not signed up again'}")
    if user["role"] == "admin":
        cognito.admin_add_user_to_group(UserPoolId=user_pool_id, Username=email, GroupName=ADMIN_GROUP)
    tokens = log_in(cognito, client_id=client_id, email=email, password=PASSWORD)
    api = Api(api_url, tokens["IdToken"])
    api.call("POST", "/accounts/me", user["account"], ok=(200, 201, 409))
    profile = user.get("profile")
    if profile:
        slug = profile["slug"]
        photo_key = api.upload("photo", "image/png", f"{slug}.png", png(user.get("photo", (80, 80, 80))))
        api.call("PUT", "/experts/me", profile | {"photo_key": photo_key})
        api.call("PUT", "/experts/me/presence", {"status": "online" if user.get("online") else "offline"})
        availability = demo_availability(slug)
        if availability:
            api.call("PUT", "/experts/me/availability", availability)
        log(f"{email}: profile /experts/by-slug/{slug} with photo {photo_key}")


def seed(
    *,
    api_url: str,
    cognito_endpoint: str,
    region: str,
    user_pool_id: str,
    client_id: str,
    log_path: Path | None = None,
    users: list[dict[str, Any]] | None = None,
) -> list[dict[str, Any]]:
    """Create the demo users (idempotently) and return their logins for stack.json."""
    cognito = cognito_client(cognito_endpoint, region)
    users = DEMO_USERS if users is None else users
    log_file = log_path.open("a") if log_path else None

    def log(line: str) -> None:
        if log_file:
            log_file.write(f"{time.strftime('%H:%M:%S')} {line}\n")
            log_file.flush()

    try:
        for user in users:
            try:
                seed_user(
                    user, cognito=cognito, api_url=api_url, user_pool_id=user_pool_id, client_id=client_id, log=log
                )
            except SeedError as error:
                raise SeedError(f"demo user {user['email']}: {error}") from None
            except Exception as error:  # boto/requests errors, with the user they concern
                raise SeedError(f"demo user {user['email']}: {type(error).__name__}: {error}") from error
        if users is DEMO_USERS:
            seed_leads(cognito=cognito, api_url=api_url, client_id=client_id, log=log)
            seed_knowledge(cognito=cognito, api_url=api_url, client_id=client_id, log=log)
    finally:
        if log_file:
            log_file.close()
    return [
        {
            "email": user["email"],
            "password": PASSWORD,
            "role": user["role"],
            "summary": summary(user),
            **({"slug": user["profile"]["slug"]} if user.get("profile") else {}),
        }
        for user in users
    ]


# An open lead of Grace's with two bids on it, so the marketplace has something to show (idempotent:
# nothing is added while Grace has an open lead).
DEMO_LEAD: dict[str, Any] = {
    "title": "Move our nightly Python jobs to AWS Lambda",
    "description": "Twelve cron jobs on one VM: make them scheduled Lambdas with alarms and a runbook.",
    "skills": ["python", "aws"], "budget": 80_000, "currency": "USD",
}  # fmt: skip
DEMO_BIDS: list[tuple[str, int, int]] = [("ada.expert@demo.parley.local", 90_000, 14),
                                         ("kenji.expert@demo.parley.local", 65_000, 21)]  # fmt: skip


def seed_leads(*, cognito: Any, api_url: str, client_id: str, log: Callable[[str], None]) -> None:
    def api_of(email: str) -> Api:
        return Api(api_url, log_in(cognito, client_id=client_id, email=email, password=PASSWORD)["IdToken"])

    grace = api_of("grace.client@demo.parley.local")
    if grace.call("GET", "/leads/mine?stage=open")["items"]:
        return
    lead = grace.call("POST", "/leads", DEMO_LEAD)
    for email, price, days in DEMO_BIDS:
        api_of(email).call("POST", f"/leads/{lead['lead_id']}/bids", {"price": price, "days": days}, ok=(201, 409))
    log(f"grace: lead {lead['lead_id']} with {len(DEMO_BIDS)} bids")


# Questions Grace asked and experts answered (one accepted, one voted up), and an article of Ada's, so the
# knowledge pages and the reputation ranking have something to show (idempotent: nothing is added while
# Grace has questions). Each entry: the asker's question, then (expert, answer) pairs; the first is accepted.
DEMO_QUESTIONS: list[tuple[dict[str, Any], list[tuple[str, str]]]] = [
    (
        {"title": "How do I register my small business for VAT?", "category": "finance", "tags": ["vat"],
         "body": "I sell handmade furniture online and my turnover will pass the threshold this year."},
        [("lukas.expert@demo.parley.local",
          "Register online with the tax office before you pass the threshold; it takes a few weeks, "
          "and you charge VAT from the date they give you.")],
    ),
    (
        {"title": "Can my landlord keep my deposit for ordinary wear and tear?", "category": "law",
         "tags": ["tenancy"], "body": "I am moving out after three years; the walls need repainting and the "
                                     "carpet is worn where the sofa stood."},
        [("amara.expert@demo.parley.local",
          "No: ordinary wear and tear after three years is expected. Ask for the deposit scheme's dispute "
          "service if the landlord deducts for it.")],
    ),
    (
        {"title": "Should I learn Python or JavaScript first for data analysis?", "category": "technology",
         "tags": ["python"], "body": "I work in finance and want to automate my spreadsheets and charts."},
        [("ada.expert@demo.parley.local",
          "Python: pandas and matplotlib do exactly that, and the notebooks let you see each step."),
         ("kenji.expert@demo.parley.local",
          "Python for the analysis; a little JavaScript later if you want interactive dashboards.")],
    ),
]  # fmt: skip
DEMO_ARTICLE: dict[str, Any] = {
    "title": "Five questions to ask before you rewrite a legacy system",
    "body": "Before rewriting, ask what the system does that nobody wrote down, who depends on its bugs, "
    "how you will run both side by side, what you will measure to know the new one is better, and what "
    "you will stop doing while the rewrite runs. Most rewrites fail on the first two.",
    "category": "technology", "tags": ["architecture"],
}  # fmt: skip


def seed_knowledge(*, cognito: Any, api_url: str, client_id: str, log: Callable[[str], None]) -> None:
    def api_of(email: str) -> Api:
        return Api(api_url, log_in(cognito, client_id=client_id, email=email, password=PASSWORD)["IdToken"])

    grace, acme = api_of("grace.client@demo.parley.local"), api_of("acme.client@demo.parley.local")
    if grace.call("GET", "/me/questions")["items"]:
        return
    for question, answers in DEMO_QUESTIONS:
        asked = grace.call("POST", "/questions", question)
        answer_ids = [
            api_of(email).call("POST", f"/questions/{asked['question_id']}/answers", {"body": body})["answer_id"]
            for email, body in answers
        ]
        grace.call("POST", f"/questions/{asked['question_id']}/accept", {"answer_id": answer_ids[0]})
        acme.call("PUT", f"/answers/{answer_ids[0]}/vote", {"value": 1})
    api_of("ada.expert@demo.parley.local").call("POST", "/articles", DEMO_ARTICLE)
    log(f"grace: {len(DEMO_QUESTIONS)} answered questions; ada: an article")


def seed_paid_sessions(
    *, app_environment: dict[str, str], cognito_endpoint: str, region: str, user_pool_id: str
) -> None:
    """Give the demo experts earnings from past sessions (idempotent: the payments are named)."""
    from infra.local import demo_payments

    cognito = cognito_client(cognito_endpoint, region)

    def sub(email: str) -> str:
        attributes = cognito.admin_get_user(UserPoolId=user_pool_id, Username=email)["UserAttributes"]
        return str(next(a["Value"] for a in attributes if a["Name"] == "sub"))

    for client, expert, currency, amounts in DEMO_PAID_SESSIONS:
        demo_payments.seed_paid_sessions(
            app_environment, client_id=sub(client), expert_id=sub(expert), currency=currency, amounts=amounts
        )


# --------------------------------------------------------------------------- command line


def read_stack(state_dir: str) -> dict[str, Any]:
    path = Path(state_dir) / "stack.json"
    try:
        return dict(json.loads(path.read_text()))
    except FileNotFoundError:
        raise SystemExit(f"No local stack at {path}: start one with scripts/run.") from None


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m infra.local.demo_data")
    parser.add_argument("--state-dir", default=os.environ.get("PARLEY_LOCAL_STATE_DIR", ".local"))
    commands = parser.add_subparsers(dest="command", required=True)
    token = commands.add_parser("token", help="print a token of a user of the running stack")
    token.add_argument("email")
    token.add_argument("--password", default=PASSWORD)
    token.add_argument("--access", action="store_true", help="print the access token instead of the ID token")
    token.add_argument("--state-dir", dest="state_dir_sub", default=None)
    re_seed = commands.add_parser("seed", help="(re)create the demo data in the running stack")
    re_seed.add_argument("--state-dir", dest="state_dir_sub", default=None)
    args = parser.parse_args(argv)
    stack = read_stack(args.state_dir_sub or args.state_dir)
    if args.command == "token":
        cognito = cognito_client(stack["moto_url"], stack["region"])
        try:
            tokens = log_in(cognito, client_id=stack["web_client_id"], email=args.email, password=args.password)
        except (cognito.exceptions.NotAuthorizedException, cognito.exceptions.UserNotFoundException) as error:
            print(f"Cannot sign in {args.email}: {error.response['Error']['Message']}", file=sys.stderr)
            return 1
        print(tokens["AccessToken" if args.access else "IdToken"])
        return 0
    logins = seed(
        api_url=stack["api_url"],
        cognito_endpoint=stack["moto_url"],
        region=stack["region"],
        user_pool_id=stack["user_pool_id"],
        client_id=stack["web_client_id"],
    )
    for login in logins:
        print(f"{login['role']:<7} {login['email']:<38} {login['summary']}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
