import { Command } from 'commander';
import { dashboardToken, startDashboard, type Dashboard, type DashboardOptions } from '../../dashboard/index.js';
import type { StreamlineConfig } from '../../config/index.js';
import { durationFlag, portFlag } from '../flags.js';
import { addGlobalOptions, resolveRuntime, say, withInterrupt, type GlobalOptions } from '../context.js';

interface DashboardFlags extends GlobalOptions {
  host?: string;
  port?: number;
  refresh?: number;
}

/** Starts the dashboard; a refused binding is a BindRefusedError (exit 2) naming what to do. */
export const openDashboard = (config: StreamlineConfig, opts: Omit<DashboardOptions, 'token'> = {}): Promise<Dashboard> =>
  startDashboard(config, { ...opts, token: dashboardToken(config) });

export function dashboardCommand(program: Command): void {
  addGlobalOptions(
    program
      .command('dashboard')
      .description('serve the live pipeline page and Prometheus /metrics for the running services until Ctrl-C')
      .option('--host <address>', 'address to listen on (default 127.0.0.1; any other needs STREAMLINE_DASHBOARD_TOKEN or dashboard.tokenFile)')
      .option('--port <port>', 'port to listen on (default: dashboard.port, 3000)', portFlag('--port'))
      .option('--refresh <time>', 'how often the collectors refresh, e.g. 500ms, 2s (default 2s)', durationFlag('--refresh')),
  ).action(async (flags: DashboardFlags) => {
    const runtime = await resolveRuntime(flags, { dashboard: { host: flags.host, port: flags.port, refreshMs: flags.refresh } });
    if (!runtime) return;
    const { config, pipeline } = runtime;
    const token = dashboardToken(config);
    const dashboard = await openDashboard(config, { explicitHost: flags.host !== undefined, pipeline: { resolved: pipeline.resolved, file: pipeline.file } });
    say(`dashboard on ${dashboard.url} (metrics at ${dashboard.url}metrics); Ctrl-C to stop.`);
    const { host, allowedHosts } = config.dashboard;
    if ((host === '0.0.0.0' || host === '::') && allowedHosts.length === 0) {
      say('note: it answers only requests addressed to localhost or 127.0.0.1; list the names others use to reach it in dashboard.allowedHosts (env STREAMLINE_DASHBOARD_ALLOWED_HOSTS=name1,name2), any other Host gets 403.');
    }
    if (token) say(`it needs the access token: open ${dashboard.url}login?token=<token> in the browser once; Prometheus and scripts send Authorization: Bearer <token>.`);
    await withInterrupt(undefined, (signal) => new Promise<void>((resolve) => signal.addEventListener('abort', () => resolve(), { once: true })));
    await dashboard.close();
  });
}
