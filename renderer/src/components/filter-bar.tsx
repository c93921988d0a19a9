/** The typed filter bar with completion and saved filters. */
import { useMemo, useRef, useState } from 'react';
import { completeFilter } from '../../../shared/filter/filter';
import { useExchangesStore } from '../stores/exchanges-store';
import { useFilterStore } from '../stores/filter-store';

export function FilterBar({ shown }: { shown: number }) {
  const text = useFilterStore((s) => s.text);
  const errors = useFilterStore((s) => s.errors);
  const setText = useFilterStore((s) => s.setText);
  const saved = useFilterStore((s) => s.saved);
  const save = useFilterStore((s) => s.save);
  const items = useExchangesStore((s) => s.items);
  const [caret, setCaret] = useState(0);
  const [focus, setFocus] = useState(false);
  const [pick, setPick] = useState(0);
  const input = useRef<HTMLInputElement>(null);
  const knownRops = useMemo(() => [...new Set(items.flatMap((i) => i.rops ?? []))].sort(), [items]);
  const suggestions = focus ? completeFilter(text, caret, knownRops) : [];

  const apply = (s: string) => {
    const before = text.slice(0, caret).replace(/\S*$/, '');
    const next = before + s + text.slice(caret);
    setText(next);
    const pos = before.length + s.length;
    requestAnimationFrame(() => input.current?.setSelectionRange(pos, pos));
    setCaret(pos);
  };

  return (
    <div className="filter-bar">
      <div className="filter-input">
        <input
          ref={input}
          value={text}
          spellCheck={false}
          placeholder="Filter: type:Execute rop:RopQueryRows code!=0 session:3 latency>2s   (Ctrl+F)"
          aria-label="Filter"
          className={errors.length ? 'has-error' : ''}
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
            if (suggestions.length && (e.key === 'Tab' || (e.key === 'Enter' && pick >= 0))) {
              e.preventDefault();
              apply(suggestions[pick] ?? suggestions[0]!);
            } else if (e.key === 'ArrowDown' && suggestions.length) {
              e.preventDefault();
              setPick((p) => Math.min(suggestions.length - 1, p + 1));
            } else if (e.key === 'ArrowUp' && suggestions.length) {
              e.preventDefault();
              setPick((p) => Math.max(0, p - 1));
            } else if (e.key === 'Escape') {
              if (text) setText('');
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
                onMouseDown={() => apply(s)}
              >
                {s}
              </li>
            ))}
          </ul>
        )}
      </div>
      <span className="filter-count" data-testid="filter-count">
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
        <span className="filter-error" role="alert" title={errors.map((e) => e.message).join('\n')}>
          {errors[0]!.message}
        </span>
      )}
    </div>
  );
}
