// Types of server.js for the TypeScript tests (the example app itself is plain CommonJS).
import type { Server } from 'node:http';
import type { Express } from 'express';
import type { MiEmulator, MiEmulatorOptions } from '../lib/emulator';

export interface StartExampleOptions {
  /** Default 3000; 0 picks a free port. */
  port?: number;
  /** Listen address; default all interfaces. */
  host?: string;
  /** Default process.env. */
  env?: Record<string, string | undefined>;
  /** Banner lines and, when DEBUG names passport-mi-account, one timing line per login; default console.log. */
  log?: (line: string) => void;
  /** Warnings and server-side error logs; default console.warn. */
  warn?: (...args: unknown[]) => void;
  /** Extra options of the embedded emulator (e.g. autoApprove, latencyMs). */
  emulatorOptions?: Partial<MiEmulatorOptions>;
}

export interface RunningExample {
  /** e.g. http://127.0.0.1:41234 */
  url: string;
  port: number;
  server: Server;
  app: Express;
  /** The embedded emulator, when the app started one. */
  emulator?: MiEmulator;
  /** Closes the app, the embedded emulator and the Redis connection. */
  close(): Promise<void>;
}

export function startExample(options?: StartExampleOptions): Promise<RunningExample>;
export function main(): Promise<void>;
