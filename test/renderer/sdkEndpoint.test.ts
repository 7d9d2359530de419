// Administration › SDK Endpoint: the form's problems in the user's words (the dialog shows them beside the
// fields), agreeing with the contract's schema for `vim25.configure`.
import { describe, expect, it } from 'vitest';
import { COMMAND_SCHEMAS } from '@shared/api/commands';
import { vim25SettingsProblems } from '@shared/model/vim25Settings';

const ok = { enabled: true, port: 7551, user: 'student', password: 'Student-pw-2026' };

describe('vim25SettingsProblems', () => {
  it('accepts a valid form, and turning on without a new password once one is set', () => {
    expect(vim25SettingsProblems(ok, false)).toEqual({});
    expect(vim25SettingsProblems({ ...ok, password: '' }, true)).toEqual({});
    expect(COMMAND_SCHEMAS['vim25.configure'].check(ok, 'params')).toBeNull();
  });

  it('names each field the schema would refuse, in words', () => {
    const cases: [Partial<typeof ok>, 'port' | 'user' | 'password', RegExp][] = [
      [{ port: 443 }, 'port', /1024 to 65535/],
      [{ port: 70_000 }, 'port', /1024 to 65535/],
      [{ user: 'a student' }, 'user', /letters, digits/],
      [{ user: '' }, 'user', /letters, digits/],
      [{ password: 'short' }, 'password', /8–128 characters/],
      [{ password: 'tab\there-too' }, 'password', /control characters/],
    ];
    for (const [change, field, words] of cases) {
      const form = { ...ok, ...change };
      expect(vim25SettingsProblems(form, false)[field]).toMatch(words);
      expect(COMMAND_SCHEMAS['vim25.configure'].check(form, 'params')?.field).toBe(`params.${field}`);
    }
  });

  it('asks for a password before turning the endpoint on the first time', () => {
    expect(vim25SettingsProblems({ ...ok, password: '' }, false).password).toMatch(/Set a password/);
    expect(vim25SettingsProblems({ ...ok, enabled: false, password: '' }, false)).toEqual({});
  });
});
