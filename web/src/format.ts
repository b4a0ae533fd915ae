// Money in minor units shown in the viewer's locale; durations as minutes and seconds.
export function money(minor: number, currency: string): string {
  const format = new Intl.NumberFormat(undefined, { style: "currency", currency });
  const digits = format.resolvedOptions().maximumFractionDigits ?? 2;
  return format.format(minor / 10 ** digits);
}

export function duration(seconds: number): string {
  const minutes = Math.floor(seconds / 60);
  return `${minutes} min ${String(seconds % 60).padStart(2, "0")} s`;
}

const END_REASONS: Record<string, string> = {
  hung_up: "The call was hung up.",
  time_limit: "The call reached its 90-minute limit.",
  participant_left: "The other side did not come back in time.",
};

export function endReason(reason: string): string {
  return END_REASONS[reason] ?? `The call ended (${reason}).`;
}
