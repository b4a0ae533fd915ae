"""Stripe, behind one small object. The ``stripe`` library is imported on first use only.

Every call that creates or moves money carries an idempotency key made from our
own ids, so a retry after a timeout or a crash replays Stripe's first answer
instead of charging or paying twice. Card data never passes through here: the
browser or app confirms cards with Stripe.js / the mobile SDK using the client
secret we hand out, or a card saved through a SetupIntent is used off-session.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from functools import cached_property
from typing import Any

from chalicelib.errors import Conflict, PaymentRequired, ProviderRefused, ProviderUnavailable

FAILED_STATUSES = ("requires_payment_method",)  # Stripe's state for an intent whose card was declined


@dataclass(frozen=True)
class Hold:
    intent_id: str
    status: str  # requires_capture once authorised; requires_action / requires_payment_method otherwise
    client_secret: str | None


@dataclass(frozen=True)
class ConnectAccount:
    account_id: str
    details_submitted: bool
    payouts_enabled: bool
    requirements_due: list[str]


class StripeGateway:
    def __init__(self, secret_key: Callable[[], str], api_base: str | None = None) -> None:
        self._secret_key = secret_key
        self._api_base = api_base

    @cached_property
    def _client(self) -> Any:
        import stripe

        options: dict[str, Any] = {"max_network_retries": 2}
        if self._api_base:
            options["base_addresses"] = {"api": self._api_base, "connect": self._api_base, "files": self._api_base}
        return stripe.StripeClient(self._secret_key(), **options)

    # -- customers and cards

    def create_customer(self, account_id: str, email: str, name: str) -> str:
        with _stripe_errors():
            customer = self._client.v1.customers.create(
                params={"email": email, "name": name, "metadata": {"account_id": account_id}},
                options={"idempotency_key": f"customer:{account_id}"},
            )
        return str(customer.id)

    def payment_method_owner(self, payment_method_id: str) -> tuple[bool, str | None]:
        """Whether Stripe knows this PaymentMethod, and the customer it is attached to (None: nobody yet)."""
        import stripe

        try:
            with _stripe_errors():
                try:
                    method = self._client.v1.payment_methods.retrieve(payment_method_id)
                except stripe.InvalidRequestError as error:
                    if error.code == "resource_missing" or error.http_status == 404:
                        return False, None
                    raise
        except ProviderRefused:
            return False, None  # a malformed id is as unknown as a missing one
        customer = method.customer
        return True, (str(customer if isinstance(customer, str) else customer.id) if customer else None)

    def create_setup_intent(self, customer_id: str) -> tuple[str, str]:
        with _stripe_errors():
            intent = self._client.v1.setup_intents.create(
                params={"customer": customer_id, "usage": "off_session", "payment_method_types": ["card"]}
            )
        return str(intent.id), str(intent.client_secret)

    # -- holds, captures, refunds

    def create_hold(
        self, payment_id: str, customer_id: str, amount: int, currency: str,
        payment_method_id: str | None, metadata: dict[str, str],
    ) -> Hold:  # fmt: skip
        params: dict[str, Any] = {
            "amount": amount,
            "currency": currency.lower(),
            "customer": customer_id,
            "capture_method": "manual",
            "payment_method_types": ["card"],
            "metadata": {"payment_id": payment_id, **metadata},
        }
        if payment_method_id:
            params |= {"payment_method": payment_method_id, "confirm": True}
        key = f"hold:{payment_id}:{payment_method_id or 'client-confirms'}"
        import stripe

        with _stripe_errors():
            try:
                intent = self._client.v1.payment_intents.create(params=params, options={"idempotency_key": key})
            except stripe.CardError as declined:
                self._cancel_declined(declined, payment_id)
                raise
        hold = Hold(str(intent.id), str(intent.status), intent.client_secret)
        if payment_method_id and hold.status in FAILED_STATUSES:
            self.cancel_failed(hold.intent_id, payment_id)
        return hold

    def _cancel_declined(self, declined: Any, payment_id: str) -> None:
        """Stripe keeps a declined intent in ``requires_payment_method``: cancel it, so no attempt leaves debris."""
        detail = declined.error
        intent = getattr(detail, "payment_intent", None) if detail is not None else None
        intent_id = intent.get("id") if isinstance(intent, dict) else getattr(intent, "id", None)
        if intent_id:
            self.cancel_failed(str(intent_id), payment_id)

    def cancel_failed(self, intent_id: str, payment_id: str) -> None:
        """Cancel an intent whose card failed (safe twice: a canceled intent is left as it is)."""
        with _stripe_errors():
            intent = self._client.v1.payment_intents.retrieve(intent_id)
            if intent.status in FAILED_STATUSES:
                self._client.v1.payment_intents.cancel(
                    intent_id,
                    params={"cancellation_reason": "abandoned"},
                    options={"idempotency_key": f"abandon:{payment_id}:{intent_id}"},
                )

    def retrieve_hold(self, intent_id: str) -> Hold:
        with _stripe_errors():
            intent = self._client.v1.payment_intents.retrieve(intent_id)
        return Hold(str(intent.id), str(intent.status), intent.client_secret)

    def capture(self, intent_id: str, amount: int, payment_id: str) -> None:
        with _stripe_errors():
            self._client.v1.payment_intents.capture(
                intent_id,
                params={"amount_to_capture": amount},
                options={"idempotency_key": f"capture:{payment_id}:{intent_id}"},
            )

    def cancel_hold(self, intent_id: str, payment_id: str) -> None:
        with _stripe_errors():
            self._client.v1.payment_intents.cancel(
                intent_id, options={"idempotency_key": f"release:{payment_id}:{intent_id}"}
            )

    def refund(self, intent_id: str, amount: int, refund_key: str) -> str:
        with _stripe_errors():
            refund = self._client.v1.refunds.create(
                params={"payment_intent": intent_id, "amount": amount},
                options={"idempotency_key": f"{refund_key}:{intent_id}"},
            )
        return str(refund.id)

    # -- Connect

    def create_express_account(self, expert_id: str, email: str, country: str) -> str:
        with _stripe_errors():
            account = self._client.v1.accounts.create(
                params={
                    "type": "express",
                    "country": country,
                    "email": email,
                    "capabilities": {"transfers": {"requested": True}},
                    "metadata": {"expert_id": expert_id},
                },
                options={"idempotency_key": f"connect-account:{expert_id}:{country}"},
            )
        return str(account.id)

    def onboarding_link(self, account_id: str, refresh_url: str, return_url: str) -> str:
        with _stripe_errors():
            link = self._client.v1.account_links.create(
                params={
                    "account": account_id,
                    "refresh_url": refresh_url,
                    "return_url": return_url,
                    "type": "account_onboarding",
                }
            )
        return str(link.url)

    def retrieve_account(self, account_id: str) -> ConnectAccount:
        with _stripe_errors():
            account = self._client.v1.accounts.retrieve(account_id)
        return connect_account_from(account.to_dict())

    def transfer(self, payout_id: str, destination: str, amount: int, currency: str, week: str) -> str:
        with _stripe_errors():
            transfer = self._client.v1.transfers.create(
                params={
                    "amount": amount,
                    "currency": currency.lower(),
                    "destination": destination,
                    "transfer_group": payout_id,
                    "description": f"Parley earnings, week {week}",
                    "metadata": {"payout_id": payout_id},
                },
                options={"idempotency_key": payout_id},
            )
        return str(transfer.id)


def connect_account_from(account: dict[str, Any]) -> ConnectAccount:
    """From an Account as a plain dict (an API answer's ``to_dict()`` or a webhook event's object)."""
    requirements = account.get("requirements") or {}
    return ConnectAccount(
        account_id=str(account["id"]),
        details_submitted=bool(account.get("details_submitted")),
        payouts_enabled=bool(account.get("payouts_enabled")),
        requirements_due=list(requirements.get("currently_due") or []),
    )


@contextmanager
def _stripe_errors() -> Iterator[None]:
    """Stripe's declines become 402 with Stripe's reason; its outages become a retryable 503."""
    import stripe

    try:
        yield
    except stripe.CardError as error:
        detail = error.error
        reason = (detail.message if detail and detail.message else None) or "The card was declined."
        decline = detail.decline_code if detail and detail.decline_code else None
        message = f"{reason} ({decline})" if decline else reason
        code = "card_authentication_required" if error.code == "authentication_required" else "card_declined"
        raise PaymentRequired(message, code=code) from None
    except stripe.IdempotencyError:
        raise Conflict(
            "Another request for this payment is under way; load it again and retry.", code="changed_concurrently"
        ) from None
    except (stripe.InvalidRequestError, stripe.PermissionError) as error:
        why = error.error.message if error.error and error.error.message else "the request was refused"
        raise ProviderRefused(f"Stripe refused: {why}") from None
    except (stripe.APIConnectionError, stripe.RateLimitError) as error:
        raise ProviderUnavailable(f"Stripe did not answer: {error.user_message or 'try again shortly'}.") from None
    except stripe.APIError as error:
        raise ProviderUnavailable("Stripe failed on its side; try again shortly.") from error
