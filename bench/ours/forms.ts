// How the load driver fills our sign-in pages (the store, the password page, the TOTP code), shared by bench and soak.
import type { FormBrowserOptions } from '../lib/browser.js';
import type { TotpSource } from '../lib/totp.js';
import { BENCH_STORE } from './seed.js';

export function ourForms(totp: TotpSource): Pick<FormBrowserOptions, 'fields' | 'skipForm'> {
  return {
    fields: {
      store: () => BENCH_STORE,
      username: (u) => u.username,
      password: (u) => u.password,
      code: (u) => totp.nextCode(u.username, u.totpSecret),
    },
    // the recovery-code page asks for a "code" too, and refuses a TOTP code: the driver stops there, naming the page
    // (issue 22: the held-out bench:keycloak runs completed no sign-in of ours that way)
    skipForm: (form) => /\/recovery$/.test(form.action),
  };
}
