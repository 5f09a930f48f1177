import { createHash, randomUUID } from 'node:crypto';
import http from 'node:http';
import type { AddressInfo } from 'node:net';

/**
 * Modal's blob side channel: BlobCreate hands out a presigned-style URL, the SDK PUTs the bytes there, and BlobGet
 * hands out a URL it GETs. Here the "bucket" is a Map behind a local HTTP listener, which (like the gRPC port) can be
 * stopped and restarted on the same port without losing blobs.
 */
export class BlobStore {
  private readonly blobs = new Map<string, Uint8Array>();
  /** Upload slots from BlobCreate: the PUT must match the announced length and MD5, as S3 enforces. */
  private readonly slots = new Map<string, { md5Base64: string; length: number }>();
  private server: http.Server | undefined;
  private port = 0;

  async listen(): Promise<void> {
    const server = http.createServer((request, response) => void this.handle(request, response));
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(this.port, '127.0.0.1', () => resolve());
    });
    this.port = (server.address() as AddressInfo).port;
    this.server = server;
  }

  async close(): Promise<void> {
    const server = this.server;
    if (!server) return;
    this.server = undefined;
    const closed = new Promise<void>((resolve) => server.close(() => resolve()));
    server.closeAllConnections();
    await closed;
  }

  /** Opens an upload slot for BlobCreate. */
  createUpload(md5Base64: string, length: number): { blobId: string; uploadUrl: string } {
    const blobId = `bl-${randomUUID()}`;
    this.slots.set(blobId, { md5Base64, length });
    return { blobId, uploadUrl: this.url(blobId) };
  }

  /** Stores bytes produced server-side (large outputs) and returns their id. */
  put(data: Uint8Array): string {
    const blobId = `bl-${randomUUID()}`;
    this.blobs.set(blobId, data);
    return blobId;
  }

  get(blobId: string): Uint8Array | undefined {
    return this.blobs.get(blobId);
  }

  url(blobId: string): string {
    return `http://127.0.0.1:${this.port}/blobs/${encodeURIComponent(blobId)}`;
  }

  clear(): void {
    this.blobs.clear();
    this.slots.clear();
  }

  private async handle(request: http.IncomingMessage, response: http.ServerResponse): Promise<void> {
    const match = /^\/blobs\/([^/?]+)$/.exec(request.url ?? '');
    const blobId = match?.[1] && decodeURIComponent(match[1]);
    if (!blobId) return void response.writeHead(404).end('no such path');
    if (request.method === 'GET') {
      const data = this.blobs.get(blobId);
      if (!data) return void response.writeHead(404).end(`blob ${blobId} not found`);
      return void response.writeHead(200, { 'Content-Type': 'application/octet-stream' }).end(data);
    }
    if (request.method !== 'PUT') return void response.writeHead(405).end();
    const slot = this.slots.get(blobId);
    if (!slot) return void response.writeHead(404).end(`no upload slot for ${blobId}`);
    const chunks: Buffer[] = [];
    for await (const chunk of request) chunks.push(chunk as Buffer);
    const body = Buffer.concat(chunks);
    const md5 = createHash('md5').update(body).digest('base64');
    if (body.length !== slot.length || md5 !== slot.md5Base64 || request.headers['content-md5'] !== md5) {
      return void response.writeHead(400).end('blob length or Content-MD5 does not match BlobCreate');
    }
    this.slots.delete(blobId);
    this.blobs.set(blobId, new Uint8Array(body));
    response.writeHead(200).end();
  }
}
