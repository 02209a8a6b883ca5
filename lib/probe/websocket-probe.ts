/**
 * One websocket round trip to 127.0.0.1 (RFC 6455, client side): the Upgrade handshake with the
 * Host header the other probes send (a browser's, which nginx's server_name and Django's
 * ALLOWED_HOSTS accept), one masked text frame, and the first text frame back. Node's own
 * WebSocket cannot set Host, so the few lines of framing are done here.
 */
import { createHash, randomBytes } from 'node:crypto';
import { http, https } from './builtins.js';
import type { Duplex } from 'node:stream';
import type { Endpoint } from './http-probe.js';

export type WebsocketOutcome =
  /** The handshake was refused: the HTTP answer instead of 101. */
  | { kind: 'refused'; status: number; body: string }
  /** 101, and the first text frame the server sent (undefined: none before the timeout, or closed). */
  | { kind: 'opened'; reply?: string; closedWith?: number };

const GUID = '258EAFA5-E914-47DA-95CA-C5AB0DC85B11';

export function websocketRoundTrip(target: number | Endpoint, path: string, headers: Record<string, string>, message: string, timeoutMs = 10_000): Promise<WebsocketOutcome> {
  const { port, tls } = typeof target === 'number' ? { port: target, tls: undefined } : target;
  const key = randomBytes(16).toString('base64');
  const options = {
    host: '127.0.0.1',
    port,
    path,
    agent: false,
    timeout: timeoutMs,
    headers: { ...headers, Connection: 'Upgrade', Upgrade: 'websocket', 'Sec-WebSocket-Version': '13', 'Sec-WebSocket-Key': key },
  } as const;
  return new Promise((resolve, reject) => {
    const request = tls ? https().request({ ...options, servername: tls.servername, ...(tls.ca ? { ca: tls.ca } : {}) }) : http().request(options);
    request.on('timeout', () => request.destroy(new Error(`no answer to the websocket handshake on ${path} within ${timeoutMs / 1000} s`)));
    request.on('error', reject);
    request.on('response', (response) => {
      let body = '';
      response.on('data', (chunk: Buffer) => (body += chunk.toString('utf8').slice(0, 2000)));
      response.on('end', () => resolve({ kind: 'refused', status: response.statusCode ?? 0, body }));
    });
    request.on('upgrade', (response, socket) => {
      const accept = createHash('sha1')
        .update(key + GUID)
        .digest('base64');
      if (response.headers['sec-websocket-accept'] !== accept) {
        socket.destroy();
        reject(new Error(`the websocket handshake on ${path} answered 101 with a wrong Sec-WebSocket-Accept`));
        return;
      }
      readFirstText(socket, timeoutMs).then(resolve, reject);
      socket.write(frame(0x1, Buffer.from(message, 'utf8')));
    });
    request.end();
  });
}

/** A masked client frame (clients must mask), FIN set. */
function frame(opcode: number, payload: Buffer): Buffer {
  const length = payload.length;
  const header = length < 126 ? Buffer.from([0x80 | opcode, 0x80 | length]) : Buffer.from([0x80 | opcode, 0x80 | 126, length >> 8, length & 0xff]);
  const mask = randomBytes(4);
  const masked = Buffer.from(payload.map((byte, index) => byte ^ mask[index % 4]!));
  return Buffer.concat([header, mask, masked]);
}

/** The first text frame from the server (unmasked, as servers send), or how the connection ended. */
function readFirstText(socket: Duplex, timeoutMs: number): Promise<WebsocketOutcome> {
  return new Promise((resolve) => {
    let buffered = Buffer.alloc(0);
    const finish = (outcome: WebsocketOutcome) => {
      clearTimeout(timer);
      socket.removeAllListeners('data');
      // A close frame (status 1000), then the socket goes.
      socket.end(frame(0x8, Buffer.from([0x03, 0xe8])));
      resolve(outcome);
    };
    const timer = setTimeout(() => finish({ kind: 'opened' }), timeoutMs);
    socket.on('error', () => finish({ kind: 'opened' }));
    socket.on('end', () => finish({ kind: 'opened' }));
    socket.on('data', (chunk: Buffer) => {
      buffered = Buffer.concat([buffered, chunk]);
      for (;;) {
        if (buffered.length < 2) return;
        const opcode = buffered[0]! & 0x0f;
        let length = buffered[1]! & 0x7f;
        let offset = 2;
        if (length === 126) {
          if (buffered.length < 4) return;
          length = buffered.readUInt16BE(2);
          offset = 4;
        } else if (length === 127) {
          if (buffered.length < 10) return;
          length = Number(buffered.readBigUInt64BE(2));
          offset = 10;
        }
        if (buffered.length < offset + length) return;
        const payload = buffered.subarray(offset, offset + length);
        buffered = buffered.subarray(offset + length);
        if (opcode === 0x1) return finish({ kind: 'opened', reply: payload.toString('utf8') });
        if (opcode === 0x8) return finish({ kind: 'opened', closedWith: payload.length >= 2 ? payload.readUInt16BE(0) : 1005 });
        // Ping, pong, binary: not the echo; read on.
      }
    });
  });
}
