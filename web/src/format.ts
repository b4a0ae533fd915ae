// Money in minor units shown in the viewer's locale; times in the viewer's own zone; durations;
// an expert's reputation and responsiveness in words.
export function money(minor: number, currency: string): string {
  const format = new Intl.NumberFormat(undefined, { style: "currency", currency });
  const digits = format.resolvedOptions().maximumFractionDigits ?? 2;
  return format.format(minor / 10 ** digits);
}

/** Major units typed by a person ("12.50") as minor units, or null when it is not an amount. */
export function toMinor(major: string, currency: string): number | null {
  const digits = new Intl.NumberFormat(undefined, { style: "currency", currency }).resolvedOptions().maximumFractionDigits ?? 2;
  const text = major.trim().replace(",", ".");
  if (!/^\d+(\.\d+)?$/.test(text)) return null;
  const [whole, fraction = ""] = text.split(".");
  if (fraction.length > digits) return null;
  return Number(whole) * 10 ** digits + Number(fraction.padEnd(digits, "0") || "0");
}

/** The viewer's IANA zone, e.g. "Europe/Paris". */
export function viewerZone(): string {
  return Intl.DateTimeFormat().resolvedOptions().timeZone;
}

/** A UTC instant (ISO 8601) as a date and time in the viewer's zone, e.g. "Tue 3 Mar, 10:30". */
export function when(iso: string, zone = viewerZone()): string {
  return new Intl.DateTimeFormat(undefined, {
    weekday: "short",
    day: "numeric",
    month: "short",
    hour: "2-digit",
    minute: "2-digit",
    timeZone: zone,
  }).format(new Date(iso));
}

/** A UTC instant as a date in the viewer's zone. */
export function day(iso: string, zone = viewerZone()): string {
  return new Intl.DateTimeFormat(undefined, { dateStyle: "medium", timeZone: zone }).format(new Date(iso));
}

/** How long until `iso` from now, e.g. "4 min" or "2 h 5 min"; "now" once passed. */
export function timeLeft(iso: string, now = Date.now()): string {
  const minutes = Math.max(0, Math.round((new Date(iso).getTime() - now) / 60_000));
  if (minutes === 0) return "now";
  return minutes < 60 ? `${minutes} min` : `${Math.floor(minutes / 60)} h ${minutes % 60} min`;
}

export function duration(seconds: number): string {
  const minutes = Math.floor(seconds / 60);
  return `${minutes} min ${String(seconds % 60).padStart(2, "0")} s`;
}

const END_REASONS: Record<string, string> = {
  hung_up: "The call was hung up.",
  time_limit: "The call reached its 90-minute limit.",
  participant_left: "The other side did not come back in time.",
  booked_end: "The appointment's booked time ended.",
  not_started: "The call ended before both sides connected.",
};

export function endReason(reason: string): string {
  return END_REASONS[reason] ?? `The call ended (${reason}).`;
}

/** "340 reputation points" (points from rated calls, answers, articles, documents and votes). */
export function reputationText(points: number): string {
  return `${points} reputation ${Math.abs(points) === 1 ? "point" : "points"}`;
}

/** "about 2 hours", "12 minutes", "under a minute", "about 3 days". */
export function responseTime(seconds: number): string {
  const minutes = Math.round(seconds / 60);
  if (minutes < 1) return "under a minute";
  if (minutes < 60) return `${minutes} ${minutes === 1 ? "minute" : "minutes"}`;
  const hours = Math.round(minutes / 60);
  if (hours < 48) return `about ${hours} ${hours === 1 ? "hour" : "hours"}`;
  return `about ${Math.round(hours / 24)} days`;
}

/** How an expert answers messages, as the API's profiles say it (ProfileResponsiveness). */
export type Responsiveness = { rate: number | null; typical_response_seconds: number | null; expected_within_hours: number };

/** The expert's response rate and typical time, or "No answers yet". */
export function responsivenessText(found: Responsiveness): string {
  const parts: string[] = [];
  if (found.rate !== null) parts.push(`${Math.round(found.rate * 100)}% of messages answered within ${found.expected_within_hours} hours`);
  if (found.typical_response_seconds !== null) parts.push(`typically answers in ${responseTime(found.typical_response_seconds)}`);
  if (parts.length === 0) return "No answers yet";
  const text = parts.join("; ");
  return text.charAt(0).toUpperCase() + text.slice(1);
}

/** "a, b , C" as the tags ["a", "b", "C"] (the API lowercases them). */
export function tagsOf(text: string): string[] {
  return text
    .split(",")
    .map((tag) => tag.trim())
    .filter(Boolean);
}
