// Types of app.js for the TypeScript tests (the example app itself is plain CommonJS).
import type { Express } from 'express';
import type { Store } from 'express-session';

export interface ExampleAppConfig {
  clientID: string;
  clientSecret: string;
  sessionSecret: string | string[];
  callbackURL?: string;
  registeredRedirectURIs?: string | string[];
  authorizationURL?: string;
  tokenURL?: string;
  openApiURL?: string;
  scope?: string[];
  sessionStore?: Store;
  secureCookies?: boolean;
  trustProxy?: boolean | number | string;
  redis?: unknown;
  /** NODE_ENV=production: pages never show setup details; an unregistered Host gets a plain 400. */
  production?: boolean;
  backendLabel?: string;
  imageSources?: string[];
  logger?: { error: (...args: unknown[]) => void };
}

export function createApp(config: ExampleAppConfig): Express;
export const DEFAULT_SCOPE: string[];
