/**
 * The daemon's HTTP endpoint: off until `clusterctl web` turns it on, then a
 * node:http server on the configured host and port (127.0.0.1:9615 unless
 * told). `apply` closes the old listener before opening the new one, so a
 * change of port never leaves two. The routes live in ./routes.
 */
import { createServer, type Server } from 'node:http';
import type { WebConfig, WebState } from '../../protocol/api';
import type { DaemonContext } from '../context';
import { handleRequest } from './routes';
import { ensureToken, loadWebConfig, saveWebConfig } from './web-config';

function hostForUrl(host: string): string {
  return host.includes(':') ? `[${host}]` : host;
}

export class WebEndpoint {
  private server: Server | null = null;
  private config: WebConfig;
  private error: string | null = null;

  constructor(private readonly ctx: DaemonContext) {
    this.config = loadWebConfig(ctx.paths.home, (why) =>
      ctx.logger.warn({ why }, 'web.json is unreadable; the endpoint stays off'),
    );
  }

  get current(): WebConfig {
    return this.config;
  }

  state(): WebState {
    const addr = this.server?.address();
    const listening =
      addr && typeof addr === 'object' ? `http://${hostForUrl(this.config.host)}:${String(addr.port)}/` : null;
    return { ...this.config, listening, error: this.error };
  }

  /** The token requests must carry (made on first use). */
  token(): string {
    return ensureToken(this.ctx.paths.home);
  }

  /** Listens as the stored setting says (at daemon start). A failure is logged and shown by `web`, not fatal. */
  async start(): Promise<void> {
    if (this.config.enabled) await this.listen();
  }

  async configure(config: WebConfig): Promise<WebState> {
    await this.close();
    this.config = config;
    saveWebConfig(this.ctx.paths.home, config);
    if (config.enabled) {
      this.token();
      await this.listen();
    }
    return this.state();
  }

  close(): Promise<void> {
    const server = this.server;
    this.server = null;
    this.error = null;
    if (!server) return Promise.resolve();
    return new Promise((resolve) => {
      server.close(() => resolve());
      server.closeAllConnections();
    });
  }

  private listen(): Promise<void> {
    const server = createServer((req, res) => {
      handleRequest(this.ctx, this.config, req, res).catch((err: unknown) => {
        this.ctx.logger.error({ err, url: req.url }, 'web request failed');
        if (!res.headersSent) res.writeHead(500, { 'content-type': 'application/json' });
        res.end(`${JSON.stringify({ error: err instanceof Error ? err.message : String(err) })}\n`);
      });
    });
    return new Promise((resolve) => {
      server.once('error', (err) => {
        this.error = `cannot listen on ${this.config.host}:${String(this.config.port)}: ${err.message}`;
        this.ctx.logger.error({ err }, this.error);
        resolve();
      });
      server.listen(this.config.port, this.config.host, () => {
        this.server = server;
        this.error = null;
        this.ctx.logger.info({ host: this.config.host, port: this.config.port }, 'web endpoint listening');
        resolve();
      });
    });
  }
}
