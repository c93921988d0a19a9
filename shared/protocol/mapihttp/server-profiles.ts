/**
 * What an X-ResponseCode means on a given server. [MS-OXCMAPIHTTP] 2.2.3.3.3
 * numbers them (10 Context Not Found, 15 Invalid Sequence, …), but not every
 * server does: gromox numbers its own short list (its mh_common.hpp
 * `enum class resp_code`: 0 success, 1 invalid verb, 2 invalid context cookie —
 * also what an expired or unknown context gets —, 3 missing header, 4 no
 * privilege, 5 invalid body, 6 missing cookie, 7 invalid sequence, 8 invalid
 * request type) and identifies itself as `Exchange/15.00.0847.4040` by default.
 * The code is always reported literally; this module says which spec meaning
 * it carries so a client's conforming reaction can still run.
 */

export interface ServerProfile {
  id: string;
  name: string;
  /** X-ServerApplication values this profile applies to. */
  serverApplication: RegExp;
  /** Server code → the spec's code for the same condition. */
  codes: Readonly<Record<number, number>>;
}

export const SERVER_PROFILES: readonly ServerProfile[] = [
  {
    id: 'gromox',
    name: 'gromox',
    serverApplication: /^Exchange\/15\.00\.0847\.4040$/i,
    codes: { 0: 0, 1: 2, 2: 10, 3: 7, 4: 11, 5: 12, 6: 13, 7: 15, 8: 5 },
  },
];

/** Explanation bodies that name the condition whatever the number ([MS-OXCMAPIHTTP] 2.2.3.3.3 wording, gromox's). */
const BODY_MEANINGS: readonly { pattern: RegExp; code: number }[] = [
  { pattern: /violated the sequencing requirement|invalid sequence/i, code: 15 },
  { pattern: /session context is not found|invalid session context cookie|context not found/i, code: 10 },
  { pattern: /missing a required cookie|missing cookie/i, code: 13 },
];

export interface ResponseCodeMeaning {
  /** As the server sent it. */
  code: number;
  /** The spec's code for the same condition. */
  specCode: number;
  /** How the meaning was found: the spec's own numbering, a server profile, or the explanation body. */
  via: 'spec' | 'profile' | 'body';
  profile?: string;
}

export function profileFor(serverApplication: string | undefined): ServerProfile | undefined {
  if (!serverApplication) return undefined;
  return SERVER_PROFILES.find((p) => p.serverApplication.test(serverApplication.trim()));
}

/**
 * The spec meaning of `code` from this server: the explanation body when it
 * names a condition, else the server's profile, else the spec numbering.
 */
export function meaningOf(code: number, serverApplication?: string, explanation?: string): ResponseCodeMeaning {
  const profile = profileFor(serverApplication);
  if (code !== 0 && explanation) {
    const hit = BODY_MEANINGS.find((b) => b.pattern.test(explanation));
    if (hit)
      return {
        code,
        specCode: hit.code,
        via: hit.code === code ? 'spec' : 'body',
        ...(profile ? { profile: profile.id } : {}),
      };
  }
  if (profile && profile.codes[code] !== undefined)
    return {
      code,
      specCode: profile.codes[code],
      via: profile.codes[code] === code ? 'spec' : 'profile',
      profile: profile.id,
    };
  return { code, specCode: code, via: 'spec' };
}
