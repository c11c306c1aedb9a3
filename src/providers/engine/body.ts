// Reading an upstream response body within a byte cap: the bytes are counted as they arrive (after
// decoding gzip, deflate or br), and the read stops at the cap, so a huge page or a decompression bomb
// costs at most the cap in memory, never the whole body.
import { Readable } from 'node:stream';
import { createBrotliDecompress, createGunzip, createInflate } from 'node:zlib';
import { GatewayError } from './errors.js';

const mib = (n: number) => (n >= 1024 * 1024 ? `${Math.round((n / 1024 / 1024) * 10) / 10} MiB` : `${n} bytes`);

function tooLarge(provider: string, cap: number): GatewayError {
  return new GatewayError(
    'UPSTREAM_BAD_RESPONSE',
    `${provider} answered with a body over the gateway's ${mib(cap)} cap (http.maxResponseBytes, counted after decompression); the gateway stopped reading it. Ask for smaller pages through remoteQuery, or raise http.maxResponseBytes.`,
    { provider, maxResponseBytes: cap },
  );
}

function undecodable(provider: string, why: string): GatewayError {
  return new GatewayError('UPSTREAM_BAD_RESPONSE', `${provider} answered with a body the gateway cannot decode (${why}). The upstream or a proxy in front of it may be misconfigured.`, { provider });
}

/** A decoder for one content coding (deflate is the zlib format, RFC 9110 §8.4.1.2). */
function decoder(coding: string) {
  if (coding === 'gzip' || coding === 'x-gzip') return createGunzip();
  if (coding === 'deflate') return createInflate();
  if (coding === 'br') return createBrotliDecompress();
  return undefined;
}

/**
 * The body as UTF-8 text, at most `cap` bytes after decoding. Past the cap, or on a coding it does not know
 * or a corrupt stream, it destroys the body (the connection is not reused) and throws UPSTREAM_BAD_RESPONSE.
 */
export async function readBody(body: Readable, headers: Record<string, string>, cap: number, provider: string): Promise<string> {
  const encoding = headers['content-encoding'];
  const codings = (encoding ?? '').split(',').map((c) => c.trim().toLowerCase()).filter((c) => c && c !== 'identity');
  const unzip = codings.length === 1 ? decoder(codings[0]!) : undefined;
  const refuse = (e: GatewayError) => {
    body.destroy();
    throw e;
  };
  if (codings.length && !unzip) refuse(undecodable(provider, `content-encoding ${encoding} is not supported`));
  if (!unzip && Number(headers['content-length']) > cap) refuse(tooLarge(provider, cap));
  const chunks: Buffer[] = [];
  let size = 0;
  let bodyFailed = false;
  try {
    if (unzip) body.on('error', (e) => { bodyFailed = true; unzip.destroy(e); });
    for await (const chunk of unzip ? body.pipe(unzip) : body) {
      size += (chunk as Buffer).length;
      if (size > cap) throw tooLarge(provider, cap);
      chunks.push(chunk as Buffer);
    }
  } catch (e) {
    body.destroy();
    unzip?.destroy();
    if (e instanceof GatewayError) throw e;
    // The decoder's own error is the body's fault; the body's (a reset, the deadline's abort) is the caller's to judge.
    if (unzip && !bodyFailed) throw undecodable(provider, `corrupt ${codings[0]} data`);
    throw e;
  }
  return Buffer.concat(chunks, size).toString('utf8');
}
