// The WebSocket API (docs/websocket-protocol.md): numbered messages, replies matched by id,
// every message under the 32 KB limit, and a reconnect after a drop. The token is asked for at
// every (re)connect, so a refreshed one is used; none (signed out) stops reconnecting.
export type Message = { type: string; [field: string]: unknown };
type Listener = (message: Message) => void;
type Token = () => Promise<string | null> | string | null;

export const MESSAGE_LIMIT = 32 * 1024;
const RETRY_MS = [250, 500, 1000, 2000, 4000];

export class Signalling {
  private socket: WebSocket | null = null;
  private nextId = 1;
  private readonly waiting = new Map<string, { resolve: (m: Message) => void; reject: (e: Message) => void }>();
  private readonly listeners = new Set<Listener>();
  private readonly openers = new Set<(reconnected: boolean) => void>();
  private readonly droppers = new Set<() => void>();
  private retries = 0;
  private opens = 0;
  private closedByUs = false;
  private connecting = false;

  constructor(
    private readonly url: string,
    private readonly token: Token,
  ) {}

  /** Calls `listener` at every open: `reconnected` is false for the first. Returns the unsubscribe. */
  onOpen(listener: (reconnected: boolean) => void): () => void {
    this.openers.add(listener);
    return () => void this.openers.delete(listener);
  }

  /** Calls `listener` when the socket drops (before it reconnects). Returns the unsubscribe. */
  onDrop(listener: () => void): () => void {
    this.droppers.add(listener);
    return () => void this.droppers.delete(listener);
  }

  connect(): void {
    this.closedByUs = false;
    if (this.connecting || this.socket) return;
    this.connecting = true;
    void Promise.resolve(this.token()).then(
      (token) => this.openWith(token),
      () => this.openWith(null),
    );
  }

  private openWith(token: string | null): void {
    this.connecting = false;
    if (this.closedByUs) return;
    if (!token) {
      this.closedByUs = true; // signed out: nothing to reconnect as
      return;
    }
    const socket = new WebSocket(`${this.url}?token=${encodeURIComponent(token)}`);
    this.socket = socket;
    socket.onopen = () => {
      this.retries = 0;
      const reconnected = this.opens > 0;
      this.opens += 1;
      for (const listener of [...this.openers]) listener(reconnected);
    };
    socket.onmessage = (event) => this.receive(JSON.parse(String(event.data)) as Message);
    socket.onclose = () => {
      if (this.socket !== socket) return;
      this.socket = null;
      for (const [, waiter] of this.waiting) waiter.reject({ type: "error", code: "disconnected", message: "The connection dropped." });
      this.waiting.clear();
      if (this.closedByUs) return;
      for (const listener of [...this.droppers]) listener();
      const delay = RETRY_MS[Math.min(this.retries, RETRY_MS.length - 1)]!;
      this.retries += 1;
      setTimeout(() => this.connect(), delay);
    };
  }

  close(): void {
    this.closedByUs = true;
    this.socket?.close();
  }

  /** Close the socket as a network drop would: it reconnects (used by tests and "reconnect now"). */
  drop(): void {
    this.socket?.close();
  }

  get open(): boolean {
    return this.socket?.readyState === WebSocket.OPEN;
  }

  /** Every message that is not the answer to a request; returns the unsubscribe. */
  listen(listener: Listener): () => void {
    this.listeners.add(listener);
    return () => void this.listeners.delete(listener);
  }

  /** Send a numbered message; resolves with its reply or ack, rejects with its error. */
  request(action: string, fields: Record<string, unknown> = {}): Promise<Message> {
    const id = `m${this.nextId++}`;
    const text = JSON.stringify({ action, id, ...fields });
    if (new TextEncoder().encode(text).length > MESSAGE_LIMIT) {
      return Promise.reject({ type: "error", code: "message_too_large", message: "This message is too large to send." });
    }
    return this.opened().then(
      (socket) =>
        new Promise((resolve, reject) => {
          this.waiting.set(id, { resolve, reject });
          socket.send(text);
        }),
    );
  }

  /** The open socket, waiting a few seconds for one that is (re)connecting. */
  private async opened(): Promise<WebSocket> {
    const deadline = Date.now() + 10_000;
    while (Date.now() < deadline) {
      if (this.socket?.readyState === WebSocket.OPEN) return this.socket;
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    throw { type: "error", code: "disconnected", message: "Not connected to Parley; check your connection." };
  }

  private receive(message: Message): void {
    const id = typeof message["id"] === "string" ? message["id"] : null;
    const waiter = id ? this.waiting.get(id) : undefined;
    if (id && waiter) {
      this.waiting.delete(id);
      if (message.type === "error") waiter.reject(message);
      else waiter.resolve(message);
      return;
    }
    for (const listener of [...this.listeners]) listener(message);
  }
}
