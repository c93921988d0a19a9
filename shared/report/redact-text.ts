/**
 * Redaction of report text: every secret (a user or mailbox name, a session
 * cookie value) replaced by its pseudonym wherever it appears, case-
 * insensitively, longest first, so the same secret reads the same everywhere.
 */
export class TextRedactor {
  private list: { needle: string; pseudonym: string }[] = [];
  /** The needles' alternation, built on first use after a change. */
  private re: RegExp | undefined;
  private byLower = new Map<string, string>();

  /** Adds a secret (ignored when shorter than 3 characters or already known). */
  add(secret: string, pseudonym: string): void {
    const s = secret.trim();
    if (s.length < 3 || this.byLower.has(s.toLowerCase())) return;
    this.byLower.set(s.toLowerCase(), pseudonym);
    this.list.push({ needle: s, pseudonym });
    this.re = undefined;
  }

  get size(): number {
    return this.list.length;
  }

  text(s: string): string {
    if (!this.list.length) return s;
    if (!this.re) {
      const sorted = [...this.list].sort((a, b) => b.needle.length - a.needle.length);
      this.re = new RegExp(sorted.map((x) => x.needle.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')).join('|'), 'gi');
    }
    return s.replace(this.re, (m) => this.byLower.get(m.toLowerCase()) ?? m);
  }

  /** A deep copy of `v` with every string redacted (object keys too). */
  value<T>(v: T): T {
    if (typeof v === 'string') return this.text(v) as T;
    if (Array.isArray(v)) return v.map((x) => this.value(x)) as T;
    if (v && typeof v === 'object') {
      const o: Record<string, unknown> = {};
      for (const [k, x] of Object.entries(v)) o[this.text(k)] = this.value(x);
      return o as T;
    }
    return v;
  }
}
