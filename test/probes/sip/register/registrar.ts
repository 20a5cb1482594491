/**
 * Kamailio as a registrar for the REGISTER tests: OPTIONS → 200; REGISTER is challenged with the
 * auth module (`www_challenge`, qop=auth) and checked with `pv_www_authenticate` against the one
 * password of this config (no database), then saved by `registrar`/`usrloc` in memory
 * (`db_mode 0`), which answers 200 with the bindings and the expiry it grants (capped by
 * `max_expires`). A wrong password gets a new 401 challenge, as Kamailio's sample configs do.
 */
import type { KamailioOptions } from '../../../setup/kamailio.js';

export interface RegistrarOptions {
  password: string;
  /** Longest expiry granted (registrar `max_expires`). */
  maxExpires: number;
  tcp?: boolean;
}

export function registrarOptions(o: RegistrarOptions): KamailioOptions {
  if (!/^[A-Za-z0-9._-]+$/.test(o.password)) throw new Error('the test password must be plain (it goes into a Kamailio config string)');
  return {
    tcp: o.tcp,
    modules: ['pv.so', 'auth.so', 'usrloc.so', 'registrar.so'],
    extraConfig: [
      'modparam("usrloc", "db_mode", 0)',
      `modparam("registrar", "max_expires", ${o.maxExpires})`,
      'modparam("registrar", "min_expires", 1)',
    ].join('\n'),
    route: `
    if (is_method("OPTIONS")) {
        sl_send_reply("200", "OK");
        exit;
    }
    if (is_method("REGISTER")) {
        if (!pv_www_authenticate("$td", "${o.password}", "0")) {
            www_challenge("$td", "1");
            exit;
        }
        consume_credentials();
        if (!save("location")) {
            sl_reply_error();
        }
        exit;
    }
    sl_send_reply("404", "Not here");`,
  };
}
