/**
 * Slow round trips, attributed: server processing (X-ElapsedTime) versus the
 * path (network, proxies, authentication). NotificationWait is held by design
 * and is left out.
 */
import type { Finding, Rule } from '../types.js';
import { finding, isMapi, roundTrip, seconds } from '../util.js';

export const LATENCY_WARN_MS = 2500;
export const LATENCY_ERROR_MS = 5000;

export const latencyRule: Rule = {
  id: 'latency',
  description: 'Round trips over 2.5 s (warning) or 5 s (error), with server time versus path time.',
  run({ facts }) {
    const out: Finding[] = [];
    for (const f of facts) {
      if (!isMapi(f) || f.requestType === 'NotificationWait' || f.aborted) continue;
      const total = roundTrip(f);
      if (total === undefined || total <= LATENCY_WARN_MS) continue;
      const server = f.elapsedMs;
      const transfer =
        f.responseHeaders !== undefined && f.responseEnd !== undefined ? f.responseEnd - f.responseHeaders : undefined;
      let where: string;
      if (server !== undefined) {
        const path = Math.max(0, total - server);
        where =
          server >= path
            ? `The server spent ${seconds(server)} of it working (X-ElapsedTime); the rest, ${seconds(path)}, was the path.`
            : `The server spent only ${seconds(server)} working (X-ElapsedTime); ${seconds(path)} went to the path between client and server (network, proxies, authentication).`;
      } else where = 'The server sent no X-ElapsedTime, so server and path time cannot be told apart.';
      if (transfer !== undefined && server === undefined)
        where += ` Receiving the body after the headers took ${seconds(transfer)}.`;
      const slowServer = server !== undefined && server >= total - server;
      out.push(
        finding(
          'latency',
          total > LATENCY_ERROR_MS ? 'error' : 'warning',
          `Slow ${f.requestType ?? 'request'} (${seconds(total)})`,
          `The ${f.requestType ?? 'request'} took ${seconds(total)} from request to last byte. ${where}`,
          slowServer
            ? 'Check the mailbox server (database latency, CPU, large folders) and what the ROPs of this request ask for.'
            : 'Check the network path: proxies, SSL inspection, VPN and WAN latency; a slow path with a fast server is not an Exchange problem.',
          [f.id],
          { session: f.session },
        ),
      );
    }
    return out;
  },
};
