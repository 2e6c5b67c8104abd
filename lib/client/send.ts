// One call to Mi Account: sent by the transport, published on the request channel, its body read.
import type { Agent } from 'node:http';
import { traceRequest } from '../observability/trace';
import { httpRequest, type HttpRequest, type HttpResponse } from '../transport/http';
import type { PreconnectClient } from '../transport/preconnect';

/** The settings of a `MiAccountClient` that its token requests and Open API calls read. */
export interface ClientSettings extends PreconnectClient {
  readonly clientID: string;
  readonly redirectURI: string | undefined;
  readonly timeout: number;
  readonly maxResponseBytes: number;
  readonly agent: Agent | undefined;
}

/**
 * Sends one request to Mi Account and reads its body with `read`, published on the request channel as a whole (the
 * Mi code of a failure included).
 *
 * @example
 * const tokens = await send(request, (response) => readTokenResponse(response.text, context));
 */
export function send<T>(request: HttpRequest, read: (response: HttpResponse) => T): Promise<T> {
  const { step, method, endpoint } = request;
  return traceRequest({ step, method, host: endpoint.host, endpoint: endpoint.pathname }, (trace) => {
    if (!trace) return httpRequest(request, read);
    const onAttempt = (attempt: 1 | 2) => (trace.attempt = attempt);
    return httpRequest({ ...request, onAttempt }, (response) => {
      trace.status = response.status;
      return read(response);
    });
  });
}
