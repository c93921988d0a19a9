/**
 * Who the client authenticates as: `DOMAIN\user`, `user@domain` (a UPN) or a
 * bare user name, and the password. The password is only ever handed to the
 * authentication schemes; `describe` is what logs and reports may show.
 */
export interface Credentials {
  /** The account name without its domain ("alice"), or the whole UPN ("alice@contoso.com"). */
  user: string;
  /** NetBIOS or DNS domain from `DOMAIN\user`; undefined for a UPN or a bare name. */
  domain?: string;
  password: string;
}

export function parseUser(text: string, password: string): Credentials {
  const slash = text.indexOf('\\');
  if (slash > 0) return { user: text.slice(slash + 1), domain: text.slice(0, slash), password };
  return { user: text, password };
}

/** The identity as the user typed it, without the password. */
export function describe(c: Credentials | undefined): string {
  if (!c) return '(no user)';
  return c.domain ? `${c.domain}\\${c.user}` : c.user;
}
