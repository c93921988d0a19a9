/** The capture starts inside a session: which context is missing, and why. */
import type { Finding, Rule } from '../types.js';
import { finding } from '../util.js';

export const midSessionCaptureRule: Rule = {
  id: 'mid-session-capture',
  description: 'A session began before the capture: some ROP context (logons, handles, columns) is unknown.',
  run({ sessions, facts }) {
    const out: Finding[] = [];
    for (const s of sessions) {
      if (!s.startedMidSession) continue;
      const affected = facts.filter((f) => f.session === s.id && f.missingContext?.length);
      const reasons = [...new Set(affected.flatMap((f) => f.missingContext!.map((m) => m.reason)))];
      out.push(
        finding(
          'mid-session-capture',
          'info',
          'Capture starts in the middle of a session',
          `Session ${s.id} has no ${s.endpoint === 'nspi' ? 'Bind' : 'Connect'} in this capture (first exchange ${s.exchangeIds[0]}). ${
            affected.length
              ? `${affected.length} exchange(s) lack context: ${reasons.slice(0, 3).join('; ')}${reasons.length > 3 ? '; …' : ''}.`
              : 'Everything seen so far decoded without needing earlier context.'
          }`,
          'Start the capture before Outlook starts (or restart Outlook while capturing) to get full context.',
          affected.length ? affected.map((f) => f.id) : [s.exchangeIds[0]!],
          {
            session: s.id,
            paths: affected.flatMap((f) => f.missingContext!.map((m) => ({ exchangeId: f.id, path: m.path }))),
          },
        ),
      );
    }
    return out;
  },
};
