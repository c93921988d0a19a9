/**
 * The typed filter bar: completion of field names and values from the field
 * registry (`filter.fields`), saved filters, and, for filters on decoded
 * fields, the backend run's progress with a Cancel button.
 */
import { useEffect, useMemo, useRef, useState } from 'react';
import { completeFilter } from '../../../shared/filter/filter';
import type { FieldInfo } from '../../../shared/filter/types';
import { api } from '../api/client';
import { useExchangesStore } from '../stores/exchanges-store';
import { useFilterStore } from '../stores/filter-store';

/** Values of a field seen in the capture, fetched once per field for completion. */
const seenValues = new Map<string, readonly string[]>();

export function FilterBar({ shown }: { shown: number }) {
  const draft = useFilterStore((s) => s.draft);
  const text = useFilterStore((s) => s.text);
  const errors = useFilterStore((s) => s.errors);
  const setText = useFilterStore((s) => s.setText);
  const saved = useFilterStore((s) => s.saved);
  const save = useFilterStore((s) => s.save);
  const catalog = useFilterStore((s) => s.catalog);
  const backend = useFilterStore((s) => s.backend);
  const cancel = useFilterStore((s) => s.cancel);
  const items = useExchangesStore((s) => s.items);
  const [caret, setCaret] = useState(0);
  const [focus, setFocus] = useState(false);
  const [pick, setPick] = useState(0);
  const [, setFetched] = useState(0);
  const input = useRef<HTMLInputElement>(null);
  const knownRops = useMemo(() => [...new Set(items.flatMap((i) => i.rops ?? []))].sort(), [items]);
  const valuesOf = (f: FieldInfo) => {
    const got = seenValues.get(f.name);
    if (got) return got;
    seenValues.set(f.name, []);
    void api()
      .call('filter.values', { field: f.name, limit: 50 })
      .then((r) => {
        seenValues.set(f.name, r.values);
        setFetched((n) => n + 1);
      })
      .catch(() => undefined);
    return [];
  };
  useEffect(() => seenValues.clear(), [items.length === 0]);
  const suggestions = focus ? completeFilter(draft, caret, { catalog, knownRops, valuesOf }) : [];

  // The filter box follows a filter prepared elsewhere (the tree's "Prepare as filter"): focus it.
  useEffect(() => {
    if (draft !== text && document.activeElement !== input.current) {
      input.current?.focus();
      const end = draft.length;
      requestAnimationFrame(() => input.current?.setSelectionRange(end, end));
      setCaret(end);
    }
  }, [draft, text]);

  const apply = (s: string) => {
    const before = draft.slice(0, caret).replace(/\S*$/, '');
    const next = before + s + draft.slice(caret);
    setText(next);
    const pos = before.length + s.length;
    requestAnimationFrame(() => input.current?.setSelectionRange(pos, pos));
    setCaret(pos);
  };

  const pct = backend?.running && backend.total ? Math.round(((backend.fed ?? 0) * 100) / backend.total) : undefined;
  return (
    <div className="filter-bar">
      <div className="filter-input">
        <input
          ref={input}
          value={draft}
          spellCheck={false}
          placeholder="Filter: rop == RopQueryRows · ReturnValue == ecNullObject · prop.PidTagSubject contains invoice · type:Execute code!=0   (Ctrl+F)"
          aria-label="Filter"
          className={errors.length ? 'has-error' : draft !== text ? 'prepared' : ''}
          onChange={(e) => {
            setText(e.target.value);
            setCaret(e.target.selectionStart ?? e.target.value.length);
            setPick(0);
          }}
          onKeyUp={(e) => setCaret((e.target as HTMLInputElement).selectionStart ?? 0)}
          onClick={(e) => setCaret((e.target as HTMLInputElement).selectionStart ?? 0)}
          onFocus={() => setFocus(true)}
          onBlur={() => setTimeout(() => setFocus(false), 150)}
          onKeyDown={(e) => {
            if (suggestions.length && (e.key === 'Tab' || (e.key === 'Enter' && pick >= 0 && draft === text))) {
              e.preventDefault();
              apply(suggestions[pick] ?? suggestions[0]!);
            } else if (e.key === 'Enter' && draft !== text) {
              e.preventDefault();
              setText(draft);
            } else if (e.key === 'ArrowDown' && suggestions.length) {
              e.preventDefault();
              setPick((p) => Math.min(suggestions.length - 1, p + 1));
            } else if (e.key === 'ArrowUp' && suggestions.length) {
              e.preventDefault();
              setPick((p) => Math.max(0, p - 1));
            } else if (e.key === 'Escape') {
              if (backend?.running) cancel();
              else if (draft) setText('');
              else input.current?.blur();
            }
          }}
        />
        {suggestions.length > 0 && (
          <ul className="completions" role="listbox">
            {suggestions.map((s, i) => (
              <li
                key={s}
                role="option"
                aria-selected={i === pick}
                className={i === pick ? 'active' : ''}
                title={catalog?.resolve(s.replace(/^[-!]/, '').replace(/[:=<>!~].*$/, ''))?.description}
                onMouseDown={() => apply(s)}
              >
                {s}
              </li>
            ))}
          </ul>
        )}
      </div>
      {backend?.running && (
        <span className="filter-progress" role="status" aria-label="Filtering">
          <progress max={100} value={pct ?? 0} />
          <span>{pct !== undefined ? `analysing ${pct}%` : 'filtering…'}</span>
          <button onClick={cancel}>Cancel</button>
        </span>
      )}
      <span
        className="filter-count"
        data-testid="filter-count"
        title={
          backend?.ids
            ? `decoded fields: ${backend.evaluated} of ${backend.total} exchanges analysed, ${backend.ms} ms`
            : undefined
        }
      >
        {shown} / {items.length}
      </span>
      <select
        aria-label="Saved filters"
        value=""
        onChange={(e) => {
          if (e.target.value) setText(e.target.value);
        }}
      >
        <option value="">Saved…</option>
        {saved.map((s) => (
          <option key={s.name} value={s.text}>
            {s.name}
          </option>
        ))}
      </select>
      <button
        disabled={!text}
        onClick={() => {
          const name = window.prompt('Name for this filter', text);
          if (name) save(name);
        }}
      >
        Save
      </button>
      {errors.length > 0 && (
        <span
          className="filter-error"
          role="alert"
          title={errors.map((e) => `column ${e.at + 1}: ${e.message}`).join('\n')}
        >
          col {errors[0]!.at + 1}: {errors[0]!.message}
        </span>
      )}
      {backend?.error && backend.error !== 'cancelled' && (
        <span className="filter-error" role="alert">
          {backend.error}
        </span>
      )}
    </div>
  );
}
