/**
 * The load generator's HTTP client: a few kept-alive connections that write HTTP/1.1 POSTs
 * straight to the socket (pipelined when several are waiting) and read only each response's
 * status. A load generator stands in for the platforms, which are other machines; the lighter
 * it is, the less of this machine it takes from the service it measures (node:http costs about
 * as much CPU per request as the web process spends answering it).
 */
import net from 'node:net';

interface Waiting {
  resolve(status: number): void;
  reject(err: Error): void;
}

/** One connection: requests go out in order, responses come back in the same order. */
class Connection {
  private socket: net.Socket | null = null;
  private readonly waiting: Waiting[] = [];
  private buffer: Buffer = Buffer.alloc(0);

  constructor(
    private readonly host: string,
    private readonly port: number,
  ) {}

  get pending(): number {
    return this.waiting.length;
  }

  send(request: Buffer): Promise<number> {
    return new Promise<number>((resolve, reject) => {
      this.waiting.push({ resolve, reject });
      this.open().write(request);
    });
  }

  close(): void {
    this.socket?.destroy();
    this.socket = null;
  }

  private open(): net.Socket {
    if (this.socket) return this.socket;
    const socket = net.connect({ host: this.host, port: this.port, noDelay: true });
    socket.on('data', (chunk: Buffer) => this.read(chunk));
    const fail = (err: Error) => {
      if (this.socket === socket) this.socket = null;
      this.buffer = Buffer.alloc(0);
      for (const w of this.waiting.splice(0)) w.reject(err);
    };
    socket.on('error', fail);
    socket.on('close', () => fail(Object.assign(new Error('connection closed'), { code: 'ECONNRESET' })));
    this.socket = socket;
    return socket;
  }

  /** Takes every complete response (status line, headers, body by Content-Length or chunks) off the buffer. */
  private read(chunk: Buffer): void {
    this.buffer = this.buffer.length === 0 ? chunk : Buffer.concat([this.buffer, chunk]);
    for (;;) {
      const headerEnd = this.buffer.indexOf('\r\n\r\n');
      if (headerEnd < 0) return;
      const head = this.buffer.subarray(0, headerEnd).toString('latin1');
      const status = Number(head.slice(9, 12));
      const total = /\r\ntransfer-encoding:\s*chunked/i.test(head)
        ? chunkedEnd(this.buffer, headerEnd + 4)
        : headerEnd + 4 + Number(/\r\ncontent-length:\s*(\d+)/i.exec(head)?.[1] ?? 0);
      if (total < 0 || this.buffer.length < total) return;
      this.buffer = this.buffer.subarray(total);
      this.waiting.shift()?.resolve(status);
    }
  }
}

/** Where a chunked body starting at `at` ends, or -1 when it has not fully arrived. */
function chunkedEnd(buf: Buffer, at: number): number {
  let pos = at;
  for (;;) {
    const lineEnd = buf.indexOf('\r\n', pos);
    if (lineEnd < 0) return -1;
    const size = parseInt(buf.subarray(pos, lineEnd).toString('latin1'), 16);
    if (Number.isNaN(size)) throw new Error('bench-http: malformed chunked body');
    pos = lineEnd + 2 + size + 2; // data and its CRLF (the last chunk has no data, then the final CRLF)
    if (size === 0) return pos <= buf.length ? pos : -1;
    if (pos > buf.length) return -1;
  }
}

/** POSTs JSON bodies to one URL over `connections` kept-alive connections. */
export class PipelinedPoster {
  private readonly connections: Connection[];
  private readonly head: string;

  constructor(url: string, connections: number) {
    const u = new URL(url);
    this.connections = Array.from({ length: connections }, () => new Connection(u.hostname, Number(u.port)));
    this.head = `POST ${u.pathname} HTTP/1.1\r\nHost: ${u.host}\r\nContent-Type: application/json\r\n`;
  }

  /** Sends on the given connection (a sender of its own), else on the least busy one; resolves with the status. */
  post(body: string, connection?: number): Promise<number> {
    const c =
      connection !== undefined
        ? this.connections[connection % this.connections.length]
        : this.connections.reduce((a, b) => (b.pending < a.pending ? b : a));
    const payload = Buffer.from(body);
    return c.send(Buffer.concat([Buffer.from(`${this.head}Content-Length: ${payload.length}\r\n\r\n`, 'latin1'), payload]));
  }

  close(): void {
    for (const c of this.connections) c.close();
  }
}
