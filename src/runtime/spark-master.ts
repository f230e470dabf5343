/** The standalone master's and workers' JSON views (`/json/` on their web UIs), the parts we read. */

export interface MasterWorker {
  id: string;
  host: string;
  port: number;
  webuiaddress: string;
  cores: number;
  coresused: number;
  memory: number;
  memoryused: number;
  state: string;
}

export interface MasterApp {
  id: string;
  name: string;
  cores: number;
  state: string;
}

export interface MasterState {
  url: string;
  status: string;
  workers: MasterWorker[];
  activeapps: MasterApp[];
  aliveworkers?: number;
}

export interface WorkerExecutor {
  id: number;
  appid: string;
  memory: number;
  cores?: number;
}

export interface WorkerState {
  id: string;
  masterurl: string;
  cores: number;
  coresused: number;
  executors: WorkerExecutor[];
}

async function getJson<T>(url: string, timeoutMs: number): Promise<T> {
  const response = await fetch(url, { signal: AbortSignal.timeout(timeoutMs) });
  if (!response.ok) throw new Error(`${url}: HTTP ${response.status}`);
  return (await response.json()) as T;
}

export const fetchMasterState = (uiUrl: string, timeoutMs = 3_000) => getJson<MasterState>(`${uiUrl}/json/`, timeoutMs);
export const fetchWorkerState = (uiUrl: string, timeoutMs = 3_000) => getJson<WorkerState>(`${uiUrl}/json/`, timeoutMs);

/** The master's record of the worker registered from this host and RPC port (the newest one if it re-registered). */
export function workerEntry(state: MasterState, host: string, port: number): MasterWorker | undefined {
  const entries = state.workers.filter((w) => w.host === host && w.port === port);
  return entries.find((w) => w.state === 'ALIVE') ?? entries.at(-1);
}
