import { create } from 'zustand';
import type { BackendStatus } from '../../../shared/api/contract';
import type { ConnectionState } from '../api/client';

interface ConnectionStore {
  state: ConnectionState;
  transport?: 'electron' | 'http';
  status?: BackendStatus;
  lastError?: string | undefined;
  setState(s: ConnectionState): void;
  setStatus(s: BackendStatus): void;
  setError(e: string | undefined): void;
}

export const useConnectionStore = create<ConnectionStore>((set) => ({
  state: 'connecting',
  setState: (state) => set({ state }),
  setStatus: (status) => set({ status }),
  setError: (lastError) => set({ lastError }),
}));
