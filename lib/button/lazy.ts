// The main entry's miAccountButton: the button's modules load on its first call, not at require('passport-mi-account').
import type { MiAccountButtonOptions } from './render';

let button: typeof import('./render') | undefined;

/**
 * The HTML of the "Sign in with Mi Account" button: `miAccountButton` of `passport-mi-account/button`, which also
 * has `localeFromAcceptLanguage`, `miAccountButtonStyles` and the button's types. The button's code loads on the
 * first call.
 *
 * @example
 * res.send(`<main>${miAccountButton({ href: '/auth/mi', locale: 'zh-CN', theme: 'light' })}</main>`);
 */
export function miAccountButton(options: MiAccountButtonOptions): string {
  // Most requests of an app never render the button: its ~10 modules stay unloaded until one does.
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  button ??= require('./render') as typeof import('./render');
  return button.miAccountButton(options);
}
