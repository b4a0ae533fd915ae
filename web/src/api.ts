// The REST API, typed by the OpenAPI document: `paths` is generated from it at build time
// (scripts/web-api-types), so a path, parameter, body or response field the document no longer
// has is a type error here or where the answer is read. Every error becomes an ApiError with
// the API's own message and, for a refused field, which field (the Error schema's `fields`).
import type { components, paths } from "./generated/api";

export type Schemas = components["schemas"];
type ApiErrorBody = Schemas["Error"];
export type FieldError = { field: string; code: string; message: string };

export class ApiError extends Error {
  constructor(
    message: string,
    readonly code: string,
    readonly status: number,
    readonly fields: FieldError[] = [],
    readonly retryAfter: number | null = null,
  ) {
    super(message);
  }
}

type Method = "get" | "put" | "post" | "patch" | "delete";
type Operation<P extends keyof paths, M extends Method> = NonNullable<paths[P][M]>;
/** The paths that take `M`. */
type PathsWith<M extends Method> = { [P in keyof paths]: [Operation<P, M>] extends [never] ? never : P }[keyof paths];

/** The JSON body an operation takes, or never when it takes none. */
type Body<O> = O extends { requestBody?: infer R } ? JsonBody<NonNullable<R>> : never;
type JsonBody<R> = R extends { content: { "application/json": infer B } } ? B : never;
/** An operation's options: `path` (each `{name}` of the path), `query`, `body` and an idempotency `key`. */
type Options<O> = (O extends { parameters: infer A } ? Pick<A, Extract<keyof A, "path" | "query">> : {}) &
  ([Body<O>] extends [never] ? {} : { body: Body<O> }) & { key?: string };
/** The options argument: required when the operation has a path parameter, a required query or a body. */
type Arguments<O> = {} extends Options<O> ? [options?: Options<O>] : [options: Options<O>];

type Json<R> = R extends { content: { "application/json": infer J } } ? J : undefined;
type Documented<O> = O extends { responses: infer R } ? Json<R[Extract<keyof R, 200 | 201 | 202 | 204>]> : never;

/** The success body of `M` on `P`: the route's response model, as the document describes it. */
export type Answer<P extends keyof paths, M extends Method = "get"> = Documented<Operation<P, M>>;

type Values = Record<string, string | number | boolean | readonly string[] | undefined>;
type Raw = { path?: Values; query?: Values; body?: unknown; key?: string };

/** A fresh Idempotency-Key for one user action: retries of that action reuse it. */
export function idempotencyKey(): string {
  return crypto.randomUUID();
}

export class Api {
  /** `token` answers a current ID token (refreshed first when it is about to expire), or null. */
  constructor(
    private readonly base: string,
    private readonly token: () => Promise<string | null>,
  ) {}

  get<P extends PathsWith<"get">>(path: P, ...[options]: Arguments<Operation<P, "get">>): Promise<Answer<P>> {
    return this.send("GET", path, options as Raw | undefined) as Promise<Answer<P>>;
  }

  post<P extends PathsWith<"post">>(path: P, ...[options]: Arguments<Operation<P, "post">>): Promise<Answer<P, "post">> {
    return this.send("POST", path, options as Raw | undefined) as Promise<Answer<P, "post">>;
  }

  put<P extends PathsWith<"put">>(path: P, ...[options]: Arguments<Operation<P, "put">>): Promise<Answer<P, "put">> {
    return this.send("PUT", path, options as Raw | undefined) as Promise<Answer<P, "put">>;
  }

  patch<P extends PathsWith<"patch">>(path: P, ...[options]: Arguments<Operation<P, "patch">>): Promise<Answer<P, "patch">> {
    return this.send("PATCH", path, options as Raw | undefined) as Promise<Answer<P, "patch">>;
  }

  delete<P extends PathsWith<"delete">>(
    path: P,
    ...[options]: Arguments<Operation<P, "delete">>
  ): Promise<Answer<P, "delete">> {
    return this.send("DELETE", path, options as Raw | undefined) as Promise<Answer<P, "delete">>;
  }

  private async send(method: string, path: string, { path: names = {}, query = {}, body, key }: Raw = {}): Promise<unknown> {
    const search = new URLSearchParams();
    for (const [name, value] of Object.entries(query)) {
      if (value === undefined || value === "") continue;
      if (Array.isArray(value)) for (const item of value) search.append(name, String(item));
      else search.set(name, String(value));
    }
    const url = this.base + path.replace(/{(\w+)}/g, (_, name: string) => encodeURIComponent(String(names[name])));
    const headers: Record<string, string> = {};
    const token = await this.token();
    if (token) headers["Authorization"] = `Bearer ${token}`;
    if (body !== undefined) headers["Content-Type"] = "application/json";
    if (key) headers["Idempotency-Key"] = key;
    let response: Response;
    try {
      response = await fetch(search.toString() ? `${url}?${search}` : url, {
        method,
        headers,
        ...(body === undefined ? {} : { body: JSON.stringify(body) }),
      });
    } catch {
      throw new ApiError("The server cannot be reached; check your connection.", "network", 0);
    }
    const data: unknown = response.status === 204 ? null : await response.json().catch(() => null);
    if (!response.ok) {
      const error = (data as Partial<ApiErrorBody> | null)?.error;
      const retry = Number(response.headers.get("Retry-After"));
      throw new ApiError(
        error?.message ?? `The server answered HTTP ${response.status}.`,
        error?.code ?? "http_error",
        response.status,
        (error?.fields ?? []).map((f) => ({ field: f.field ?? "", code: f.code ?? "", message: f.message ?? "" })),
        Number.isFinite(retry) && retry > 0 ? retry : null,
      );
    }
    return data;
  }
}

/** Every item of a cursor-paged listing, in order: `page(cursor)` fetches one page (the first with no
 * cursor), at most `maxPages` of them. */
export async function everyPage<T>(
  page: (cursor: string | undefined) => Promise<{ items: T[]; next_cursor?: string | null }>,
  maxPages: number,
): Promise<T[]> {
  const items: T[] = [];
  let cursor: string | undefined;
  for (let round = 0; round < maxPages; round += 1) {
    const found = await page(cursor);
    items.push(...found.items);
    if (!found.next_cursor) break;
    cursor = found.next_cursor;
  }
  return items;
}
