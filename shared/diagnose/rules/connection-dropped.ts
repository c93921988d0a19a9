/** A connection dropped while a request was outstanding ([MS-OXCMAPIHTTP] 3.1.7). */
import type { Finding, Rule } from '../types.js';
import { finding, idList, isMapi, seconds } from '../util.js';

/** Requests open at least this long when cut suggest an idle timeout on the path. */
export const IDLE_HINT_MS = 60_000;

export const connectionDroppedRule: Rule = {
  id: 'connection-dropped',
  description: 'A connection closed or reset before the response was complete (no response, or no DONE).',
  run({ facts }) {
    const out: Finding[] = [];
    const dropped = facts.filter(
      (f) =>
        isMapi(f) &&
        (f.aborted !== undefined || f.status === undefined || (f.status === 200 && f.responseComplete === false)),
    );
    if (!dropped.length) return out;
    const durations = dropped.map((f) => (f.responseEnd ?? f.requestStart) - f.requestStart);
    const long = dropped.filter((_, i) => durations[i]! >= IDLE_HINT_MS);
    for (const [i, f] of dropped.entries()) {
      const d = durations[i]!;
      const held = f.requestType === 'NotificationWait' || f.requestType === 'Execute';
      const similar = long.filter(
        (g) => Math.abs((g.responseEnd ?? g.requestStart) - g.requestStart - d) < 5000,
      ).length;
      const hint =
        d >= IDLE_HINT_MS
          ? ` It was cut after ${seconds(d)}${similar > 1 ? `, like ${similar - 1} other request(s) cut after about the same time` : ''}: that looks like an idle timeout on a load balancer, firewall or proxy.`
          : '';
      out.push(
        finding(
          'connection-dropped',
          held ? 'error' : 'warning',
          `Connection dropped during ${f.requestType ?? 'a request'}`,
          `The ${f.requestType ?? 'request'} in ${idList([f.id])} ended without a complete response (${f.aborted ?? (f.status === undefined ? 'no response' : `the stream stopped after ${f.metaTags?.map((t) => t.tag).join(', ') || 'the headers'}, without DONE`)}${f.abortMessage ? `: ${f.abortMessage}` : ''}).${hint} Outlook has to reconnect and cannot know whether the server ran the request.`,
          d >= IDLE_HINT_MS
            ? 'Raise the idle timeout for /mapi/ on load balancers and firewalls above the NotificationWait hold time (about 5 minutes) and above X-PendingPeriod, or make sure keep-alives pass through.'
            : 'Check for network resets between client and server (VPN, Wi-Fi changes, proxies).',
          [f.id],
          { session: f.session },
        ),
      );
    }
    return out;
  },
};
