// The REST API: JSON in and out; every error becomes an ApiError with the API's own message.
import { ApiError } from "./auth";

export class Api {
  constructor(private readonly base: string, private readonly token: () => string | null) {}

  async get<T>(path: string): Promise<T> {
    return this.send<T>("GET", path);
  }

  async send<T>(method: string, path: string, body?: unknown): Promise<T> {
    const headers: Record<string, string> = {};
    const token = this.token();
    if (token) headers["Authorization"] = `Bearer ${token}`;
    if (body !== undefined) headers["Content-Type"] = "application/json";
    let response: Response;
    try {
      response = await fetch(this.base + path, {
        method,
        headers,
        ...(body === undefined ? {} : { body: JSON.stringify(body) }),
      });
    } catch {
      throw new ApiError("The server cannot be reached; check your connection.", "network", 0);
    }
    const data = (await response.json().catch(() => null)) as
      | (T & { error?: { code: string; message: string } })
      | null;
    if (!response.ok) {
      const error = data?.error;
      throw new ApiError(error?.message ?? `HTTP ${response.status}`, error?.code ?? "http_error", response.status);
    }
    return data as T;
  }
}
