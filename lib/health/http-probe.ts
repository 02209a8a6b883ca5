/**
 * HTTP probes through the published port, on 127.0.0.1 only. The request path is sent
 * exactly as given (no normalization), which the traversal probes depend on.
 */
import http from 'node:http';

export interface ProbeResponse {
  status: number;
  /** Header name (lower case) -> every value sent, in order. */
  headers: Map<string, string[]>;
  body: string;
}

export function probe(port: number, rawPath: string, headers: Record<string, string>, timeoutMs = 10_000): Promise<ProbeResponse> {
  return new Promise((resolve, reject) => {
    const request = http.request({ host: '127.0.0.1', port, path: rawPath, method: 'GET', headers, agent: false, timeout: timeoutMs }, (response) => {
      const chunks: Buffer[] = [];
      let size = 0;
      response.on('data', (chunk: Buffer) => {
        if (size < 256 * 1024) chunks.push(chunk);
        size += chunk.length;
      });
      response.on('end', () => {
        const grouped = new Map<string, string[]>();
        for (let i = 0; i < response.rawHeaders.length; i += 2) {
          const name = response.rawHeaders[i]!.toLowerCase();
          grouped.set(name, [...(grouped.get(name) ?? []), response.rawHeaders[i + 1]!]);
        }
        resolve({ status: response.statusCode ?? 0, headers: grouped, body: Buffer.concat(chunks).toString('latin1') });
      });
      response.on('error', reject);
    });
    request.on('timeout', () => request.destroy(new Error(`no answer within ${timeoutMs / 1000} s`)));
    request.on('error', reject);
    request.end();
  });
}

export const header = (response: ProbeResponse, name: string): string | undefined => response.headers.get(name)?.[0];
