/** The X-ResponseCode after DONE differs from the HTTP header's ([MS-OXCMAPIHTTP] 3.2.5.2). */
import { responseCodeName } from '../../protocol/mapihttp/request-types.js';
import type { Rule } from '../types.js';
import { finding } from '../util.js';

export const responseCodeMismatchRule: Rule = {
  id: 'response-code-mismatch',
  description: 'The X-ResponseCode in the trailer after DONE disagrees with the HTTP header.',
  run({ facts }) {
    return facts
      .filter(
        (f) =>
          f.headerResponseCode !== undefined &&
          f.trailerResponseCode !== undefined &&
          f.headerResponseCode !== f.trailerResponseCode,
      )
      .map((f) =>
        finding(
          'response-code-mismatch',
          'warning',
          'Header and trailer X-ResponseCode disagree',
          `The HTTP header said ${f.headerResponseCode} (${responseCodeName(f.headerResponseCode!)}) but the trailer after DONE says ${f.trailerResponseCode} (${responseCodeName(f.trailerResponseCode!)}). The header only means "accepted"; the request failed while it ran, and tools that read only the header report success.`,
          'Trust the trailer value; investigate it as the failure of this request.',
          [f.id],
          { session: f.session, paths: [{ exchangeId: f.id, path: 'AdditionalHeaders/X-ResponseCode' }] },
        ),
      );
  },
};
