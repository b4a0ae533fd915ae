// The REST API, typed by the OpenAPI document: `paths` is generated from it at build time
// (scripts/web-api-types), so a path, parameter or response field the document no longer
// has is a type error here or where the answer is read. Every error becomes an ApiError with
// the API's own message (the Error schema's error.message).
import { ApiError } from "./auth";
import type { components, paths } from "./generated/api";

type Method = "get" | "put" | "post" | "patch" | "delete";
type Operation<P extends keyof paths, M extends Method> = NonNullable<paths[P][M]>;
/** The paths that take `M`. */
type PathsWith<M extends Method> = { [P in keyof paths]: [Operation<P, M>] extends [never] ? never : P }[keyof paths];

/** A GET's parameters: `path` (each `{name}` of the path) and `query`, as the document types them. */
type Options<O> = O extends { parameters: infer A } ? Pick<A, Extract<keyof A, "path" | "query">> : {};
/** The options argument: required when the operation has a path parameter or a required query. */
type Arguments<O> = {} extends Options<O> ? [options?: Options<O>] : [options: Options<O>];

type Json<R> = R extends { content: { "application/json": infer J } } ? J : undefined;
type Documented<O> = O extends { responses: infer R } ? Json<R[Extract<keyof R, 200 | 201 | 202 | 204>]> : never;

/** The success body of `M` on `P`: the route's response model, as the document describes it. */
export type Answer<P extends keyof paths, M extends Method = "get"> = Documented<Operation<P, M>>;

type ApiErrorBody = components["schemas"]["Error"];
type Values = Record<string, string | number | boolean | undefined>;
type Raw = { path?: Values; query?: Values };

export class Api {
  constructor(private readonly base: string, private readonly token: () => string | null) {}

  get<P extends PathsWith<"get">>(path: P, ...[options]: Arguments<Operation<P, "get">>): Promise<Answer<P>> {
    return this.send("GET", path, options as Raw | undefined) as Promise<Answer<P>>;
  }

  private async send(method: string, path: string, { path: names = {}, query = {} }: Raw = {}): Promise<unknown> {
    const search = new URLSearchParams();
    for (const [name, value] of Object.entries(query)) if (value !== undefined) search.set(name, String(value));
    const url = this.base + path.replace(/{(\w+)}/g, (_, name: string) => encodeURIComponent(String(names[name])));
    const headers: Record<string, string> = {};
    const token = this.token();
    if (token) headers["Authorization"] = `Bearer ${token}`;
    let response: Response;
    try {
      response = await fetch(search.toString() ? `${url}?${search}` : url, { method, headers });
    } catch {
      throw new ApiError("The server cannot be reached; check your connection.", "network", 0);
    }
    const data: unknown = await response.json().catch(() => null);
    if (!response.ok) {
      const error = (data as Partial<ApiErrorBody> | null)?.error;
      throw new ApiError(error?.message ?? `HTTP ${response.status}`, error?.code ?? "http_error", response.status);
    }
    return data;
  }
}
