/** The exchange detail's "Server" tab: the Exchange log rows joined to this exchange. */
import { useEffect, useState } from 'react';
import type { ServerRowsDto } from '../../../shared/api/contract';
import { api } from '../api/client';

const BY: Record<NonNullable<ServerRowsDto['by']>, string> = {
  'request-id': 'X-RequestId',
  'session-cookie': 'session cookie and time',
  'time-and-user': 'time and user (no id in the log)',
};

export function ServerRowsPanel({ exchangeId }: { exchangeId: number }) {
  const [rows, setRows] = useState<ServerRowsDto | undefined>();
  const [open, setOpen] = useState<boolean | undefined>();
  const [error, setError] = useState('');
  useEffect(() => {
    let live = true;
    setRows(undefined);
    void (async () => {
      const st = await api().call('logs.status', {});
      if (!live) return;
      setOpen(!!st.case);
      if (st.case) {
        const r = await api().call('logs.rowsFor', { exchangeId });
        if (live) setRows(r);
      }
    })().catch((e: Error) => live && setError(e.message));
    return () => {
      live = false;
    };
  }, [exchangeId]);
  if (error) return <p className="aborted pad">{error}</p>;
  if (open === false) return <p className="hint pad">No server logs open (Server logs tab).</p>;
  if (!rows) return <p className="hint pad">Joining with the server logs…</p>;
  if (!rows.rows.length) return <p className="hint pad">No server log row for this exchange.</p>;
  return (
    <div className="server-rows pad" aria-label="Server rows">
      <p className="hint">Matched by {BY[rows.by!]}</p>
      <table className="logs-grid">
        <thead>
          <tr>
            <th>log</th>
            <th>time (UTC)</th>
            <th>type</th>
            <th>HTTP</th>
            <th>total ms</th>
            <th>back end ms</th>
            <th>status / errors</th>
            <th>file:line</th>
          </tr>
        </thead>
        <tbody>
          {rows.rows.map((r) => (
            <tr key={`${r.file}:${r.line}`}>
              <td>{r.table}</td>
              <td>{new Date(r.time).toISOString().slice(11, 23)}</td>
              <td>{r.requestType ?? ''}</td>
              <td>{r.httpStatus ?? ''}</td>
              <td>{r.durationMs ?? ''}</td>
              <td>{r.backendMs ?? ''}</td>
              <td>{[r.mapiStatus, r.errors].filter(Boolean).join(' ')}</td>
              <td title={r.file}>
                {r.file.split(/[\\/]/).pop()}:{r.line}
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}
