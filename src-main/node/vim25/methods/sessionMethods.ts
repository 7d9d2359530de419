/**
 * ServiceInstance and SessionManager methods: RetrieveServiceContent, CurrentTime, Login, Logout,
 * SessionIsActive.
 *
 * Rules: a failed login costs the growing delay of SessionStore and answers InvalidLogin; the password
 * never appears in a fault, a log line or a response.
 */
import { bool, dateTime } from '../vimValues';
import { invalidLogin } from '../faults';
import { serviceContent } from '../serviceContent';
import { userSession } from '../vimWorld';
import type { MethodTable } from './methodTable';

export const SESSION_METHODS: MethodTable = {
  RetrieveServiceContent: { on: ['ServiceInstance'], public: true, run: async (c) => serviceContent(c.svc.about) },
  CurrentTime: { on: ['ServiceInstance'], public: true, run: async (c) => { await c.svc.mirror.refreshClock(); return dateTime(c.svc.mirror.nowMs()); } },
  Login: {
    on: ['SessionManager'], public: true,
    run: async (c) => {
      const user = c.args.needStr('userName');
      const password = c.args.needStr('password');
      const s = await c.svc.sessions.login(user, password, c.client);
      if (!s) throw invalidLogin();
      c.setCookie(c.svc.sessions.cookieFor(s));
      return userSession(s);
    },
  },
  Logout: {
    on: ['SessionManager'],
    run: async (c) => { if (c.session) c.svc.sessions.logout(c.session); return undefined; },
  },
  SessionIsActive: {
    on: ['SessionManager'],
    run: async (c) => {
      const key = c.args.needStr('sessionID');
      const user = c.args.needStr('userName');
      return bool(c.svc.sessions.all().some((s) => s.key === key && s.userName === user));
    },
  },
};
