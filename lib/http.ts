import { MiAccountError, MiAccountRequestError, MiAccountResponseError, MiAccountStep, sanitizeCause } from './errors';

export interface HttpRequest {
  url: URL;
  method: 'GET' | 'POST';
  headers?: Record<string, string>;
  body?: string;
  step: MiAccountStep;
  timeoutMs: number;
  maxBytes: number;
  /** Strings to strip from any error text (secret, tokens). */
  secrets: ReadonlyArray<string | undefined>;
}

export interface HttpResponse {
  status: number;
  contentType: string;
  text: string;
}

/** Sends one request with a deadline covering headers and body, and a cap on the body size. */
export async function httpRequest(request: HttpRequest): Promise<HttpResponse> {
  const endpoint = request.url.pathname;
  const signal = AbortSignal.timeout(request.timeoutMs);
  try {
    const response = await fetch(request.url, {
      method: request.method,
      headers: { accept: 'application/json', ...request.headers },
      body: request.body,
      signal,
      redirect: 'manual',
    });
    const text = await readCapped(response, request.maxBytes, request.step, endpoint);
    return { status: response.status, contentType: response.headers.get('content-type') ?? 'no content type', text };
  } catch (err) {
    if (err instanceof MiAccountError) throw err;
    if (signal.aborted) {
      throw new MiAccountRequestError({
        step: request.step,
        endpoint,
        hint: `timed out after ${request.timeoutMs} ms (Mi Account did not answer in time; raise the \`timeout\` option or retry)`,
      });
    }
    const cause = sanitizeCause(err, request.secrets);
    const code = networkCode(cause);
    throw new MiAccountRequestError({
      step: request.step,
      endpoint,
      hint: `could not reach ${request.url.host}${code ? ` (${code})` : ''}: ${cause.message}; check the network or the endpoint URL options`,
      cause,
    });
  }
}

function networkCode(err: Error): string | undefined {
  for (let e: unknown = err; e instanceof Error; e = e.cause) {
    const code = (e as { code?: unknown }).code;
    if (typeof code === 'string') return code;
  }
  return undefined;
}

async function readCapped(response: Response, maxBytes: number, step: MiAccountStep, endpoint: string): Promise<string> {
  const declared = Number(response.headers.get('content-length'));
  if (declared > maxBytes) {
    await response.body?.cancel();
    throw tooLarge(step, endpoint, maxBytes);
  }
  if (!response.body) return '';
  const reader = response.body.getReader();
  const chunks: Uint8Array[] = [];
  let size = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    size += value.byteLength;
    if (size > maxBytes) {
      await reader.cancel();
      throw tooLarge(step, endpoint, maxBytes);
    }
    chunks.push(value);
  }
  return Buffer.concat(chunks, size).toString('utf8');
}

function tooLarge(step: MiAccountStep, endpoint: string, maxBytes: number): MiAccountResponseError {
  return new MiAccountResponseError({
    step,
    endpoint,
    hint: `the response is larger than ${maxBytes} bytes (maxResponseBytes); Mi Account responses are small, so something else answered`,
  });
}
