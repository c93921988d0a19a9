/**
 * The Probe panel's state: the form, and the current run followed through the
 * backend's `probe-progress` events. The password stays in this store only
 * while the form holds it; it is sent to the local backend with probe.start
 * and never shown back.
 */
import { create } from 'zustand';
import type { ProbeRunData, ProbeStartParams } from '../../../shared/api/probe';
import { api } from '../api/client';

export interface ProbeForm {
  url: string;
  user: string;
  password: string;
  email: string;
  auth: '' | 'basic' | 'ntlm' | 'negotiate';
  insecure: boolean;
}

interface ProbeStore {
  form: ProbeForm;
  run?: ProbeRunData;
  error?: string | undefined;
  setForm(f: Partial<ProbeForm>): void;
  start(): Promise<void>;
  cancel(): Promise<void>;
  onProgress(run: ProbeRunData): void;
}

export const useProbeStore = create<ProbeStore>((set, get) => ({
  form: { url: '', user: '', password: '', email: '', auth: '', insecure: false },
  setForm(f) {
    set({ form: { ...get().form, ...f } });
  },
  async start() {
    const f = get().form;
    const params: ProbeStartParams = { url: f.url.trim(), insecure: f.insecure };
    if (f.user.trim()) params.user = f.user.trim();
    if (f.user.trim()) params.password = f.password;
    if (f.email.trim()) params.email = f.email.trim();
    if (f.auth) params.auth = f.auth;
    set({ error: undefined });
    try {
      const run = await api().call('probe.start', params);
      // Events of this run may have arrived first: keep the newer state.
      const cur = get().run;
      if (!cur || cur.id !== run.id) set({ run });
    } catch (e) {
      set({ error: e instanceof Error ? e.message : String(e) });
    }
  },
  async cancel() {
    const id = get().run?.id;
    if (id !== undefined)
      await api()
        .call('probe.cancel', { id })
        .catch(() => undefined);
  },
  onProgress(run) {
    const cur = get().run;
    if (!cur || run.id >= cur.id) set({ run });
  },
}));
