// A chunked upload (Transfer-Encoding: chunked, no Content-Length) as an attacker sends it: chunk after
// chunk until the server answers or closes, so a server that stops reading at its cap is seen to stop.

import { request } from 'node:http';

export interface UploadResult {
  status: number;
  body: string;
  /** Bytes handed to the socket before the server answered or closed. */
  sent: number;
  /** Set when the server cut the connection before an answer could be read (status is then 0). */
  cut?: string;
}

export function chunkedUpload(url: string, total: number, headers: Record<string, string> = {}, chunkSize = 64 * 1024): Promise<UploadResult> {
  const chunk = Buffer.alloc(chunkSize, 'a');
  return new Promise<UploadResult>((resolve, reject) => {
    let sent = 0;
    let answered = false;
    const req = request(url, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded', ...headers } }, (res) => {
      answered = true;
      const parts: Buffer[] = [];
      res.on('data', (d: Buffer) => parts.push(d));
      res.on('end', () => {
        resolve({ status: res.statusCode ?? 0, body: Buffer.concat(parts).toString('utf8'), sent });
        req.destroy();
      });
    });
    req.on('error', (error: NodeJS.ErrnoException) => {
      if (answered) return;
      if (error.code === 'EPIPE' || error.code === 'ECONNRESET') resolve({ status: 0, body: '', sent, cut: error.code });
      else reject(error);
    });
    const pump = () => {
      while (!answered && !req.destroyed && sent < total) {
        sent += chunk.length;
        if (!req.write(chunk)) return void req.once('drain', pump);
      }
      if (!answered && !req.destroyed && sent >= total) req.end();
    };
    pump();
  });
}
